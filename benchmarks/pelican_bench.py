"""Our Pelican build against plain Pelican, on the same generated collection of stories.

    .venv/bin/python benchmarks/pelican_bench.py            # 1,000 and 5,000 stories
    .venv/bin/python benchmarks/pelican_bench.py 1000 --keep  # one size; keep the temporary folder

The corpus is deterministic (a seeded generator), valid against our schema, with one story in twenty a draft.
- "ours": this repository's pelicanconf.py, theme and plugin (schema validation, sanitiser, collection
  context, industry pages, sitemap, paginated listings), run as `extramile build --engine pelican` runs it.
- "plain": Pelican 4 with its defaults and stock theme (notmyidea) over the *same files converted to Pelican's
  native Markdown metadata* (`Title:`, `Date:`, `Tags:` ...), so that it needs no plugin or reader of ours;
  only PATH, TIMEZONE and SITEURL are set (the last two silence Pelican's warnings). The conversion is done
  before timing. Plain Pelican writes drafts to drafts/; ours writes them nowhere.
Each build is a fresh process (imports included), run once, side by side; peak memory is the child's max RSS.
On a busy machine, `--repeat 3` runs each build three times, alternating, and keeps each one's fastest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from extramile.commands.build import pelican_command  # noqa: E402
from extramile.schema import validate_story  # noqa: E402
from extramile.vocabulary import load_vocabulary  # noqa: E402

WORDS = ("the customer called again the next morning and the manager answered with a plan nobody expected "
         "staff stayed late to fix the order while the shop kept serving everyone else who came in a small "
         "note was tucked into the box with a thank you and a discount for next time the driver waited "
         "outside until the lights came on inside the house because it was dark and icy").split()
NAMES = ("Ana", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Greg", "Hana", "Ivan", "Jo", "Kofi", "Lena", "Anonymous")
SHOPS = ("Corner", "Harbour", "Maple", "Northway", "Old Mill", "Riverside", "Sunrise", "Union", "Willow", "Yard")
KINDS = ("Bakery", "Books", "Cycles", "Garage", "Pharmacy", "Travel", "Hotel", "Bank", "Library", "Software")


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def make_story(rng: random.Random, number: int, vocabulary) -> tuple[str, dict, str]:
    slug = f"story-{number:05d}-" + "-".join(rng.sample(WORDS, 3))
    data = {
        "title": f"Story {number}: " + " ".join(rng.sample(WORDS, 5)).capitalize(),
        "date": dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000)),
        "description": sentence(rng, 12, 24),
        "perspective": rng.choice(("customer", "business")),
        "business": f"{rng.choice(SHOPS)} {rng.choice(KINDS)}",
        "industry": rng.choice([t.slug for t in vocabulary.industries]),
        "channel": rng.choice([t.slug for t in vocabulary.channels]),
        "tags": rng.sample([t.slug for t in vocabulary.tags], rng.randint(1, 4)),
        "told_by": rng.choice(NAMES),
        "source": {"kind": "interview"},
        "draft": number % 20 == 0,
        "featured": number % 97 == 0,
    }
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(4, 8))]
    paragraphs.insert(2, "## What happened next")
    paragraphs.insert(4, "\n".join(f"- {sentence(rng, 4, 8)}" for _ in range(3)))
    body = "\n\n".join(paragraphs) + "\n"
    story, problems = validate_story(data, vocabulary)
    assert story is not None, problems
    return slug, data, body


def write_corpus(count: int, ours: Path, plain: Path, vocabulary, seed: int = 20111128) -> None:
    rng = random.Random(seed)
    posts = ours / "content" / "stories" / "posts"
    posts.mkdir(parents=True)
    (plain / "content").mkdir(parents=True)
    for number in range(1, count + 1):
        slug, data, body = make_story(rng, number, vocabulary)
        front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        (posts / f"{slug}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        native = [f"Title: {data['title']}", f"Date: {data['date'].isoformat()}", f"Slug: {slug}",
                  f"Category: {data['perspective']}", f"Tags: {', '.join(data['tags'])}",
                  f"Author: {data['told_by']}", f"Summary: {data['description']}"]
        if data["draft"]:
            native.append("Status: draft")
        (plain / "content" / f"{slug}.md").write_text("\n".join(native) + "\n\n" + body, encoding="utf-8")


def prepare(workdir: Path, count: int) -> tuple[Path, Path]:
    """A copy of this site with a generated collection (ours), and the same stories for plain Pelican."""
    ours, plain = workdir / "ours", workdir / "plain"
    ours.mkdir()
    for name in ("pelicanconf.py", "publishconf.py", "mkdocs.yml"):
        shutil.copy2(ROOT / name, ours / name)
    shutil.copytree(ROOT / "theme", ours / "theme")
    shutil.copytree(ROOT / "content", ours / "content", ignore=shutil.ignore_patterns("posts"))
    vocabulary = load_vocabulary(ours / "content" / "vocabulary.yml")
    write_corpus(count, ours, plain, vocabulary)
    (plain / "pelicanconf.py").write_text(
        'PATH = "content"\nTIMEZONE = "UTC"\nSITEURL = "http://127.0.0.1:8000"\n', encoding="utf-8")
    return ours, plain


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one run of `command` in a fresh process."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("SITE_URL", None)
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        errors = process.stderr.read()
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def bench(count: int, keep: bool, repeat: int = 1) -> tuple[int, float, float, float, float]:
    workdir = Path(tempfile.mkdtemp(prefix=f"pelican-bench-{count}-"))
    try:
        ours, plain = prepare(workdir, count)
        plain_cmd = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output",
                     "--ignore-cache", "--delete-output-directory"]
        plain_runs, ours_runs = [], []
        for _ in range(repeat):  # alternating, so that a burst of load elsewhere hits both alike
            plain_runs.append(timed(plain_cmd, plain))
            ours_runs.append(timed(pelican_command(ours, ours / "output"), ours))
        (plain_s, plain_mb), (ours_s, ours_mb) = min(plain_runs), min(ours_runs)
        published = sum(1 for _ in (ours / "output" / "stories").glob("story-*/index.html"))
        assert published == count - count // 20, f"ours published {published} stories"
        return count, plain_s, plain_mb, ours_s, ours_mb
    finally:
        if keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build; the fastest counts (default 1)")
    parser.add_argument("--limit", type=float, default=1.3, help="fail when ours/plain exceeds this ratio")
    args = parser.parse_args(argv)
    print(f"{'stories':>8} | {'plain s':>8} | {'plain MB':>8} | {'ours s':>8} | {'ours MB':>8} | {'ratio':>6}")
    print(f"{'-' * 8}-+-{'-' * 8}-+-{'-' * 8}-+-{'-' * 8}-+-{'-' * 8}-+-{'-' * 6}")
    worst = 0.0
    for size in args.sizes:
        count, plain_s, plain_mb, ours_s, ours_mb = bench(size, args.keep, max(1, args.repeat))
        ratio = ours_s / plain_s
        worst = max(worst, ratio)
        print(f"{count:>8} | {plain_s:>8.2f} | {plain_mb:>8.0f} | {ours_s:>8.2f} | {ours_mb:>8.0f} | {ratio:>5.2f}x",
              flush=True)
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
