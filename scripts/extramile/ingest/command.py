"""`extramile ingest [SOURCE ...]`: the command-line layer over `pipeline.run`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from extramile.ingest.gitbranch import GitError
from extramile.ingest.lock import LockTimeout
from extramile.ingest.pipeline import Options, run
from extramile.ingest.records import UsageError
from extramile.ingest.sources import FORMATS
from extramile.paths import project_root

EPILOG = """\
exit status: 0 all submissions went in (or were duplicates or spam), 1 some were rejected,
2 usage error (bad arguments, missing file or mapping, branch refused, lock held): nothing written,
130 interrupted (Ctrl+C): with --branch, nothing is kept and you are back on your branch."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest", help="turn form submissions into draft stories",
        description="Read submissions from the intake store (no SOURCE) or from export files (Netlify CSV or JSON,\n"
                    "Formspree JSON, Google Forms CSV, JSON Lines, any CSV or JSON with --mapping) and write one\n"
                    "draft story per new submission. Safe to repeat: what is already a story is a duplicate.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE", type=Path, help="export files (format read from content)")
    parser.add_argument("--mapping", type=Path, metavar="FILE", help="YAML: which column holds which story field")
    parser.add_argument("--format", choices=("auto", *FORMATS), default="auto", help="skip detection (default: auto)")
    parser.add_argument("--store", type=Path, metavar="FILE", help="the intake store (default: var/intake/submissions.sqlite3)")
    parser.add_argument("--root", type=Path, help="the project folder (default: the one holding mkdocs.yml)")
    parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--branch", metavar="NAME", help="commit the new drafts on a new branch NAME, then come back")
    parser.add_argument("--reconsider", action="append", default=[], metavar="ID",
                        help="draft this submission again although the ledger holds a decision on it (repeatable)")
    parser.add_argument("--lock-timeout", type=float, default=300.0, metavar="SECONDS",
                        help="how long to wait for another ingest to finish (default: 300)")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        root = args.root.resolve() if args.root else project_root()
        report = run(Options(
            root=root, sources=list(args.sources), mapping=args.mapping, format=args.format, store=args.store,
            dry_run=args.dry_run, branch=args.branch, lock_timeout=args.lock_timeout,
            reconsider=frozenset(args.reconsider),
        ))
    except (UsageError, GitError, LockTimeout, FileNotFoundError) as error:
        _say(str(error), error)
        return 2
    except KeyboardInterrupt as interrupt:
        _say("interrupted", interrupt)
        return 130
    try:
        print(report.dumps_json() if args.json else report.to_text(), flush=True)
    except BrokenPipeError:  # `extramile ingest | head`: the reader left, the ingest itself is done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return report.exit_code()


def _say(message: str, error: BaseException) -> None:
    """The error and what was done about it (on_branch's note: the run taken back)."""
    for line in (message, *getattr(error, "__notes__", ())):
        print(f"extramile ingest: {line}", file=sys.stderr)
