"""Fixtures for the ingest tests: an empty project to ingest into, and ways to run the command."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import pytest

from extramile.cli import main as cli_main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = FIXTURES / "golden"
POSTS = Path("content/stories/posts")
STORY_KEYS = ["title", "date", "description", "perspective", "business", "industry", "channel", "tags", "told_by",
              "source", "draft"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict:
        return json.loads(self.out)


def make_project(root: Path) -> Path:
    """The smallest Extra Mile project: mkdocs.yml, the real vocabulary, an empty stories folder."""
    (root / POSTS).mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy2(REPO / "content/vocabulary.yml", root / "content/vocabulary.yml")
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "site")


def run_ingest(root: Path, *args: object) -> Result:
    """`extramile ingest --root ROOT ARGS…` in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(["ingest", "--root", str(root), *map(str, args)])
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def ingest():
    return run_ingest


def ingest_command(root: Path, *args: object) -> list[str]:
    """The command line to run the ingest in a separate process."""
    return [sys.executable, "-m", "extramile", "ingest", "--root", str(root), *map(str, args)]


def subprocess_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "scripts"), env.get("PYTHONPATH")]))
    env.pop("EXTRAMILE_ROOT", None)
    return env


def run_subprocess(root: Path, *args: object, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(ingest_command(root, *args), env=subprocess_env(), capture_output=True, text=True,
                          timeout=timeout)


def drafts(root: Path) -> dict[str, frontmatter.Post]:
    """Every story file under the project's stories folder, by file name."""
    return {p.name: frontmatter.load(p) for p in sorted((root / POSTS).rglob("*.md"))}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


STORY_TEXT = ("The shop assistant noticed that the coat I wanted was sold out in my size, phoned three other branches, "
              "found the last one across town and had it sent to my home the next morning at no charge. She even "
              "added a note wishing me a good trip.")


def submission(number: int, **overrides) -> dict:
    """A valid submission in the form's own field names (as JSON Lines carry them)."""
    record = {
        "id": f"test_{number:05d}", "submitted_at": "2024-03-01T12:00:00Z",
        "title": f"A coat found across town, story {number}", "story": f"{STORY_TEXT} (Story number {number}.)",
        "perspective": "customer", "business": "Northwind Outfitters", "industry": "retail",
        "channel": "in-person", "tags": ["out-of-stock", "free-of-charge"], "month": "2023-11",
        "told_by": "Alex", "anonymous": False, "consent": True, "email": f"alex{number}@example.com",
    }
    record.update(overrides)
    return record
