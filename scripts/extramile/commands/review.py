"""`extramile review --base REF [--run COMMAND ...]`: a pull request's summary for its reviewer.

    extramile review --base origin/main --run check --run "build --public" --run "build --engine pelican --public"

Lists each story the branch adds, changes or removes since its merge base with REF, runs each --run command
(an extramile command line) and reports every problem they print. The Markdown goes to --summary, else to
$GITHUB_STEP_SUMMARY when GitHub Actions sets it, else to stdout; on GitHub Actions (or with --annotations)
each problem is also printed as a `::error file=…,line=…::` line. `make pr-check` runs it as the pull-request
workflow does. Exit status: 0 no problem, 1 a problem or a failed command, 2 git could not compare.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from extramile.paths import project_root
from extramile.review import annotations, changed_stories, run_step, summary_markdown


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("review", help="summarise a pull request: the stories it changes, every problem")
    parser.add_argument("--base", default="origin/main", help="the branch the pull request goes into (default: origin/main)")
    parser.add_argument("--run", dest="commands", action="append", default=[], metavar="COMMAND",
                        help='an extramile command to run and report on, like "build --public" (repeatable)')
    parser.add_argument("--summary", type=Path, default=None, metavar="FILE",
                        help="write the Markdown here (default: $GITHUB_STEP_SUMMARY, appended, else stdout)")
    parser.add_argument("--annotations", action=argparse.BooleanOptionalAction, default=None,
                        help="print GitHub ::error lines (default: on GitHub Actions only)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    show_annotations = github if args.annotations is None else args.annotations
    try:
        stories = changed_stories(root, args.base)
    except RuntimeError as error:
        print(f"extramile review: cannot compare with {args.base}: {error}", file=sys.stderr)
        return 2
    steps = [run_step(root, command, github=github) for command in args.commands]
    markdown = summary_markdown(args.base, stories, steps)
    if args.summary:
        args.summary.write_text(markdown, encoding="utf-8")
    elif os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(markdown)
    else:
        print(markdown)
    if show_annotations:
        for line in annotations(steps):
            print(line)
    failed = any(step.status or step.problems for step in steps)
    return 1 if failed else 0
