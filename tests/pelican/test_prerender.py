"""Stories read in worker processes ahead of Pelican (extramile/pelican/prerender.py) and the search index
written beside the pages (extramile/search/background.py): the same site, and nothing a worker says is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

from .conftest import copy_pelican_site, pelican_build

# Run in a fresh process: forking needs a process without other threads (pytest's may run a browser's).
SCRIPT = """
import json, logging, sys
from extramile.pelican.prerender import Prerendered

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

def work(path):
    if path.endswith("7"):
        logging.getLogger("pelican.test").warning("odd markup in %s", path)
    if path.endswith("13"):
        raise ValueError("broken front matter")
    return path.upper()

paths = [f"story-{n}" for n in range(40)]
pool = Prerendered(work, paths)
taken, errors = {}, {}
for path in reversed(paths):  # Pelican's order need not be the pool's
    try:
        taken[path] = pool.take(path)
    except RuntimeError as error:
        errors[path] = str(error)
print(json.dumps({"taken": taken, "errors": errors, "closed": pool.pool is None,
                  "unknown": pool.take("not-given")}))
"""


def test_workers_results_warnings_and_errors_reach_the_reader():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                            cwd=REPO)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["taken"] == {f"story-{n}": f"STORY-{n}" for n in range(40) if n != 13}
    assert outcome["errors"] == {"story-13": "story-13: ValueError: broken front matter"}
    assert outcome["closed"] is True and outcome["unknown"] is None
    # Logged once, by the reader's process (a worker's own log handlers are set aside).
    assert sorted(line for line in result.stderr.splitlines() if "odd markup" in line) == [
        "WARNING:pelican.test:odd markup in story-17", "WARNING:pelican.test:odd markup in story-27",
        "WARNING:pelican.test:odd markup in story-37", "WARNING:pelican.test:odd markup in story-7"]


@pytest.mark.slow
def test_the_site_is_the_same_read_in_one_process_or_three(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    pelican_build(root, tmp_path / "pooled")
    pelican_build(root, tmp_path / "alone", env={"EXTRAMILE_WORKERS": "1"})

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    pooled, alone = files(tmp_path / "pooled"), files(tmp_path / "alone")
    assert sorted(pooled) == sorted(alone)
    assert [name for name in pooled if pooled[name] != alone[name]] == []
    assert any(name.startswith("search/") for name in pooled)


def test_a_bad_story_still_fails_the_build_with_its_problem(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    story = next((root / "content/stories/posts").glob("*.md"))
    story.write_text(story.read_text(encoding="utf-8").replace("perspective: ", "perspective: nobody-", 1),
                     encoding="utf-8")
    result = pelican_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert story.name in result.stdout + result.stderr and "perspective" in result.stdout + result.stderr
