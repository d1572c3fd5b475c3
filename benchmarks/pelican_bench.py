"""Our Pelican build against plain Pelican: now `extramile bench --engines pelican`, kept for its --limit check.

    .venv/bin/python benchmarks/pelican_bench.py            # 1,000 and 5,000 stories
    .venv/bin/python benchmarks/pelican_bench.py 1000 --keep  # one size; keep the temporary folder

The sites, the corpus and the measurement live in `extramile.bench` (see `extramile bench --help`).
Exit status 1 when ours/plain exceeds --limit at any size.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from extramile.bench.runner import bench_size  # noqa: E402
from extramile.commands.bench import table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build; the fastest counts (default 1)")
    parser.add_argument("--limit", type=float, default=1.3, help="fail when ours/plain exceeds this ratio")
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        rows += bench_size(size, ["pelican"], ROOT, repeat=args.repeat, keep=args.keep,
                           log=lambda line: print(line, file=sys.stderr, flush=True))
    print(table(rows))
    plain = {row.stories: row.run.seconds for row in rows if row.build == "plain"}
    worst = max(row.run.seconds / plain[row.stories] for row in rows if row.build == "ours")
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
