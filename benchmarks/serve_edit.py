"""Benchmark: edit one story under `extramile serve` and time until the browser would show it.

    .venv/bin/python benchmarks/serve_edit.py                 # 10,000 synthetic stories
    .venv/bin/python benchmarks/serve_edit.py --stories 1000

Generates the stories into a copy of the site (extramile.bench), starts MkDocs' server the way `extramile serve`
does (`mkdocs serve --strict --dirty`), waits for the first build, then changes a sentence at the top of one
story and measures until that story's page serves the new text.
Then it changes the story's title (which other pages show: a full rebuild) and measures that too.
Target (issue 6): the edit seen in <= 15 s at 10,000 stories.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(urls: list[str], text: str, limit: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if all(text in page(url) for url in urls):
            return time.monotonic() - start
        time.sleep(0.1)
    raise SystemExit(f"not served within {limit:.0f} s: {text!r} at {urls}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated site")
    args = parser.parse_args()

    from extramile.bench.sites import prepare

    workdir = Path(tempfile.mkdtemp(prefix="extramile-serve-edit-"))
    server = None
    try:
        site = prepare(workdir, args.stories, ROOT).ours
        story = sorted((site / "content/stories/posts").glob("*.md"))[args.stories // 2]
        slug = story.stem
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        log = (workdir / "serve.log").open("w")
        started = time.monotonic()
        # As `extramile serve` runs it (--no-livereload would also stop MkDocs watching the files).
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "--dirty", "--watch-theme",
                                   "-a", f"127.0.0.1:{port}"], cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT)
        story_url = f"{base}stories/{slug}/"
        text = story.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title:"))
        # MkDocs watches the files once its first build is done and it serves: an edit before that goes unseen.
        while "Serving on" not in (workdir / "serve.log").read_text(encoding="utf-8", errors="replace"):
            if server.poll() is not None or time.monotonic() - started > 3600:
                raise SystemExit(f"mkdocs serve did not start: see {workdir / 'serve.log'}")
            time.sleep(0.2)
        first = time.monotonic() - started
        print(f"{args.stories} stories: first build served after {first:.1f} s")
        time.sleep(10)  # as an editor would: the server tidies its memory just after a build (plugin.py)

        # The listings that show the story's excerpt are written by the same rebuild (tests/site/test_quick_preview.py
        # checks them page by page against a full build); the story's own page is what the editor looks at.
        marker = "Zebracrossing"
        story.write_text(text.replace("\n---\n\n", f"\n---\n\n{marker} was the word of the day. ", 1), encoding="utf-8")
        seconds = wait_for([story_url], marker, 600)
        print(f"  edit of the story's first paragraph: story page served after {seconds:.1f} s")

        renamed = title.replace("Story ", "Renamed story ", 1)  # inside the quotes: still valid YAML
        story.write_text(story.read_text(encoding="utf-8").replace(title, renamed, 1), encoding="utf-8")
        seconds = wait_for([story_url], "Renamed story", 3600)
        print(f"  edit of the story's title (every page rebuilt): served after {seconds:.1f} s")
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
