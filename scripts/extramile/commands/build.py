"""`extramile build`: build the public site strictly (drafts left out)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from extramile.paths import project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="build the public site into a folder (strict: any warning fails)")
    parser.add_argument("--engine", choices=("material",), default="material", help="the site engine (default: material)")
    parser.add_argument("-d", "--site-dir", type=Path, default=None, help="output folder (default: site/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(root / "mkdocs.yml")]
    if args.site_dir:
        command += ["-d", str(args.site_dir.resolve())]
    return subprocess.call(command, cwd=root)
