"""Benchmark: the CPU `extramile serve`'s site server uses while nothing changes.

    .venv/bin/python benchmarks/serve_idle.py                       # the real site (17 stories) and 10,000
    .venv/bin/python benchmarks/serve_idle.py --stories 17 1000

For each size it starts MkDocs' server as `extramile serve` does, waits for the first build and a quiet
moment, then reads the server's CPU time (/proc/PID/stat) over --seconds and prints it as a share of one core:
once with file notifications (the speed-up layer's serve-notifications) and once with MkDocs' own polling
(EXTRAMILE_SPEEDUPS=0). Target (issue 14): under 2 % of a core at 17 and at 10,000 stories.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def idle_share(site: Path, port: int, seconds: float, speedups: bool, log: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EXTRAMILE_SPEEDUPS": "1" if speedups else "0"}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "extramile.speedups.mkdocs_serve", "serve", "--strict", "--dirty",
             "--watch-theme", "-a", f"127.0.0.1:{port}"], cwd=site, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            started = time.monotonic()
            while "Serving on" not in log.read_text(encoding="utf-8", errors="replace"):
                if server.poll() is not None or time.monotonic() - started > 3600:
                    raise SystemExit(f"mkdocs serve did not start: see {log}")
                time.sleep(0.5)
            time.sleep(5)  # the collection the plugin schedules 2 s after a build (material/plugin.py)
            before, clock = cpu_seconds(server.pid), time.monotonic()
            time.sleep(seconds)
            return (cpu_seconds(server.pid) - before) / (time.monotonic() - clock)
        finally:
            server.terminate()
            server.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[17, 10_000])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    from extramile.bench.sites import prepare

    for count in args.stories:
        workdir = Path(tempfile.mkdtemp(prefix="extramile-serve-idle-"))
        try:
            if count == 17:
                site = workdir / "site"
                shutil.copytree(ROOT, site, ignore=shutil.ignore_patterns(".git", ".venv", "site", "output", ".cache"))
            else:
                site = prepare(workdir, count, ROOT).ours
            for speedups in (True, False):
                share = idle_share(site, free_port(), args.seconds, speedups, workdir / "serve.log")
                how = "notifications" if speedups else "polling (EXTRAMILE_SPEEDUPS=0)"
                print(f"{count:>6} stories, {how:<31} {share * 100:5.2f} % of a core at rest")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
