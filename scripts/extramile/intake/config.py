"""Where submissions go, and the receiver's settings.

Two audiences read this module. The site engines call `intake_settings(extra["intake"])` to learn how the
Submit form must be wired for the chosen provider (our receiver, Netlify Forms or Formspree). The receiver
calls `receiver_settings(...)` to learn which origins may post, where the thank-you page is and how strict
to be. Both read mkdocs.yml, so the form and the receiver agree without anyone copying a URL twice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
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
# The retention rule's default and variable, as `extramile submissions purge` reads them (editorial/private.py;
# a test keeps the two defaults equal): the Submit page promises what the purge does.
RETENTION_DAYS = 180
RETENTION_ENV = "EXTRAMILE_RETENTION_DAYS"
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}
_KEYS = {"provider", "url", "action", "honeypot", "thanks", "form_name", "privacy_contact", "retention_days",
         "notify"}
_EMAIL = re.compile(r"[^@\s<>\"'(),;:]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")


class IntakeConfigError(ValueError):
    """extra.intake in mkdocs.yml is not usable; the message says which key and why."""


def intake_settings(extra: dict | None, environ: Mapping[str, str] | None = None) -> dict:
    """extra.intake from mkdocs.yml, completed: everything the Submit form's template needs.

    Returns provider, action (the form's action attribute; None for Netlify: the thank-you page), method,
    honeypot (the trap field's name), thanks (the thank-you page, site-relative), form_name, attributes (extra
    attributes of the <form>), hidden (hidden inputs a provider needs) and script ("json": the page's script
    posts JSON; "fetch": it posts the form with Accept: JSON; "native": it lets the browser post), and the
    form's limits and messages, so that the page says what the receiver would say, before it posts; privacy
    (what the page tells the sender about what is kept, how long, and whom to ask for deletion). `notify` is
    the receiver's alone (see notify_settings): the engines accept it and leave it.
    """
    extra = dict(extra or {})
    _known(extra, _KEYS, "extra.intake")
    provider = extra.get("provider") or "receiver"
    if provider not in PROVIDERS:
        raise IntakeConfigError(f"extra.intake.provider: {provider!r} is not one of {', '.join(PROVIDERS)}")
    thanks = str(extra.get("thanks") or THANKS_PATH).lstrip("/")
    form_name = str(extra.get("form_name") or "story")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", form_name):
        raise IntakeConfigError("extra.intake.form_name: use letters, digits, - and _ only")
    settings = {"provider": provider, "method": "post", "thanks": thanks, "form_name": form_name,
                "attributes": {}, "hidden": {}, "limits": dict(FIELD_LIMITS), "min_story": MIN_STORY,
                "max_tags": MAX_TAGS, "messages": form_messages(),
                "privacy": privacy_settings(extra, os.environ if environ is None else environ)}
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


def privacy_settings(extra: dict, environ: Mapping[str, str]) -> dict:
    """What the privacy text on the Submit page needs: whom to ask for deletion, and the retention period.

    contact: the address as shown (None: the text asks the sender to reply to the editors); contact_href: a
    mailto: or http(s) link to it; retention_days: extra.intake.retention_days, else $EXTRAMILE_RETENTION_DAYS,
    else 180, which is what `extramile submissions purge` uses when run without --days.
    """
    contact = str(extra.get("privacy_contact") or "").strip()
    href = None
    if contact:
        address = contact[len("mailto:"):] if contact.lower().startswith("mailto:") else contact
        if _EMAIL.fullmatch(address):
            contact, href = address, "mailto:" + address
        elif urlsplit(contact).scheme in ("http", "https") and urlsplit(contact).netloc:
            href = contact
        else:
            raise IntakeConfigError("extra.intake.privacy_contact: an e-mail address or an http(s) address, "
                                    f"not {contact!r}")
    days = extra.get("retention_days")
    if days is None or days == "":
        days = environ.get(RETENTION_ENV) or RETENTION_DAYS
    try:
        days = int(str(days).strip())
    except ValueError:
        days = -1
    if days < 0:
        raise IntakeConfigError(f"extra.intake.retention_days (or ${RETENTION_ENV}): a whole number of days, 0 or more")
    return {"contact": contact or None, "contact_href": href, "retention_days": days}


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


SMTP_PASSWORD_ENV = "EXTRAMILE_SMTP_PASSWORD"  # the only place the SMTP password is read from
SECURITY = {"starttls": 587, "ssl": 465, "none": 25}  # how the receiver talks to the mail server, and its port
_NOTIFY_KEYS = {"email", "webhook", "attempts", "retry_delay", "timeout"}
_EMAIL_KEYS = {"to", "from", "host", "port", "security", "username"}


@dataclass(frozen=True)
class EmailNotice:
    """Where the editors' e-mail goes and through which server (extra.intake.notify.email)."""

    to: tuple[str, ...]
    sender: str  # the From address
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # from $EXTRAMILE_SMTP_PASSWORD only


@dataclass(frozen=True)
class NotifySettings:
    """Telling editors about new submissions (extra.intake.notify): off unless an e-mail or a webhook is set."""

    email: EmailNotice | None = None
    webhook: str | None = field(default=None, repr=False)  # its address may hold a token: never printed
    attempts: int = 5  # tries per notification, the first included
    retry_delay: float = 30.0  # seconds before the second try; doubled before each next one (at most an hour)
    timeout: float = 10.0  # seconds one try may take to connect or to hear back

    @property
    def enabled(self) -> bool:
        return self.email is not None or self.webhook is not None


def notify_settings(extra: object, environ: Mapping[str, str]) -> NotifySettings:
    """extra.intake.notify, checked: a mistake stops the receiver at start with its key named, rather than
    leaving editors waiting for messages that will never come."""
    if extra is None:
        return NotifySettings()
    if not isinstance(extra, dict):
        raise IntakeConfigError("extra.intake.notify: a mapping (email:, webhook:)")
    _known(extra, _NOTIFY_KEYS, "extra.intake.notify")
    numbers = {}
    for key, kind, low in (("attempts", int, 1), ("retry_delay", float, 0), ("timeout", float, 0.1)):
        value = extra.get(key)
        if value is not None:
            try:
                numbers[key] = kind(value)
            except (TypeError, ValueError):
                numbers[key] = low - 1
            if numbers[key] < low:
                raise IntakeConfigError(f"extra.intake.notify.{key}: a number, at least {low}")
    webhook = str(extra.get("webhook") or "").strip() or None
    if webhook and (urlsplit(webhook).scheme not in ("http", "https") or not urlsplit(webhook).hostname):
        # The address is not repeated: a webhook's address often holds its secret.
        raise IntakeConfigError("extra.intake.notify.webhook: must be an absolute http(s) address")
    return NotifySettings(email=_email_notice(extra.get("email"), environ), webhook=webhook, **numbers)


def _email_notice(extra: object, environ: Mapping[str, str]) -> EmailNotice | None:
    if extra is None:
        return None
    if not isinstance(extra, dict):
        raise IntakeConfigError("extra.intake.notify.email: a mapping (to:, from:, host:, ...)")
    if "password" in extra:  # mkdocs.yml is in git: a password there is a published password
        raise IntakeConfigError(f"extra.intake.notify.email.password: never in mkdocs.yml; set ${SMTP_PASSWORD_ENV}")
    _known(extra, _EMAIL_KEYS, "extra.intake.notify.email")
    to = extra.get("to")
    if to is not None and not isinstance(to, (str, list, tuple)):
        raise IntakeConfigError("extra.intake.notify.email.to: an address, or a list of them")
    if isinstance(to, str):  # one address, or several separated by commas (an environment variable)
        to = [address for address in re.split(r"[\s,;]+", to) if address]
    to = [str(address).strip() for address in to or [] if str(address).strip()]
    if not to:  # `to: !ENV [EXTRAMILE_NOTIFY_EMAIL, null]` with the variable unset: e-mail is off
        return None
    username = str(extra.get("username") or "").strip() or None
    sender = str(extra.get("from") or "").strip() or (username if username and "@" in username else to[0])
    for address in (*to, parseaddr(sender)[1]):  # From may carry a name: "Extra Mile <intake@example.org>"
        if not _EMAIL.fullmatch(address):
            raise IntakeConfigError(f"extra.intake.notify.email: {address!r} is not an e-mail address")
    host = str(extra.get("host") or "").strip()
    if not host:
        raise IntakeConfigError("extra.intake.notify.email.host: the SMTP server that sends the editors' mail")
    security = str(extra.get("security") or "starttls").lower()
    if security not in SECURITY:
        raise IntakeConfigError(f"extra.intake.notify.email.security: one of {', '.join(SECURITY)}")
    try:
        port = int(extra.get("port") or SECURITY[security])
    except (TypeError, ValueError):
        port = 0
    if not 0 < port < 65536:
        raise IntakeConfigError("extra.intake.notify.email.port: a port number")
    password = environ.get(SMTP_PASSWORD_ENV) or None
    if username and not password:
        raise IntakeConfigError(f"extra.intake.notify.email.username is set: the password goes in ${SMTP_PASSWORD_ENV}")
    if username and security == "none" and host not in _LOOPBACK:
        raise IntakeConfigError("extra.intake.notify.email.security: none would send the password unencrypted;"
                                " use starttls or ssl")
    return EmailNotice(to=tuple(to), sender=sender, host=host, port=port, security=security, username=username,
                       password=password)


def _known(extra: dict, keys: set[str], where: str) -> None:
    unknown = set(extra) - keys
    if unknown:
        raise IntakeConfigError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}"
                                f" (known: {', '.join(sorted(keys))})")


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
    notify: NotifySettings = NotifySettings()

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
    extra_intake = extra.get("intake") if isinstance(extra.get("intake"), dict) else {}
    intake = intake_settings(extra_intake, environ)
    site_url = site_url or str(site.get("site_url") or DEFAULT_SITE_URL)
    if not site_url.endswith("/"):
        site_url += "/"
    origins = set(DEV_ORIGINS) | {origin_of(site_url)}
    for origin in [*split_origins(environ.get(ORIGINS_ENV, "")), *allow_origins]:
        origins.add(origin_of(origin))
    return ReceiverSettings(
        root=root, store=Path(store) if store else root / DEFAULT_STORE, site_url=site_url, host=host, port=port,
        allowed_origins=frozenset(origins), intake=intake, limits=limits or Limits(),
        vocabulary=root / "content" / "vocabulary.yml", notify=notify_settings(extra_intake.get("notify"), environ),
    )


def retention_days(root: Path, environ: Mapping[str, str] | None = None) -> int:
    """The retention period the Submit page promises, from the same place: what `extramile submissions purge`
    should apply when run without --days."""
    extra = read_site_config(Path(root)).get("extra")
    intake = extra.get("intake") if isinstance(extra, dict) and isinstance(extra.get("intake"), dict) else {}
    return privacy_settings(intake, os.environ if environ is None else environ)["retention_days"]
