"""Every setting a deploy needs, in one place, and the guard that keeps a public build from shipping a dead form.

`SETTINGS` lists each setting once: where it lives, its environment variable, its default and an example.
README's "Settings" table is `settings_table()`, word for word (a test compares them), and a test checks that
every environment variable the code reads is in it.

A public build is `extramile build --public` (either engine) or any build whose SITE_URL is not a local
address. `public_build_problems` says why such a build must not ship: its SITE_URL is local, or its Submit
form would post somewhere no reader can reach (localhost, a loopback, private or link-local address, a
single-label name), or over plain http from an https site, or to a provider that lacks its setting (Formspree
without its form's address). Each message names the setting and its environment variable.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from extramile.intake.config import (
    DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RECEIVER_URL, DEFAULT_SITE_URL, ORIGINS_ENV, IntakeConfigError,
    intake_settings, read_site_config,
)
from extramile.intake.store import DEFAULT_STORE


@dataclass(frozen=True)
class Setting:
    where: str  # the mkdocs.yml key or the command-line option that holds it
    env: str  # its environment variable; "" when it has none (a command-line option of `extramile intake`)
    default: str
    example: str
    what: str


SETTINGS: tuple[Setting, ...] = (  # default and example are Markdown, as README shows them
    Setting("`site_url` (mkdocs.yml)", "SITE_URL", f"`{DEFAULT_SITE_URL}`", "`https://stories.example.org/`",
            "the address readers use: links, feeds, the sitemap, and the origin the receiver accepts posts from"),
    Setting("`extra.intake.provider`", "EXTRAMILE_INTAKE_PROVIDER", "`receiver`", "`netlify`",
            "where the Submit form sends stories: `receiver`, `netlify` or `formspree`"),
    Setting("`extra.intake.url`", "EXTRAMILE_INTAKE_URL", f"`{DEFAULT_RECEIVER_URL}`",
            "`https://stories.example.org/submissions`", "provider `receiver`: the receiver's public address"),
    Setting("`extra.intake.action`", "EXTRAMILE_INTAKE_ACTION", "none", "`https://formspree.io/f/abcdwxyz`",
            "provider `formspree`: your Formspree form's address"),
    Setting("`extramile intake --allow-origin`", ORIGINS_ENV, "none (`site_url`'s origin and the local ones)",
            "`https://www.example.org`", "more site origins allowed to post to the receiver, comma-separated"),
    Setting("`extramile intake --host`, `--port`", "", f"`{DEFAULT_HOST}`, `{DEFAULT_PORT}`", "`127.0.0.1`, `9001`",
            "where the receiver listens: keep it on loopback, behind your web server"),
    Setting("`extramile intake --forwarded-allow-ips`", "", "`127.0.0.1,::1`", "`127.0.0.1`",
            "proxies whose X-Forwarded-For gives the client's address (rate limit, private store)"),
    Setting("`extramile intake --store`", "", f"`{DEFAULT_STORE.as_posix()}`",
            "`/var/lib/extramile/intake/submissions.sqlite3`", "the private store: owner-only, never in git"),
    Setting("`extra.intake.retention_days`", "EXTRAMILE_RETENTION_DAYS", "`180`", "`30`",
            "days a decided submission's private details are kept in the store: the Submit page promises it, "
            "`extramile submissions purge` applies it"),
    Setting("`extra.intake.privacy_contact`", "EXTRAMILE_PRIVACY_CONTACT", "none (\"reply to the site's editors\")",
            "`privacy@example.org`", "whom a sender asks to have their submission deleted (an e-mail or a page)"),
    Setting("`extra.intake.notify.email.to`", "EXTRAMILE_NOTIFY_EMAIL", "none (off)", "`editors@example.org`",
            "editors e-mailed about each new submission (comma-separated); SMTP host and port in `notify.email`"),
    Setting("SMTP password for `notify.email`", "EXTRAMILE_SMTP_PASSWORD", "none", "`s3cret`",
            "only ever from the environment: a `password:` in mkdocs.yml is refused"),
    Setting("`extra.intake.notify.webhook`", "EXTRAMILE_NOTIFY_WEBHOOK", "none (off)",
            "`https://hooks.example.org/extramile`", "a JSON POST {id, title, received, state} for each new submission"),
    Setting("build processes", "EXTRAMILE_WORKERS", "2 (1 on a one-core machine)", "`1`",
            "processes a build may use; 1 keeps every build in one process"),
    Setting("`extramile audit --parse-all`", "EXTRAMILE_AUDIT_PARSE", "screened (pages without a suspect are not "
            "parsed in full)", "`all`", "`all` parses every page in full, to compare with the screened audit"),
    Setting("build speed-ups", "EXTRAMILE_SPEEDUPS", "`1`", "`0`",
            "`0` builds without Material's speed-ups and serve's file notifications: the same output, slower "
            "(Pelican's worker processes follow EXTRAMILE_WORKERS)"),
    Setting("project folder", "EXTRAMILE_ROOT", "the nearest folder holding `mkdocs.yml`", "`/srv/extramile`",
            "the site every `extramile` command works on"),
)

# Which environment variable holds each provider's address, and the mkdocs.yml key it fills.
_ADDRESS = {"receiver": ("EXTRAMILE_INTAKE_URL", "extra.intake.url"),
            "formspree": ("EXTRAMILE_INTAKE_ACTION", "extra.intake.action")}
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def settings_table() -> str:
    """README's "Settings" table, in Markdown."""
    rows = ["| setting | environment variable | default | example | what it is |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        env = f"`{s.env}`" if s.env else "(option only)"
        rows.append(f"| {s.where} | {env} | {s.default} | {s.example} | {s.what} |")
    return "\n".join(rows) + "\n"


def local_kind(host: str | None) -> str | None:
    """Why a host cannot be reached from a reader's browser ("a loopback address", ...), or None if it can."""
    if not host:
        return "no host at all"
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        return f"{host}, a name only this network knows" if host != "localhost" else "localhost"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None if "." in host else f"{host}, a single-label name only this network knows"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    return None


def is_local_url(url: str) -> bool:
    return local_kind(urlsplit(url).hostname) is not None


def public_build_problems(root: Path, public: bool = False) -> list[str]:
    """Why this build must not be published: nothing when it is a local build (not --public, local SITE_URL)."""
    config = read_site_config(root)
    site_url = str(config.get("site_url") or DEFAULT_SITE_URL)
    site_is_local = is_local_url(site_url)
    if not public and site_is_local:
        return []
    problems = []
    if site_is_local:
        problems.append(f"SITE_URL is {site_url} ({local_kind(urlsplit(site_url).hostname)}): a public build needs "
                        "the address readers use, for links, feeds and the sitemap. Set SITE_URL (mkdocs.yml "
                        "site_url), e.g. SITE_URL=https://stories.example.org/")
    extra = config.get("extra") if isinstance(config.get("extra"), dict) else {}
    intake = extra.get("intake") if isinstance(extra.get("intake"), dict) else {}
    provider = intake.get("provider") or "receiver"
    if provider == "formspree" and not intake.get("action"):
        problems.append("the Submit form sends stories to Formspree (EXTRAMILE_INTAKE_PROVIDER=formspree), which "
                        "needs its form's address: set EXTRAMILE_INTAKE_ACTION (mkdocs.yml extra.intake.action), "
                        "e.g. EXTRAMILE_INTAKE_ACTION=https://formspree.io/f/abcdwxyz")
        return problems
    try:
        settings = intake_settings(intake)
    except IntakeConfigError as error:
        problems.append(f"mkdocs.yml {error} (EXTRAMILE_INTAKE_PROVIDER, EXTRAMILE_INTAKE_URL and "
                        "EXTRAMILE_INTAKE_ACTION set these keys)")
        return problems
    action = settings.get("action")
    if provider not in _ADDRESS or not action:
        return problems  # Netlify Forms: the form posts to the site itself
    env, key = _ADDRESS[provider]
    kind = local_kind(urlsplit(action).hostname)
    if kind:
        hint = (" to the receiver's public https address, e.g. https://stories.example.org/submissions, or send "
                "stories to a hosted form instead (EXTRAMILE_INTAKE_PROVIDER=netlify or formspree)"
                if provider == "receiver" else " to your Formspree form's address")
        problems.append(f"the Submit form would post to {action}, {kind} that no reader can reach "
                        f"(provider {provider}): set {env} (mkdocs.yml {key}){hint}")
    elif urlsplit(site_url).scheme == "https" and urlsplit(action).scheme == "http":
        problems.append(f"the Submit form would post to {action}, plain http from an https site: browsers warn "
                        f"or refuse, and the story would travel unencrypted. Set {env} (mkdocs.yml {key}) to "
                        "its https address")
    return problems


def drop_empty_settings(environ: dict | None = None) -> None:
    """An empty variable counts as unset: CI systems set a variable to "" when it is not configured."""
    environ = os.environ if environ is None else environ
    for setting in SETTINGS:
        if setting.env and setting.env in environ and not environ[setting.env].strip():
            del environ[setting.env]


def refuse_dead_form(root: Path, public: bool = False) -> int:
    """The guard `extramile build` runs first: 0 to go on, 1 (with the reasons on stderr) to stop."""
    drop_empty_settings()
    problems = public_build_problems(root, public)
    if not problems:
        return 0
    print("extramile build: this is a public build (--public, or SITE_URL is not a local address), and it "
          "would not work for readers:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print("See README.md, \"Settings\", for every setting and its environment variable.", file=sys.stderr)
    return 1
