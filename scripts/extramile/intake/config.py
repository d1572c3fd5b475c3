"""Where submissions go, and the receiver's settings.

Two audiences read this module. The site engines call `intake_settings(extra["intake"])` to learn how the
Submit form must be wired for the chosen provider (our receiver, Netlify Forms or Formspree). The receiver
calls `receiver_settings(...)` to learn which origins may post, where the thank-you page is and how strict
to be. Both read mkdocs.yml, so the form and the receiver agree without anyone copying a URL twice.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from yaml_env_tag import construct_env_tag

from extramile.intake.store import DEFAULT_STORE
from extramile.submission import FIELD_LIMITS, MAX_TAGS, MIN_STORY, form_messages

PROVIDERS = ("receiver", "netlify", "formspree")
DEFAULT_RECEIVER_URL = "http://127.0.0.1:8001/submissions"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
DEV_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")  # `mkdocs serve` under either name
THANKS_PATH = "submit/thanks/"  # relative to the site's root, like every page URL in MkDocs
SUBMIT_PATH = "submit/"
HONEYPOT = "website"
ORIGINS_ENV = "EXTRAMILE_INTAKE_ORIGINS"  # extra allowed origins, separated by commas or spaces
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}
_KEYS = {"provider", "url", "action", "honeypot", "thanks", "form_name"}


class IntakeConfigError(ValueError):
    """extra.intake in mkdocs.yml is not usable; the message says which key and why."""


def intake_settings(extra: dict | None) -> dict:
    """extra.intake from mkdocs.yml, completed: everything the Submit form's template needs.

    Returns provider, action (the form's action attribute; None for Netlify: the thank-you page), method,
    honeypot (the trap field's name), thanks (the thank-you page, site-relative), form_name, attributes (extra
    attributes of the <form>), hidden (hidden inputs a provider needs) and script ("json": the page's script
    posts JSON; "fetch": it posts the form with Accept: JSON; "native": it lets the browser post), and the
    form's limits and messages, so that the page says what the receiver would say, before it posts.
    """
    extra = dict(extra or {})
    unknown = set(extra) - _KEYS
    if unknown:
        raise IntakeConfigError(f"extra.intake: unknown key(s) {', '.join(sorted(unknown))}"
                                f" (known: {', '.join(sorted(_KEYS))})")
    provider = extra.get("provider") or "receiver"
    if provider not in PROVIDERS:
        raise IntakeConfigError(f"extra.intake.provider: {provider!r} is not one of {', '.join(PROVIDERS)}")
    thanks = str(extra.get("thanks") or THANKS_PATH).lstrip("/")
    form_name = str(extra.get("form_name") or "story")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", form_name):
        raise IntakeConfigError("extra.intake.form_name: use letters, digits, - and _ only")
    settings = {"provider": provider, "method": "post", "thanks": thanks, "form_name": form_name,
                "attributes": {}, "hidden": {}, "limits": dict(FIELD_LIMITS), "min_story": MIN_STORY,
                "max_tags": MAX_TAGS, "messages": form_messages()}
    if provider == "receiver":
        action = str(extra.get("url") or extra.get("action") or DEFAULT_RECEIVER_URL)
        _require_http(action, "extra.intake.url")
        settings.update(action=action, honeypot=str(extra.get("honeypot") or HONEYPOT), script="json")
    elif provider == "netlify":
        # Netlify finds the form in the built HTML by these attributes, drops posts whose honeypot is filled,
        # and answers a successful post with the page named in action: no action here means "the thank-you
        # page", which the template writes relative to the page, so a site under a sub-path works too.
        honeypot = str(extra.get("honeypot") or HONEYPOT)
        settings.update(action=None, honeypot=honeypot, script="native",
                        attributes={"name": form_name, "data-netlify": "true", "netlify-honeypot": honeypot},
                        hidden={"form-name": form_name})
    else:
        action = extra.get("action") or extra.get("url")
        if not action:
            raise IntakeConfigError("extra.intake.action: Formspree needs its form's address (https://formspree.io/f/…)")
        _require_http(str(action), "extra.intake.action")
        # Formspree silently drops posts that fill `_gotcha`; with Accept: JSON it answers the page's script
        # instead of showing its own thank-you page, so the reader lands on ours.
        settings.update(action=str(action), honeypot=str(extra.get("honeypot") or "_gotcha"), script="fetch",
                        hidden={"_subject": "A new story for Extra Mile"})
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]{0,40}", settings["honeypot"]):
        raise IntakeConfigError("extra.intake.honeypot: use letters, digits, - and _ only")
    return settings


def _require_http(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IntakeConfigError(f"{where}: {url!r} must be an absolute http(s) address")


def origin_of(url: str) -> str:
    """scheme://host[:port] of an address, lower-cased, without a default port: what browsers send as Origin."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[" (an unclosed IPv6 address): anyone can send it as Origin
        raise IntakeConfigError(f"{url!r} is not an http(s) origin") from None
    try:
        port_number = parts.port
    except ValueError:  # "http://127.0.0.1:8000.evil.example" is not a port: not an origin at all
        port_number, parts = None, parts._replace(scheme="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise IntakeConfigError(f"{url!r} is not an http(s) origin")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{port_number}" if port_number and port_number != default else ""
    return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True)
class Limits:
    """How much the receiver takes, and how long it waits. Tests and the benchmark lower or raise these."""

    max_body: int = 256 * 1024  # bytes; a full 20,000-character story in any script fits with room to spare
    max_fields: int = 64  # form fields in one post (tags are at most 5 of them)
    rate: int = 10  # posts per address...
    rate_window: float = 60.0  # ...per this many seconds; rate 0 turns the limit off
    header_timeout: float = 10.0  # seconds a client may take to send a request's headers
    body_timeout: float = 15.0  # seconds a client may take to send a request's body
    # A request's line and header fields, in bytes (also the most a chunked body's framing and trailers may
    # take); as h11 and Node.js allow. Browsers send a few hundred bytes here, cookies included.
    max_head: int = 16 * 1024
    max_headers: int = 100  # header fields in one request (Apache's LimitRequestFields)


@dataclass(frozen=True)
class ReceiverSettings:
    root: Path
    store: Path
    site_url: str = DEFAULT_SITE_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allowed_origins: frozenset[str] = frozenset(DEV_ORIGINS)
    intake: dict = field(default_factory=lambda: intake_settings({}))
    limits: Limits = Limits()
    vocabulary: Path | None = None  # default: <root>/content/vocabulary.yml

    def site_path(self) -> str:
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def page_url(self, path: str, origin: str | None = None) -> str:
        """A page of the site, absolute: on the origin the visitor came from when it is one we serve."""
        base = (origin + self.site_path()) if origin in self.allowed_origins else self.site_url
        return urljoin(base if base.endswith("/") else base + "/", path)

    def receiver_origins(self) -> frozenset[str]:
        """Where the receiver's own page (the form shown again with its errors) is seen from: its form posts
        from there. Taken from the configuration, never from the request's Host header, which a DNS-rebinding
        page controls."""
        origins = set()
        if self.intake.get("provider") == "receiver" and self.intake.get("action"):
            origins.add(origin_of(self.intake["action"]))
        hosts = {self.host}
        if self.host in _LOOPBACK:
            hosts |= {"127.0.0.1", "localhost"}
        for host in hosts - {"0.0.0.0", "::"}:
            origins.add(origin_of(f"http://{f'[{host}]' if ':' in host else host}:{self.port}"))
        return frozenset(origins)

    def with_limits(self, **changes: object) -> "ReceiverSettings":
        return replace(self, limits=replace(self.limits, **changes))


class _SiteLoader(yaml.SafeLoader):
    """mkdocs.yml's YAML: `!ENV` resolved as MkDocs does, any other application tag read as nothing."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_SiteLoader.add_constructor("!ENV", construct_env_tag)  # the very function MkDocs uses
_SiteLoader.add_multi_constructor("!", _ignore_tag)
_SiteLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def read_site_config(root: Path) -> dict:
    """The parts of mkdocs.yml the receiver needs: site_url and extra.intake (empty when there is no file)."""
    path = Path(root) / "mkdocs.yml"
    if not path.is_file():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SiteLoader) or {}  # noqa: S506 - a SafeLoader
    return data if isinstance(data, dict) else {}


def split_origins(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


def receiver_settings(
    root: Path,
    *,
    store: Path | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_origins: list[str] | tuple[str, ...] = (),
    site_url: str | None = None,
    limits: Limits | None = None,
    environ: dict | None = None,
) -> ReceiverSettings:
    """Settings for a receiver serving the site at `root`: mkdocs.yml, then the environment, then arguments."""
    root = Path(root).resolve()
    environ = os.environ if environ is None else environ
    site = read_site_config(root)
    extra = site.get("extra") if isinstance(site.get("extra"), dict) else {}
    intake = intake_settings(extra.get("intake") if isinstance(extra.get("intake"), dict) else {})
    site_url = site_url or str(site.get("site_url") or DEFAULT_SITE_URL)
    if not site_url.endswith("/"):
        site_url += "/"
    origins = set(DEV_ORIGINS) | {origin_of(site_url)}
    for origin in [*split_origins(environ.get(ORIGINS_ENV, "")), *allow_origins]:
        origins.add(origin_of(origin))
    return ReceiverSettings(
        root=root, store=Path(store) if store else root / DEFAULT_STORE, site_url=site_url, host=host, port=port,
        allowed_origins=frozenset(origins), intake=intake, limits=limits or Limits(),
        vocabulary=root / "content" / "vocabulary.yml",
    )
