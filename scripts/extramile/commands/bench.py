"""`extramile bench`: our builds against plain Material and plain Pelican over N generated stories.

    extramile bench                                   # 1,000 stories, both engines
    extramile bench --stories 1000 5000 10000 --repeat 2
    extramile bench --stories 20 --engines material --keep

For each size it writes a temporary copy of the site with N deterministic synthetic stories (valid against
the schema and vocabulary, `extramile.bench.corpus`), plus a plain Material blog+tags+search site and a plain
Pelican site over the same stories (`extramile.bench.sites`), then runs each build in a fresh process, ours
and plain alternating, and prints wall seconds, peak memory, output size and the bytes one search query
downloads. Exit status 1 if a build fails or misses a story page.
"""

from __future__ import annotations

import argparse
import sys

from extramile.bench.runner import ENGINES, Row, bench_size
from extramile.paths import project_root

HEADER = ("stories", "engine", "build", "seconds", "peak MB", "output MB", "query KB", "query KB gz", "vs plain")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="time our builds against plain Material and Pelican over N generated stories")
    parser.add_argument("--stories", type=int, nargs="+", default=[1000], metavar="N",
                        help="collection sizes to generate (default: 1000)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES),
                        help="which engines to compare (default: both)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each build, alternating ours and plain; the fastest counts (default: 1)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites and print where")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    rows: list[Row] = []
    failures: list[str] = []
    if any(count < 1 for count in args.stories):
        print("extramile bench: --stories must be at least 1", file=sys.stderr)
        return 2
    for count in args.stories:
        rows += bench_size(count, args.engines, root, repeat=args.repeat, keep=args.keep, failures=failures,
                           log=lambda line: print(line, file=sys.stderr, flush=True))
        # Each size's figures as soon as they exist: a long run interrupted later still leaves them.
        print(table([row for row in rows if row.stories == count], markdown=args.markdown), flush=True)
    if len(args.stories) > 1:
        print(table(rows, markdown=args.markdown))
        print(growth(rows))
    for row in rows:
        if row.pages != row.stories:
            failures.append(f"{row.engine} {row.build} wrote {row.pages} of {row.stories} story pages")
    for failure in failures:
        print(f"extramile bench: failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


def growth(rows: list[Row]) -> str:
    """How each build's time grows from the smallest size to the largest (linear: the ratio of the sizes)."""
    lines = []
    for engine, build in sorted({(row.engine, row.build) for row in rows}):
        mine = sorted((row for row in rows if (row.engine, row.build) == (engine, build)), key=lambda r: r.stories)
        if len(mine) > 1:
            small, large = mine[0], mine[-1]
            lines.append(f"{engine} {build}: {large.run.seconds / small.run.seconds:.1f}x the time for "
                         f"{large.stories / small.stories:.0f}x the stories ({small.stories:,} -> {large.stories:,})")
    return "\n".join(lines)


def _cells(row: Row, plain: Row | None) -> list[str]:
    search = row.search
    ratio = f"{row.run.seconds / plain.run.seconds:.2f}x" if plain and row.build == "ours" else ""
    return [f"{row.stories:,}", row.engine, row.build, f"{row.run.seconds:.1f}", f"{row.run.peak_mb:.0f}",
            f"{row.output_bytes / 1e6:.1f}",
            f"{search.raw / 1e3:.0f}" if search else "-", f"{search.gzipped / 1e3:.0f}" if search else "-", ratio]


def table(rows: list[Row], markdown: bool = False) -> str:
    plain = {(row.stories, row.engine): row for row in rows if row.build == "plain"}
    lines = [_cells(row, plain.get((row.stories, row.engine))) for row in rows]
    if markdown:
        out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        return "\n".join(out + ["| " + " | ".join(cells) + " |" for cells in lines])
    widths = [max(len(h), *(len(c[i]) for c in lines)) if lines else len(h) for i, h in enumerate(HEADER)]
    out = ["  ".join(h.rjust(w) for h, w in zip(HEADER, widths)), "  ".join("-" * w for w in widths)]
    return "\n".join(out + ["  ".join(c.rjust(w) for c, w in zip(cells, widths)) for cells in lines])
