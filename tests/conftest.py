"""Fixtures shared by every test: the repository, its vocabulary and stories, a real built site, a browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import frontmatter
import pytest

from extramile.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def vocabulary():
    return load_vocabulary(REPO / "content/vocabulary.yml")


@pytest.fixture(scope="session")
def stories() -> dict[str, frontmatter.Post]:
    """Every story file of the real collection, by slug."""
    return {p.stem: frontmatter.load(p) for p in sorted((REPO / "content/stories/posts").glob("*.md"))}


@pytest.fixture(scope="session")
def published(stories) -> dict[str, frontmatter.Post]:
    return {slug: post for slug, post in stories.items() if not post.get("draft")}


@pytest.fixture(scope="session")
def drafts(stories) -> dict[str, frontmatter.Post]:
    return {slug: post for slug, post in stories.items() if post.get("draft")}


def copy_site(destination: Path) -> Path:
    """A copy of the site's sources (config, content, theme) that a test may change freely."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    for folder in ("content", "theme"):
        shutil.copytree(REPO / folder, destination / folder)
    return destination


def mkdocs_build(config_dir: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict`, as CI runs it; fails the test on any warning."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site_dir)],
        cwd=config_dir, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return result


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture(scope="session")
def preview(tmp_path_factory):
    """`mkdocs serve --dirty` of the real site as `extramile serve` runs it (drafts shown), once for the session."""
    port = free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dirty", "--no-livereload",
         "-a", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                fetch(url + "search/index.json")  # written after the whole build: serve is ready
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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once for the session with `mkdocs build --strict`."""
    site = tmp_path_factory.mktemp("site")
    mkdocs_build(REPO, site)
    return site


@pytest.fixture(scope="session")
def pelican_site(tmp_path_factory) -> Path:
    """The real collection, built once for the session with our Pelican settings (tests/pelican/conftest.py)."""
    from tests.pelican.conftest import pelican_build

    output = tmp_path_factory.mktemp("pelican") / "output"
    pelican_build(REPO, output)
    return output


@pytest.fixture(scope="session")
def pelican_url(pelican_site):
    """The Pelican site served over HTTP on a loopback port, as a reader would meet it."""
    with serve_directory(pelican_site) as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output readable
        pass


@contextlib.contextmanager
def serve_directory(folder: Path):
    """A built site served over HTTP on a loopback port, as a reader meets it (search needs http, not file://)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (it cannot download a browser of its own here)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("browser tests need Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
