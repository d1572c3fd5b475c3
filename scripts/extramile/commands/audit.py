"""`extramile audit SITE_DIR`: fail when a built site holds a draft, a copied story file, a script the theme did
not put there, a contact detail or a private value of the intake store (see extramile/audit/__init__.py)."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from extramile.audit import audit_site, make_rules
from extramile.audit.contacts import ALLOW_FILE, AllowListError, load_allowed
from extramile.audit.drafts import load_drafts
from extramile.audit.store_values import StoreError, load_store
from extramile.forking import may_fork, workers
from extramile.intake.config import DEFAULT_SITE_URL, read_site_config
from extramile.intake.store import DEFAULT_STORE
from extramile.paths import STORIES_DIR, project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit", help="check a built site (either engine): drafts, copied stories, foreign scripts, private details",
        description="Read a built site and report, as path:line: message, any draft story, any story file copied "
                    "instead of rendered, any script, event handler or script/data: URL the theme did not put there, "
                    f"any e-mail address or phone number not in {ALLOW_FILE}, and any private value of the intake "
                    "store. Exit status: 0 clean, 1 problems found, 2 the audit could not run.")
    parser.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="the built site (site/, output/ ...)")
    parser.add_argument("--root", type=Path, default=None,
                        help="the project whose drafts, allow-list and store count (default: the one around here)")
    parser.add_argument("--allow", type=Path, default=None, metavar="FILE",
                        help=f"allowed e-mail addresses and phone numbers (default: <project>/{ALLOW_FILE})")
    store = parser.add_mutually_exclusive_group()
    store.add_argument("--store", type=Path, default=None, metavar="FILE",
                       help=f"the intake store (default: <project>/{DEFAULT_STORE.as_posix()}, when it exists)")
    store.add_argument("--no-store", action="store_true", help="do not look for the intake store's values")
    parser.add_argument("--site-url", default=None, help="the site's public address, for absolute script links "
                                                          "(default: SITE_URL, else mkdocs.yml's site_url)")
    parser.add_argument("--parse-all", action="store_true",
                        help="parse every page in full, also those the fast screen clears (slower; same findings)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return audit_folder(args.site_dir, root=args.root, allow=args.allow, store=False if args.no_store else args.store,
                        site_url=args.site_url, parse_all=args.parse_all or None)


def audit_folder(site_dir: Path, *, root: Path | None = None, allow: Path | None = None,
                 store: Path | None | bool = None, site_url: str | None = None, parse_all: bool | None = None,
                 out: TextIO | None = None) -> int:
    """Audit `site_dir`, print the findings and a summary; 0 clean, 1 findings, 2 the audit could not run."""
    out = out or sys.stdout
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        print(f"extramile audit: no such folder: {site_dir}", file=sys.stderr)
        return 2
    try:
        root = Path(root).resolve() if root else project_root()
        drafts = load_drafts(root / STORIES_DIR, relative_to=root)
        allowed = load_allowed(Path(allow) if allow else root / ALLOW_FILE)
        allowed = replace(allowed, emails=allowed.emails | _configured_addresses(root))
        store_path = None if store is False else Path(store) if store not in (None, True) else root / DEFAULT_STORE
        if store not in (None, False, True) and not Path(store).is_file():
            raise StoreError(f"{store}: no such store")
        values = load_store(store_path) if store_path else None
    except (FileNotFoundError, AllowListError, StoreError) as error:
        print(f"extramile audit: {error}", file=sys.stderr)
        return 2
    rules = make_rules(site_dir, site_url or _site_url(root), drafts, allowed, values, parse_all=parse_all)
    result = audit_site(rules, workers=workers() if may_fork() else 1)
    for finding in result.findings:
        print(finding, file=out)
    print(result.summary(str(site_dir)), file=out)
    return 0 if result.ok else 1


def _configured_addresses(root: Path) -> frozenset[str]:
    """The site's own published address: extra.intake.privacy_contact (EXTRAMILE_PRIVACY_CONTACT), which the
    Submit page shows when it is set, is allowed as if it were in the allow-list."""
    extra = read_site_config(root).get("extra")
    intake = extra.get("intake") if isinstance(extra, dict) else None
    contact = str((intake or {}).get("privacy_contact") or "").strip() if isinstance(intake, dict) else ""
    if contact.lower().startswith("mailto:"):
        contact = contact[len("mailto:"):]
    return frozenset({contact.lower()}) if "@" in contact else frozenset()


def _site_url(root: Path) -> str:
    """Where the site is served: SITE_URL (both engines' public builds read it), else mkdocs.yml's site_url."""
    url = os.environ.get("SITE_URL") or read_site_config(root).get("site_url") or DEFAULT_SITE_URL
    return str(url)
