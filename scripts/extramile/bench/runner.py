"""Run our builds and the plain ones over the same generated stories, side by side, and collect the figures."""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from extramile.bench.measure import BuildFailed, Run, SearchBytes, search_bytes, timed, tree_bytes
from extramile.bench.sites import Sites, prepare
from extramile.commands.build import pelican_command

ENGINES = ("material", "pelican")


@dataclass(frozen=True)
class Row:
    stories: int
    engine: str  # material | pelican
    build: str  # ours | plain
    run: Run
    output_bytes: int
    pages: int  # story pages written: every generated story must have one
    search: SearchBytes | None


def _mkdocs(site_dir: Path, strict: bool) -> list[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-q", "-d", str(site_dir)]
    return command + (["--strict"] if strict else [])


def builds(sites: Sites, engine: str) -> list[tuple[str, list[str], Path, Path, str]]:
    """(build, command, cwd, output folder, story page glob) for the plain build and ours."""
    if engine == "material":
        return [
            ("plain", _mkdocs(sites.plain_material / "site", strict=False), sites.plain_material,
             sites.plain_material / "site", "blog/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"),
            # Ours exactly as `extramile build` runs it: strict, so a warning at scale fails the benchmark.
            ("ours", _mkdocs(sites.ours / "site", strict=True), sites.ours, sites.ours / "site",
             "stories/synthetic-story-*/index.html"),
        ]
    plain_cmd = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output",
                 "--ignore-cache", "--delete-output-directory"]
    return [
        ("plain", plain_cmd, sites.plain_pelican, sites.plain_pelican / "output", "**/synthetic-story-*.html"),
        ("ours", pelican_command(sites.ours, sites.ours / "output"), sites.ours, sites.ours / "output",
         "stories/synthetic-story-*/index.html"),
    ]


def bench_size(count: int, engines: list[str], root: Path, *, repeat: int = 1, keep: bool = False,
               workdir: Path | None = None, log=print, failures: list[str] | None = None) -> list[Row]:
    """Generate `count` stories and build them with each engine, ours and plain alternating `repeat` times.

    The fastest run of each build counts (on a shared machine the slower ones measure the neighbours). A build
    that fails is logged and named in `failures`; the other engine still runs.
    """
    failures = [] if failures is None else failures
    workdir = Path(tempfile.mkdtemp(prefix=f"extramile-bench-{count}-", dir=workdir))
    rows = []
    try:
        sites = prepare(workdir, count, root)
        for engine in engines:
            plan = builds(sites, engine)
            best: dict[str, Run] = {}
            try:
                for attempt in range(max(1, repeat)):
                    for build, command, cwd, _, _ in plan:
                        run = timed(command, cwd)
                        log(f"  {count} stories, {engine} {build}, run {attempt + 1}: {run.seconds:.1f} s, "
                            f"{run.peak_mb:.0f} MB")
                        if build not in best or run.seconds < best[build].seconds:
                            best[build] = run
            except BuildFailed as error:  # the other engine's figures are still worth printing
                log(f"  {count} stories, {engine}: {error}")
                failures.append(f"{count} stories, {engine}")
                continue
            for build, _, _, output, pages in plan:
                rows.append(Row(count, engine, build, best[build], tree_bytes(output),
                                sum(1 for _ in output.glob(pages)), search_bytes(output, root)))
        return rows
    finally:
        if keep:
            log(f"  kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
