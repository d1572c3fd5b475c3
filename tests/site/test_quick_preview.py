"""`extramile serve` rebuilds quickly (mkdocs serve --dirty + extramile/material/preview.py), and the pages it
serves after an edit are exactly those a full build of the edited sources gives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import copy_site

DRIVER = Path(__file__).with_name("serve_driver.py")
STORY = "content/stories/posts/the-watch-came-back-with-a-letter.md"


def _drive(site: Path, out: Path, *args: str) -> list[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, str(DRIVER), str(site), str(out), *args],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return [(json.loads(line) or [""])[0] for line in result.stdout.splitlines()]


def _files(folder: Path) -> dict[Path, bytes]:
    # Every file as it is: the feeds are dated by the stories, never by the build (extramile/feeds.py).
    return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _served_after(tmp_path: Path, edits: list[dict]) -> tuple[list[str], Path]:
    site = copy_site(tmp_path / "src")
    (tmp_path / "edits.json").write_text(json.dumps(edits), encoding="utf-8")
    decisions = _drive(site, tmp_path / "served", str(tmp_path / "edits.json"))
    return decisions, site


def _assert_same_as_a_full_build(tmp_path: Path, site: Path) -> None:
    _drive(site, tmp_path / "full", "--full")
    served, full = _files(tmp_path / "served"), _files(tmp_path / "full")
    assert sorted(served) == sorted(full)
    different = [str(path) for path in sorted(full) if served[path] != full[path]]
    assert different == []


def _story(edit) -> dict:
    text = (Path(__file__).parents[2] / STORY).read_text(encoding="utf-8")
    return {"path": STORY, "text": edit(text)}


def test_an_edited_story_body_rewrites_only_it_and_the_listings_showing_it(tmp_path):
    first_paragraph = _story(lambda text: text.replace("\n\n", "\n\nZebracrossing, said the teller. ", 2))
    decisions, site = _served_after(tmp_path, [first_paragraph])
    assert decisions[0].endswith("every page")
    assert decisions[1].endswith("the edited stories and the listings that show them")
    assert "Zebracrossing" in (tmp_path / "served/stories/the-watch-came-back-with-a-letter/index.html").read_text()
    assert "Zebracrossing" in (tmp_path / "served/stories/told-by/told-by-the-customer/index.html").read_text()
    # The feed has each story once: the edited one is not added a second time.
    items = json.loads((tmp_path / "served/feed_json_created.json").read_text(encoding="utf-8"))["items"]
    assert len({item["url"] for item in items}) == len(items)
    _assert_same_as_a_full_build(tmp_path, site)


@pytest.mark.parametrize("edit", [
    pytest.param(lambda root: _story(lambda text: text.replace("title: The watch came back with a letter",
                                                                "title: The watch came back with two letters")),
                 id="title"),
    pytest.param(lambda root: _story(lambda text: re.sub(r"(?m)^date: .*$", "date: 2020-01-02", text)), id="date"),
    pytest.param(lambda root: {"path": STORY, "text": None}, id="story-deleted"),
    pytest.param(lambda root: {"path": "content/stories/posts/a-new-story.md",
                               "text": (root / STORY).read_text(encoding="utf-8").replace(
                                   "title: The watch came back with a letter", "title: A new story")},
                 id="story-added"),
    pytest.param(lambda root: {"path": "content/about.md",
                               "text": (root / "content/about.md").read_text(encoding="utf-8") + "\nMore.\n"},
                 id="other-page"),
    pytest.param(lambda root: {"path": "theme/material/story.html",
                               "text": (root / "theme/material/story.html").read_text(encoding="utf-8")
                               + "{# edited #}\n"},
                 id="theme"),
])
def test_any_other_change_rebuilds_every_page(tmp_path, edit):
    root = Path(__file__).parents[2]
    decisions, site = _served_after(tmp_path, [edit(root)])
    assert decisions[1].endswith("every page")
    _assert_same_as_a_full_build(tmp_path, site)


def test_edits_in_a_row_stay_right(tmp_path):
    body = _story(lambda text: text.rstrip("\n") + "\n\nA last line about Yakcrossing.\n")
    title = _story(lambda text: text.replace("title: The watch came back with a letter", "title: Two letters"))
    decisions, site = _served_after(tmp_path, [body, title, body])
    assert [d.split("rebuilding ")[1] for d in decisions] == [
        "every page", "the edited stories and the listings that show them", "every page", "every page"]
    _assert_same_as_a_full_build(tmp_path, site)


def test_extramile_serve_shows_an_edited_story(tmp_path):
    """The editor's loop for real: `extramile serve` on a copy of the site, a story saved, the new text served."""
    import signal
    import time
    import urllib.request

    from ..conftest import free_port

    site = copy_site(tmp_path / "src")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EXTRAMILE_ROOT": str(site)}
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "extramile", "serve", "--site-addr", f"127.0.0.1:{port}", "--no-intake"],
            cwd=site, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/stories/the-watch-came-back-with-a-letter/"

    def served() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait(condition, what: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert process.poll() is None, f"extramile serve stopped:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"{what}:\n{log_path.read_text()}"
            time.sleep(0.3)

    try:
        wait(lambda: "Serving on" in log_path.read_text() and "watch came back" in served(), "never served")
        time.sleep(1)  # MkDocs starts watching as it starts serving
        story = site / STORY
        story.write_text(story.read_text(encoding="utf-8").replace("\n\n", "\n\nZebracrossing at noon. ", 2),
                         encoding="utf-8")
        wait(lambda: "Zebracrossing" in served(), "the edit was not served", 60)
        log = log_path.read_text()
        assert "rebuilding the edited stories and the listings that show them" in log
        assert "WARNING" not in log and "dirty" not in log.lower().replace("--dirty", "")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
