"""Benchmark: submissions through `extramile ingest`, timed, with peak memory at several input sizes.

    .venv/bin/python benchmarks/ingest_bench.py            # 2,500 / 5,000 / 10,000 submissions, JSON Lines + Netlify JSON + CSV
    .venv/bin/python benchmarks/ingest_bench.py --sizes 10000 --formats jsonl

Each run is a fresh project in a temp folder and a fresh process, so peak memory (VmHWM) is the run's own (the
worker processes that prepare long sources and write their temp files are not counted; their memory is flat
too). CPU s counts them. The target is >= 2,000 drafts/s at 10,000 submissions, with peak memory flat as the
input grows (the sources are streamed; what grows is only the report and the duplicate index, a few hundred
bytes per draft).

The machine's load matters (the line above the table prints it): run it on a quiet machine, more than once.
So does the file system: on ext4 without a journal, creating a file passes over every inode of its block group
freed in the last minute or so (ext4's `recently_deleted`), which makes each create cost up to a millisecond
right after thousands of files were deleted nearby. The runs' folders are therefore deleted only at the end,
and an invocation started just after another one ends pays for its cleanup: leave a minute or two between them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

STORY = ("The assistant noticed the coat I wanted was sold out in my size, phoned three other branches, found the "
         "last one across town and had it sent to my home the next morning at no charge. She even added a note "
         "wishing me a good trip. ")
TAGS = ["out-of-stock", "free-of-charge", "Personal touch", "loyalty", "Fast response"]


def submission(number: int) -> dict:
    return {
        "title": f"A coat found across town, number {number}",
        "story": STORY * 3 + f"<b>Story {number}</b> with a [link](https://example.com/{number}).",
        "perspective": "customer", "business": f"Northwind Outfitters {number % 97}", "industry": "retail",
        "channel": "in-person", "tags": [TAGS[number % 5], TAGS[(number + 1) % 5]], "month": "2023-11",
        "told_by": f"Alex {number}", "anonymous": "", "consent": "on", "email": f"alex{number}@example.com",
        "website": "",
    }


def write_input(path: Path, fmt: str, count: int) -> Path:
    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as handle:
            for number in range(count):
                handle.write(json.dumps({"id": f"b{number}", "submitted_at": "2024-05-01T10:00:00Z",
                                         **submission(number)}) + "\n")
    elif fmt == "netlify-json":
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("[")
            for number in range(count):
                data = {**submission(number), "ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "referrer": ""}
                handle.write(("," if number else "") + json.dumps({
                    "id": f"{number:024x}", "number": number, "created_at": "2024-05-01T10:00:00.000Z", "data": data,
                    "human_fields": {}, "ordered_human_fields": [], "form_id": "f", "site_url": "https://x", "form_name": "story"}))
            handle.write("]")
    else:  # netlify-csv
        columns = ["title", "story", "perspective", "business", "industry", "channel", "tags", "month", "told_by",
                   "anonymous", "email", "consent", "website", "ip", "user_agent", "referrer", "created_at"]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for number in range(count):
                row = {**submission(number), "ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "referrer": "",
                       "created_at": "2024-05-01T10:00:00.000Z"}
                row["tags"] = ", ".join(row["tags"])
                writer.writerow([row[column] for column in columns])
    return path


def make_project(root: Path) -> Path:
    (root / "content/stories/posts").mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy2(REPO / "content/vocabulary.yml", root / "content/vocabulary.yml")
    return root


def child(args: argparse.Namespace) -> None:
    """One ingest, in this process: prints seconds, drafts and peak memory as JSON."""
    from extramile.ingest.pipeline import Options, run

    start, cpu = time.perf_counter(), os.times()
    report = run(Options(root=Path(args.root), sources=[Path(args.input)]))
    seconds = time.perf_counter() - start
    used = os.times()
    cpu_seconds = (used.user - cpu.user) + (used.system - cpu.system) + (used.children_user - cpu.children_user) \
        + (used.children_system - cpu.children_system)
    peak_kb = 0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak_kb = int(line.split()[1])
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "new": len(report.new), "duplicate": len(report.duplicate),
                      "rejected": len(report.rejected), "peak_mb": peak_kb / 1024}))


def measure(fmt: str, count: int, work: Path, repeat: bool) -> dict:
    folder = Path(tempfile.mkdtemp(dir=work))
    root = make_project(folder / "site")
    source = write_input(folder / f"input.{fmt}", fmt, count)
    command = [sys.executable, __file__, "--child", "--root", str(root), "--input", str(source)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    first = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
    first["input_mb"] = source.stat().st_size / 2**20
    if repeat:
        again = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
        first["repeat_seconds"] = again["seconds"]
        first["repeat_duplicate"] = again["duplicate"]
        assert again["new"] == 0 and again["duplicate"] == count, again
    # The folder stays until every run is done: deleting thousands of files just before the next run would make
    # that run pay for it (ext4 without a journal passes over inodes freed in the last minute on every create).
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--formats", nargs="+", default=["jsonl", "netlify-json", "netlify-csv"])
    parser.add_argument("--work", type=Path, help="where the runs' temp folders go (default: the system's temp folder)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"{os.cpu_count()} CPUs; load average before: {open('/proc/loadavg').read().split()[0]} "
          "(other processes on the machine share the CPUs)")
    print(f"{'format':<13} {'submissions':>11} {'input MB':>8} {'seconds':>8} {'drafts/s':>9} {'CPU s':>6} "
          f"{'peak MB':>8} {'repeat s':>8}")
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        for fmt in args.formats:
            for count in args.sizes:
                result = measure(fmt, count, Path(work), repeat=count == max(args.sizes))
                assert result["new"] == count, result
                rate = result["new"] / result["seconds"]
                repeat = f"{result['repeat_seconds']:8.2f}" if "repeat_seconds" in result else f"{'':8}"
                print(f"{fmt:<13} {count:>11,} {result['input_mb']:>8.1f} {result['seconds']:>8.2f} {rate:>9,.0f} "
                      f"{result['cpu_seconds']:>6.1f} {result['peak_mb']:>8.1f} {repeat}", flush=True)
    print(f"load average after: {open('/proc/loadavg').read().split()[0]}")


if __name__ == "__main__":
    main()
