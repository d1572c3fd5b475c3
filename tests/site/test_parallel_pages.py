"""Story pages written from two processes (extramile/material/parallel.py): the same bytes, every page once,
and what the second process logs or raises reaches the build."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from extramile.material.parallel import CHUNK, PageWriters, workers

from ..conftest import REPO


def _build(site_dir: Path, count: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EXTRAMILE_WORKERS": count}
    env.pop("SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site_dir)],
                            cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr


@pytest.mark.slow
def test_two_processes_write_the_very_pages_one_does(tmp_path):
    _build(tmp_path / "one", "1")
    _build(tmp_path / "two", "2")
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.html"))
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.html"))
    assert len(one) > 30 and one == two
    for page in one:
        assert (tmp_path / "one" / page).read_bytes() == (tmp_path / "two" / page).read_bytes(), page


def _site(count: int, tmp_path: Path):
    """Fake pages in MkDocs' order: listing pages first and last, stories between; each writes its own file."""
    pages = []
    for number in range(count):
        kind = "story" if 0 < number < count - 1 else "listing"
        file = SimpleNamespace(inclusion=SimpleNamespace(is_excluded=lambda: False))
        page = SimpleNamespace(name=f"{kind}-{number}", kind=kind, file=file)
        file.page = page
        pages.append(page)
    return pages, [page.file for page in pages]


def _writer(tmp_path: Path, warn_in_child=False, fail_on=None):
    parent = os.getpid()

    def build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
        if page.name == fail_on:
            raise ValueError(f"template broke on {page.name}")
        if warn_in_child and os.getpid() != parent:
            logging.getLogger("mkdocs.test").warning("odd link on %s", page.name)
        with open(tmp_path / page.name, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
    return build_page


def _run(writers: PageWriters, files) -> None:
    writers.enable(lambda page: page.kind == "story")
    for file in files:
        writers.build_page(file.page, None, files, None, None, False, excluded=False)


def test_every_page_is_written_once_and_both_processes_write_stories(tmp_path):
    pages, files = _site(CHUNK * 8 + 3, tmp_path)
    _run(PageWriters(_writer(tmp_path)), files)
    writers = {}
    for page in pages:
        lines = (tmp_path / page.name).read_text().split()
        assert len(lines) == 1, page.name  # written exactly once
        writers.setdefault(page.kind, set()).add(lines[0])
    assert writers["listing"] == {str(os.getpid())}  # listings stay in MkDocs' own process
    assert len(writers["story"]) == 2


def test_what_the_second_process_logs_is_logged_by_the_build(tmp_path, caplog):
    pages, files = _site(CHUNK * 8 + 3, tmp_path)
    with caplog.at_level(logging.WARNING, logger="mkdocs.test"):
        _run(PageWriters(_writer(tmp_path, warn_in_child=True)), files)
    relayed = [record.getMessage() for record in caplog.records if record.name == "mkdocs.test"]
    assert relayed and all(message.startswith("odd link on story-") for message in relayed)
    assert len(relayed) == len(set(relayed))


@pytest.mark.parametrize("broken", ["story-1", f"story-{CHUNK * 4}", f"story-{CHUNK * 8}"])
def test_an_error_in_either_process_fails_the_build(tmp_path, broken):
    pages, files = _site(CHUNK * 8 + 3, tmp_path)
    # Stories go to whichever process is free: the error surfaces from the child (as a PluginError naming it)
    # or from this process (as itself).
    with pytest.raises((PluginError, ValueError), match=f"template broke on {broken}"):
        _run(PageWriters(_writer(tmp_path, fail_on=broken)), files)


def test_workers_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("EXTRAMILE_WORKERS", "1")
    assert workers() == 1
    monkeypatch.setenv("EXTRAMILE_WORKERS", "many")
    with pytest.raises(PluginError, match="EXTRAMILE_WORKERS must be a whole number"):
        workers()
