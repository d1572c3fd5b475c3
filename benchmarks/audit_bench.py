"""How fast `extramile audit` reads a large built site: files/s and seconds, one process and two.

    .venv/bin/python benchmarks/audit_bench.py                      # 10,000 stories, Pelican
    .venv/bin/python benchmarks/audit_bench.py --engines material pelican --drafts 100 --look-for 1 100
    .venv/bin/python benchmarks/audit_bench.py --site output/       # an already built site, as it is
    .venv/bin/python benchmarks/audit_bench.py --keep               # then --reuse DIR: audit the same builds again

It writes N synthetic stories (`extramile.bench.corpus`) into a temporary copy of this site, marks --drafts of
them `draft: true` (so that the draft rule looks for that many), builds each engine without the audit, then
audits the output with 1 and with 2 worker processes and prints files, MB, seconds (wall and CPU, all processes)
and files/s. --parse-all also times the audit with every page parsed in full (no screen, extramile/audit/screen.py).

Measured 02:46-02:51 UTC 2026-11-30 on the shared 2-core machine (load average 1.4-1.5), 10,000 stories, best of 2:

| site | files (pages, MB read) | drafts | 1 process | 2 processes | every page parsed: 1 / 2 |
|---|---|---:|---:|---:|---:|
| Pelican | 36,615 (16,502, 282) | 1 | 12.2 s | 6.1 s | 37.5 s / 17.9 s |
| Pelican | | 20 | 19.5 s | 10.2 s | |
| Material | 33,163 (13,005, 548) | 1 | 22.4 s | 11.1 s | 60.3 s / 32.0 s |
| Material | | 20 | 33.1 s | 17.4 s | |

The story previews (PNG) are listed, not read. 20 drafts cost more here than they would on real stories: the synthetic
text draws on 100 words, so nearly every page holds every word of a draft's title and sentence and must be read
for them (drafts.py, DraftRule.candidates).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from extramile.audit import audit_site, make_rules  # noqa: E402
from extramile.audit.contacts import ALLOW_FILE, load_allowed  # noqa: E402
from extramile.audit.drafts import load_drafts  # noqa: E402
from extramile.bench.corpus import write_corpus  # noqa: E402
from extramile.bench.sites import SITE_DIRS, SITE_FILES  # noqa: E402
from extramile.paths import STORIES_DIR  # noqa: E402
from extramile.vocabulary import load_vocabulary  # noqa: E402


def prepare(workdir: Path, count: int, drafts: int) -> Path:
    site = workdir / "site"
    site.mkdir(parents=True)
    for name in SITE_FILES:  # the allow-list (ALLOW_FILE) comes with content/
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, site / name)
    for name in SITE_DIRS:
        shutil.copytree(ROOT / name, site / name)
    shutil.copytree(ROOT / "content", site / "content", ignore=shutil.ignore_patterns("posts"))
    paths = write_corpus(site / STORIES_DIR, count, load_vocabulary(site / "content" / "vocabulary.yml"))
    step = max(1, count // drafts) if drafts else 0
    for path in paths[::step][:drafts] if step else ():
        path.write_text(path.read_text(encoding="utf-8").replace("draft: false", "draft: true", 1), encoding="utf-8")
    return site


def build(site: Path, engine: str, output: Path) -> float:
    env = {**os.environ, "EXTRAMILE_ROOT": str(site), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extramile", "build", "--engine", engine, "-d", str(output), "--no-audit"],
                   cwd=site, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(site: Path, output: Path, workers: int, repeat: int, parse_all: bool = False, limit: int | None = None):
    """The fastest of `repeat` audits, and the CPU seconds it took (all processes: steady on a busy machine)."""
    drafts = load_drafts(site / STORIES_DIR)[:limit]
    rules = make_rules(output, "http://127.0.0.1:8000/", drafts, load_allowed(site / ALLOW_FILE), parse_all=parse_all)
    best = None
    for _ in range(repeat):
        before = _cpu()
        result = audit_site(rules, workers=workers)
        cpu = _cpu() - before
        best = (result, cpu) if best is None or result.seconds < best[0].seconds else best
    return best


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--drafts", type=int, default=20, help="stories marked draft: true (default 20)")
    parser.add_argument("--engines", nargs="+", choices=("material", "pelican"), default=["pelican"])
    parser.add_argument("--repeat", type=int, default=2, help="audits of each site; the fastest counts (default 2)")
    parser.add_argument("--site", type=Path, help="audit this built site instead (drafts from this project)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (printed)")
    parser.add_argument("--reuse", type=Path, metavar="DIR", help="a folder kept by --keep: audit its builds again")
    parser.add_argument("--parse-all", action="store_true", help="also time the audit parsing every page in full")
    parser.add_argument("--look-for", type=int, nargs="+", default=[None], metavar="N",
                        help="audit looking for only the first N of the drafts (several: one run each)")
    args = parser.parse_args(argv)
    if args.site:
        outputs = [("given", ROOT, args.site.resolve(), 0.0)]
        workdir = None
    elif args.reuse:
        outputs = [(engine, args.reuse / "site", args.reuse / f"out-{engine}", float("nan")) for engine in args.engines
                   if (args.reuse / f"out-{engine}").is_dir()]
        workdir = None
    else:
        workdir = Path(tempfile.mkdtemp(prefix="audit-bench-"))
        site = prepare(workdir, args.stories, args.drafts)
        outputs = []
        for engine in args.engines:
            output = workdir / f"out-{engine}"
            print(f"building {args.stories:,} stories with {engine}...", file=sys.stderr, flush=True)
            outputs.append((engine, site, output, build(site, engine, output)))
    drafts = len(load_drafts(outputs[0][1] / STORIES_DIR)) if outputs else 0
    print(f"{drafts} drafts in the site; pages parsed in full: those the screen did not clear (all with --parse-all)")
    print("| site | build s | files | pages | parsed | MB | drafts | workers | audit s | CPU s | files/s | findings |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for engine, site, output, built in outputs:
        for limit in args.look_for:
            for parse_all in (False, True) if args.parse_all else (False,):
                for workers in (1, 2):
                    result, cpu = measure(site, output, workers, args.repeat, parse_all, limit)
                    print(f"| {engine} | {built:.1f} | {result.files:,} | {result.pages:,} | {result.parsed:,} "
                          f"| {result.bytes / 1e6:.0f} | {result.drafts} | {workers} | {result.seconds:.2f} "
                          f"| {cpu:.1f} | {result.files / result.seconds:,.0f} | {len(result.findings)} |", flush=True)
    if workdir and args.keep:
        print(f"kept {workdir} (--reuse {workdir})", file=sys.stderr)
    elif workdir:
        shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
