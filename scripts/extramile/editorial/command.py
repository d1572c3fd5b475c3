"""`extramile submissions …`: the editor's day — list, show, publish, reject, withdraw, erase, export, purge.

Each decision is one commit of its own (when the project is a git work tree), made of the story file it
touches and the ledger line that records it; `--no-commit` leaves the commit to the editor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from extramile import ledger as ledgers
from extramile.editorial import apply as applying
from extramile.editorial import decisions, private
from extramile.editorial.decisions import EditorError
from extramile.paths import project_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("submissions", help="list, show and decide on submissions (the editor's day)")
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="submissions by state and age")
    listing.add_argument("--state", choices=(*ledgers.STATES, "all"), default="all")
    listing.set_defaults(func=run_list)

    show = commands.add_parser("show", help="one submission: its text, fields and (marked) private details")
    show.add_argument("id", help="a submission id, or a story's slug or path")
    show.set_defaults(func=run_show)

    for name, helptext in (("publish", "publish a draft: draft: false and today's publication date"),
                           ("reject", "reject a submission (its draft is deleted) with a reason"),
                           ("withdraw", "withdraw a published story at the teller's request")):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("id", help="a submission id, or a story's slug or path")
        if name == "reject":
            sub.add_argument("--reason", required=True, help="why (kept in the ledger: no private detail)")
        sub.add_argument("--no-commit", action="store_true", help="change the files but do not commit them")
        sub.set_defaults(func=run_decision, decide=name)

    private.register(commands)


def _ledger(root: Path) -> ledgers.Ledger:
    try:
        return ledgers.load(root)
    except ledgers.LedgerError as error:
        raise EditorError(str(error)) from None


def run_decision(args: argparse.Namespace) -> int:
    root = project_root()
    try:
        ledger = _ledger(root)
        if args.decide == "publish":
            change = decisions.publish(root, ledger, args.id)
        elif args.decide == "reject":
            change = decisions.reject(root, ledger, args.id, args.reason)
        else:
            change = decisions.withdraw(root, ledger, args.id)
        outcome = applying.apply(root, ledger, change, commit=not args.no_commit)
    except EditorError as error:
        print(f"extramile submissions {args.decide}: {error}", file=sys.stderr)
        return error.code
    decision = change.decision
    if not outcome.changed and not outcome.committed:
        print(f"{decision.id} is already {decision.state}: nothing to do")
        return 0
    where = f" ({decision.path})" if decision.path else ""
    print(f"{decision.id}{where}: {decision.state}" + (", committed" if outcome.committed else ""))
    return 0


def run_list(args: argparse.Namespace) -> int:
    root = project_root()
    try:
        ledger = ledgers.load_everywhere(root)
        rows = private.rows(root, ledger)
    except EditorError as error:
        print(f"extramile submissions list: {error}", file=sys.stderr)
        return error.code
    today = dt.datetime.now(dt.timezone.utc)
    shown = [row for row in rows if args.state in ("all", row.state)]
    for row in shown:
        age = (today - row.since).days if row.since else None
        print(f"{row.id:<28} {row.state:<10} {'' if age is None else f'{age}d':>6}  {row.title or ''}"
              + (f"  [{row.path}]" if row.path else ""))
    counts: dict[str, int] = {}
    for row in shown:
        counts[row.state] = counts.get(row.state, 0) + 1
    print(f"{len(shown)} submission{'s' if len(shown) != 1 else ''}"
          + (": " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) if counts else ""))
    return 0


def run_show(args: argparse.Namespace) -> int:
    root = project_root()
    try:
        text = private.show(root, ledgers.load_everywhere(root), args.id)
    except EditorError as error:
        print(f"extramile submissions show: {error}", file=sys.stderr)
        return error.code
    print(text)
    return 0
