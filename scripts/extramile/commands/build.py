"""`extramile build`: build the public site strictly (drafts left out), with Material or with Pelican."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from extramile.paths import project_root

ENGINES = ("material", "pelican")
DEFAULT_SITE_DIRS = {"material": "site", "pelican": "output"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="build the public site into a folder (strict: any warning fails)")
    parser.add_argument("--engine", choices=ENGINES, default="material", help="the site engine (default: material)")
    parser.add_argument("-d", "--site-dir", type=Path, default=None,
                        help="output folder (default: site/ for material, output/ for pelican)")
    parser.add_argument("--public", action="store_true",
                        help="pelican: build with publishconf.py (absolute links to SITE_URL) instead of pelicanconf.py")
    parser.add_argument("--no-audit", action="store_true",
                        help="skip `extramile audit` of the built folder (run by default; a failed audit fails the build)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    # A public build (--public, or a SITE_URL that is not local) never ships a Submit form no reader can use.
    from extramile.publish_settings import refuse_dead_form
    if refused := refuse_dead_form(root, public=args.public):
        return refused
    if args.engine == "pelican":
        code = subprocess.call(pelican_command(root, args.site_dir, public=args.public), cwd=root)
    else:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(root / "mkdocs.yml")]
        if args.site_dir:
            command += ["-d", str(args.site_dir.resolve())]
        code = subprocess.call(command, cwd=root)
    if code or args.no_audit:
        return code
    # Every build ends with the audit of what it wrote: no draft, copied story, foreign script or private detail.
    from extramile.commands.audit import audit_folder
    return audit_folder(built_folder(root, args.engine, args.site_dir), root=root)


def built_folder(root: Path, engine: str, site_dir: Path | None) -> Path:
    """Where a build writes: -d, else output/ for Pelican and mkdocs.yml's site_dir (site/) for Material."""
    if site_dir:
        return Path(site_dir).resolve()
    if engine == "material":
        from extramile.intake.config import read_site_config
        return root / str(read_site_config(root).get("site_dir") or DEFAULT_SITE_DIRS["material"])
    return root / DEFAULT_SITE_DIRS[engine]


def pelican_command(root: Path, site_dir: Path | None = None, public: bool = False) -> list[str]:
    """Pelican with our settings; any warning fails the build, as `mkdocs build --strict` does."""
    settings = root / ("publishconf.py" if public else "pelicanconf.py")
    output = Path(site_dir).resolve() if site_dir else root / DEFAULT_SITE_DIRS["pelican"]
    return [sys.executable, "-m", "pelican", str(root / "content"), "-s", str(settings), "-o", str(output),
            "--fatal", "warnings", "--delete-output-directory", "--ignore-cache"]

