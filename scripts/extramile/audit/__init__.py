"""`extramile audit`: an independent safety gate over a built site, whichever engine built it.

It reads the output only (pages, feeds, sitemap, search index, every other file) and reports, as
`path:line: message`:

1. a draft story: its slug in an address or file name, its title, or a sentence of its text (`drafts.py`);
2. a story file copied instead of rendered: `x.md~`, `#x.md#`, `x.mkd`..., any non-page file holding a story's
   front matter, any file but an image under `stories/posts/` (`scan.py`);
3. a script, event handler, script or data: URL, or active CSS the theme did not put there (`scripts.py`,
   allow-list in `theme_scripts.py`), also inside feeds and the search index (`formats.py`);
4. an e-mail address or phone number not on the allow-list `content/public-contacts.yml` (`contacts.py`);
5. a private value of the intake store (e-mail, phone, IP address, user agent), when there is a store
   (`store_values.py`).

The stages are plain functions over plain data; `extramile.commands.audit` wires them to the command line,
and `extramile build` runs the audit on what it built.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from extramile.audit.contacts import Allowed, ContactRule
from extramile.audit.drafts import Draft, DraftRule
from extramile.audit.findings import Finding, plural
from extramile.audit.scan import Rules, scan_site
from extramile.audit.scripts import SiteRef
from extramile.audit.store_values import StoreRule, StoreValues

__all__ = ["AuditResult", "Finding", "audit_site", "make_rules"]


@dataclass
class AuditResult:
    site: Path
    findings: list[Finding]
    files: int
    pages: int
    parsed: int
    bytes: int
    seconds: float
    drafts: int
    store: StoreValues | None

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self, shown: str | None = None) -> str:
        where = shown or str(self.site)
        store = (f"intake store {self.store.path} ({plural(self.store.count, 'submission')})" if self.store
                 else "no intake store")
        scope = (f"{plural(self.files, 'file')} ({plural(self.pages, 'page')}, {self.parsed:,} parsed in full) "
                 f"in {where}, {plural(self.drafts, 'draft')} looked for, {store}, {self.seconds:.2f} s")
        if self.ok:
            return f"audit OK: {scope}"
        files = len({finding.path for finding in self.findings})
        return f"{plural(len(self.findings), 'problem')} in {plural(files, 'file')}: {scope}"


PARSE_ENV = "EXTRAMILE_AUDIT_PARSE"  # "all": parse every page in full, none screened (screen.py)


def make_rules(site: Path, site_url: str, drafts: list[Draft], allowed: Allowed,
               store: StoreValues | None = None, parse_all: bool | None = None) -> Rules:
    url = site_url if site_url.endswith("/") else site_url + "/"
    if parse_all is None:
        parse_all = os.environ.get(PARSE_ENV, "").strip().lower() == "all"
    return Rules(site=SiteRef(Path(site).resolve(), url), drafts=DraftRule(drafts), contacts=ContactRule(allowed),
                 store=StoreRule(store) if store else None, parse_all=parse_all)


def audit_site(rules: Rules, workers: int = 1) -> AuditResult:
    started = time.perf_counter()
    scanned = scan_site(rules, workers=workers)
    return AuditResult(site=rules.site.folder, findings=scanned.findings, files=scanned.files, pages=scanned.pages,
                       parsed=scanned.parsed, bytes=scanned.bytes, seconds=time.perf_counter() - started,
                       drafts=len(rules.drafts.drafts), store=rules.store.values if rules.store else None)
