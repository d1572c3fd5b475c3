"""Under `mkdocs serve` (the editor's preview) drafts are shown, and marked as drafts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from bs4 import BeautifulSoup

from ..conftest import REPO, free_port


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                fetch(url)
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, "mkdocs serve stopped: see its log"
                assert time.monotonic() < deadline, "mkdocs serve did not answer within 120 s"
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_draft_page_is_served_with_a_draft_banner(preview, drafts):
    for slug, post in drafts.items():
        html = fetch(f"{preview}stories/{slug}/")
        assert post["title"] in html
        assert 'class="admonition warning em-draft-banner"' in html


def test_draft_is_marked_in_the_story_listing(preview, drafts):
    listing = BeautifulSoup(fetch(f"{preview}stories/"), "html.parser")
    marked = {excerpt.h2.get_text(strip=True) for excerpt in listing.select("article.md-post--excerpt")
              if excerpt.select_one(".md-draft")}
    assert marked == {post["title"] for post in drafts.values()}
