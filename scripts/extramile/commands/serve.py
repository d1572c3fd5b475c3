"""`extramile serve`: the site with drafts marked, and the intake receiver beside it, in one command."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from extramile.paths import project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="preview the site (drafts shown) with the intake receiver beside it")
    parser.add_argument("--site-addr", default="127.0.0.1:8000", help="where the site is served (default: 127.0.0.1:8000)")
    parser.add_argument("--no-intake", action="store_true", help="do not start the intake receiver")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    commands = [[sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", args.site_addr, "-f", str(root / "mkdocs.yml")]]
    if not args.no_intake:
        # The receiver takes posts only from the site's own origin, and sends thanks back to it.
        site = f"http://{args.site_addr}"
        commands.append([sys.executable, "-m", "extramile", "intake", "--allow-origin", site, "--site-url", f"{site}/"])
    processes = [subprocess.Popen(command, cwd=root) for command in commands]
    print(f"Extra Mile: site on http://{args.site_addr}/ ; press Ctrl+C to stop", file=sys.stderr)
    try:
        # Whichever stops first (an error, or Ctrl+C) stops the other: half a dev server is worse than none.
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    codes = [process.returncode for process in processes]
    return next((code for code in codes if code not in (0, -signal.SIGINT, 130)), 0)
