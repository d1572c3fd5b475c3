"""Fixtures for the audit: the real collection built by each engine once, copies of those builds to break, and
a helper that audits a folder as `extramile audit` does and returns its findings."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.pelican.conftest import pelican_build

from extramile.audit import audit_site, make_rules
from extramile.audit.contacts import ALLOW_FILE, load_allowed
from extramile.audit.drafts import load_drafts
from extramile.audit.findings import Finding
from extramile.audit.store_values import load_store
from extramile.commands.audit import audit_folder
from extramile.paths import STORIES_DIR

ENGINES = ("material", "pelican")
SITE_URL = "http://127.0.0.1:8000/"


@pytest.fixture(scope="session")
def audit_pelican_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("audit-pelican") / "output"
    pelican_build(REPO, output)
    return output


@pytest.fixture(scope="session")
def engine_sites(built_site, audit_pelican_site) -> dict[str, Path]:
    """The real collection built by each engine, once for the session; never changed by a test."""
    return {"material": built_site, "pelican": audit_pelican_site}


@pytest.fixture(params=ENGINES)
def site(request, engine_sites, tmp_path) -> Path:
    """A copy of one engine's real build, for a test to plant a problem in."""
    copy = tmp_path / f"{request.param}-site"
    shutil.copytree(engine_sites[request.param], copy)
    return copy


def audit(site: Path, *, allow: Path | None = None, store: Path | None = None, root: Path = REPO) -> list[Finding]:
    """The findings `extramile audit` reports for `site`, with the repository's drafts and allow-list.

    Every page is audited twice, screened (the fast path) and parsed in full: the two must agree."""
    results = []
    for parse_all in (False, True):
        rules = make_rules(site, SITE_URL, load_drafts(root / STORIES_DIR, relative_to=root),
                           load_allowed(allow or root / ALLOW_FILE), load_store(store) if store else None,
                           parse_all=parse_all)
        results.append(audit_site(rules).findings)
    screened, parsed = results
    assert screened == parsed, {"screened only": sorted(set(screened) - set(parsed)),
                                "parsed only": sorted(set(parsed) - set(screened))}
    return screened


def run_audit(site: Path, **options) -> tuple[int, str]:
    """`extramile audit` in this process: its exit status and what it printed."""
    out = io.StringIO()
    options.setdefault("root", REPO)
    options.setdefault("store", False)
    options.setdefault("site_url", SITE_URL)
    code = audit_folder(site, out=out, **options)
    return code, out.getvalue()


def story_page(site: Path) -> str:
    """A published story's page, relative to the site: the same story on both engines."""
    rel = "stories/free-chocolates-after-a-checkout-bug/index.html"
    assert (site / rel).is_file(), rel
    return rel


def plant(site: Path, rel: str, fragment: str, before: str = "</main>") -> int:
    """Put `fragment` on lines of its own just before `before` in the file; returns the fragment's first line."""
    path = site / rel
    text = path.read_text(encoding="utf-8")
    at = text.index(before)
    line = text.count("\n", 0, at) + 2
    path.write_text(text[:at] + "\n" + fragment + "\n" + text[at:], encoding="utf-8")
    return line


def found(findings: list[Finding], rel: str, line: int | None, text: str) -> bool:
    return any(f.path == rel and (line is None or f.line == line) and text in f.message for f in findings)
