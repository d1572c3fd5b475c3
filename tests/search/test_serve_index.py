"""`mkdocs serve` (the editor's preview, which shows drafts) builds the search index too, without the drafts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("serve-search") / "serve.log").open("w")
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
                fetch(url + "pagefind/pagefind-entry.json")  # written after the build: serve is ready
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


def test_serve_indexes_the_published_stories_and_no_draft(preview, page, published, drafts):
    assert drafts
    slug = next(iter(drafts))
    assert drafts[slug]["title"] in fetch(f"{preview}stories/{slug}/")  # the preview does show the draft...
    page.goto(f"{preview}browse/")
    urls = page.evaluate("""async () => {
        const pagefind = await import("/pagefind/pagefind.js");
        const search = await pagefind.search(null, {sort: {date: "desc"}});
        return Promise.all(search.results.map(async (result) => (await result.data()).url));
    }""")
    assert sorted(urls) == sorted(f"/stories/{s}/" for s in published)  # ...but never indexes it
