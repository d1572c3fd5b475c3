"""`extramile serve`: the site with drafts marked, and the intake receiver beside it, in one command."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from extramile.paths import project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="preview the site (drafts shown) with the intake receiver beside it")
    parser.add_argument("--site-addr", default="127.0.0.1:8000", help="where the site is served (default: 127.0.0.1:8000)")
    parser.add_argument("--intake-port", type=int, default=8001, help="the intake receiver's port (default: 8001)")
    parser.add_argument("--no-intake", action="store_true", help="do not start the intake receiver")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    site = f"http://{args.site_addr}"
    # The form posts where mkdocs.yml's extra.intake.url says; EXTRAMILE_INTAKE_URL points it at this receiver.
    env = {**os.environ, "EXTRAMILE_INTAKE_URL": f"http://127.0.0.1:{args.intake_port}/submissions"}
    # --dirty: after the first build, an edited story is rebuilt in seconds (extramile/material/preview.py);
    # --watch-theme: an edited template is seen too (and rebuilds every page).
    commands = [[sys.executable, "-m", "extramile.speedups.mkdocs_serve", "serve", "--strict", "--dirty", "--watch-theme",
                 "-a", args.site_addr, "-f", str(root / "mkdocs.yml")]]
    if not args.no_intake:
        # The receiver takes posts only from the site's own origin, and sends thanks back to it.
        commands.append([sys.executable, "-m", "extramile", "intake", "--port", str(args.intake_port),
                         "--allow-origin", site, "--site-url", f"{site}/"])
    processes = [subprocess.Popen(command, cwd=root, env=env) for command in commands]
    print(f"Extra Mile: site on http://{args.site_addr}/ ; press Ctrl+C to stop", file=sys.stderr)
    stopping = []
    # Ctrl+C, or SIGTERM from a process manager: either stops both servers. Set explicitly, because a shell
    # starts background jobs with SIGINT ignored, and Python then never raises KeyboardInterrupt.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: stopping.append(number))
    try:
        # Whichever stops first (an error, or a signal) stops the other: half a dev server is worse than none.
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    codes = [process.returncode for process in processes]
    return next((code for code in codes if code not in (0, -signal.SIGINT, -signal.SIGTERM, 130, 143)), 0)
