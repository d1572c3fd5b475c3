"""`extramile serve`'s site server watches files by notifications: an edited story is rebuilt, a file that is
only read is not, and with the speed-up layer off MkDocs' own polling watches as before."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import copy_site, free_port
from tests.site.test_serve_command import wait_for

pytestmark = pytest.mark.slow
STORY = "content/stories/posts/the-watch-came-back-with-a-letter.md"


def _serve(site: Path, log, speedups: str) -> subprocess.Popen:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EXTRAMILE_SPEEDUPS": speedups}
    return subprocess.Popen(
        [sys.executable, "-m", "extramile.speedups.mkdocs_serve", "serve", "--strict", "--dirty",
         "--watch-theme", "-a", f"127.0.0.1:{PORTS[speedups]}"],
        cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT)


PORTS = {"1": free_port(), "0": free_port()}


def _builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count("Building documentation")


@pytest.mark.parametrize("speedups", ["1", "0"])
def test_an_edit_is_rebuilt_and_a_read_is_not(tmp_path, speedups):
    site, log = copy_site(tmp_path / "site"), tmp_path / "serve.log"
    output = log.open("w")
    server = _serve(site, output, speedups)
    try:
        url = f"http://127.0.0.1:{PORTS[speedups]}/stories/the-watch-came-back-with-a-letter/"
        wait_for(url, server)
        text = log.read_text(encoding="utf-8")
        assert ("watching files by notifications" in text) == (speedups == "1")
        builds = _builds(log)
        (site / STORY).read_text(encoding="utf-8")  # an editor's viewer opens the file: no change
        time.sleep(2)
        assert _builds(log) == builds, "reading a file must not rebuild the site"
        story = site / STORY
        story.write_text(story.read_text(encoding="utf-8").replace("\n---\n", "\n---\nZebracrossing here. ", 1),
                         encoding="utf-8")
        deadline = time.monotonic() + 60
        while "Zebracrossing" not in wait_for(url, server):
            assert time.monotonic() < deadline, "the edit was not rebuilt"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
        output.close()
