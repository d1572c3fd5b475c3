"""What the private store holds about a submission: listing, showing, erasing, exporting and retention.

The private store (the intake's SQLite database, `var/`, never in git) keeps each submission's fields and
its private details (e-mail, IP address, user agent, consent, and the originals of contact details the
ingest replaced by placeholders). The ledger (in git) keeps the decisions. These commands read both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from extramile import ledger as ledgers
from extramile.editorial import apply as applying
from extramile.editorial.decisions import Change, EditorError, resolve
from extramile.intake.config import RETENTION_DAYS, retention_days
from extramile.intake.store import DEFAULT_STORE, IntakeStore, SubmissionRecord
from extramile.paths import project_root

# Decided submissions whose private details the retention rule removes after RETENTION_DAYS.
DECIDED = frozenset({"published", "rejected", "withdrawn", "spam"})


@dataclass(frozen=True)
class Row:
    id: str
    state: str
    since: dt.datetime | None
    title: str | None
    path: str | None


def _store(root: Path, path: Path | None = None, *, create: bool = False) -> IntakeStore | None:
    store_path = path or root / DEFAULT_STORE
    if not create and not store_path.exists():
        return None
    return IntakeStore(store_path)


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def rows(root: Path, ledger: ledgers.Ledger, store_path: Path | None = None) -> list[Row]:
    """Every submission the store or the ledger knows, oldest first: received ones from the store alone."""
    found: dict[str, Row] = {}
    store = _store(root, store_path)
    if store is not None:
        with store:
            for record in store.records():
                state = "spam" if record.status == "spam" else "received"
                found[record.id] = Row(record.id, state, record.received, str(record.fields.get("title") or ""), None)
    for decision in ledger:
        before = found.get(decision.id)
        title = before.title if before else _title(root, decision.path)
        found[decision.id] = Row(decision.id, decision.state, _when(decision.at), title, decision.path)
    far_past = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return sorted(found.values(), key=lambda row: (row.since or far_past, row.id))


def _title(root: Path, path: str | None) -> str | None:
    if path and (root / path).is_file():
        return str(frontmatter.load(root / path).get("title") or "")
    return None


def show(root: Path, ledger: ledgers.Ledger, name: str, store_path: Path | None = None) -> str:
    record = None
    store = _store(root, store_path)
    if store is not None:
        with store:
            record = store.get(name)
    decision = ledger.get(name)
    target = None
    if record is None and decision is None:
        target = resolve(root, ledger, name)
        decision = target.decision
        if store is not None:
            with _store(root, store_path) as again:  # type: ignore[union-attr]
                record = again.get(target.id)
    submission_id = record.id if record else (decision.id if decision else target.id if target else name)
    lines = [f"Submission {submission_id}"]
    if decision:
        lines.append(f"  state:    {decision.state} since {decision.at}")
        for key in ("path", "branch", "reason"):
            if getattr(decision, key):
                lines.append(f"  {key + ':':<9} {getattr(decision, key)}")
    elif record:
        lines.append(f"  state:    {'spam' if record.status == 'spam' else 'received'}")
    if record:
        lines.append(f"  received: {record.received.isoformat(timespec='seconds')}")
        lines.append("")
        lines.append("Fields (public: they become the story):")
        for key, value in record.fields.items():
            if key != "story":
                lines.append(f"  {key}: {value}")
        lines += ["", "Story:", *("  " + line for line in str(record.fields.get("story", "")).splitlines())]
        lines += ["", "PRIVATE (never copy into a story, a commit or a reply to anyone else):"]
        if record.private:
            for key, value in record.private.items():
                lines.append(f"  {key}: {value}")
        else:
            lines.append("  none kept (erased, purged by the retention rule, or never given)")
    elif not decision or decision.state != "erased":
        lines.append("  nothing in the private store for it (a hand-written story, or another machine's store)")
    return "\n".join(lines)


def register(commands: argparse._SubParsersAction) -> None:
    erase = commands.add_parser("erase", help="erase a sender's private details (by submission id or e-mail)")
    erase.add_argument("ids", nargs="*", help="submission ids")
    erase.add_argument("--email", help="every submission sent from this address")
    erase.add_argument("--no-commit", action="store_true", help="record in the ledger but do not commit")
    erase.set_defaults(func=run_erase)
    export = commands.add_parser("export", help="everything held about one sender, as JSON (an access request)")
    export.add_argument("--email", required=True)
    export.set_defaults(func=run_export)
    purge = commands.add_parser("purge", help="the retention rule: drop private details of decided submissions")
    purge.add_argument("--days", type=int, default=None,
                       help="older than this many days since the decision (default: extra.intake.retention_days, "
                            f"{RETENTION_DAYS} unless set, or EXTRAMILE_RETENTION_DAYS)")
    purge.add_argument("--dry-run", action="store_true")
    purge.set_defaults(func=run_purge)


def run_erase(args: argparse.Namespace) -> int:
    root = project_root()
    try:
        ledger = ledgers.load(root)
        with IntakeStore(root / DEFAULT_STORE) as store:
            ids = list(args.ids) + ([r.id for r in store.by_email(args.email)] if args.email else [])
            if not ids:
                raise EditorError("name submission ids, or --email ADDRESS with at least one submission", code=2)
            changes = [_erase_change(root, ledger, store, submission_id) for submission_id in ids]
            for change in changes:
                applying.apply(root, ledger, change, commit=not args.no_commit)
            erased = store.erase(ids)
    except EditorError as error:
        print(f"extramile submissions erase: {error}", file=sys.stderr)
        return error.code
    print(f"{len(ids)} submission{'s' if len(ids) != 1 else ''} erased ({erased} held private details); "
          "the store is compacted so the bytes are gone")
    return 0


def _erase_change(root: Path, ledger: ledgers.Ledger, store: IntakeStore, submission_id: str) -> Change:
    record = store.get(submission_id)
    decision = ledger.get(submission_id)
    if record is None and decision is None and not store.is_erased(submission_id):
        raise EditorError(f"{submission_id}: no such submission", code=2)
    # The path stays in the ledger: a withdrawn story's address keeps saying so after its sender is erased.
    path = decision.path if decision else None
    delete = []
    if path and (root / path).is_file():
        if frontmatter.load(root / path).get("draft"):
            delete = [path]  # the sender's unpublished story goes with their details
        else:
            print(f"note: {path} stays published: withdraw it first if the teller asked for that too",
                  file=sys.stderr)
    fingerprint = decision.fingerprint if decision else None
    new = ledgers.Decision(submission_id, "erased", ledgers.now(), path=path, fingerprint=fingerprint)
    return Change(new, f"Erase submission {submission_id}\n\nIts sender's private details are erased.\n",
                  delete=delete, already=bool(decision and decision.state == "erased"))


def run_export(args: argparse.Namespace) -> int:
    root = project_root()
    ledger = ledgers.load_everywhere(root)
    store = _store(root)
    records: list[SubmissionRecord] = []
    if store is not None:
        with store:
            records = store.by_email(args.email)
    out = {"email": args.email, "exported": ledgers.now(), "submissions": [_exported(r, ledger.get(r.id))
                                                                           for r in records]}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


def _exported(record: SubmissionRecord, decision: ledgers.Decision | None) -> dict:
    return {
        "id": record.id, "received": record.received.isoformat(timespec="seconds"), "status": record.status,
        "fields": record.fields, "private": record.private,
        "decision": None if decision is None else {"state": decision.state, "at": decision.at,
                                                   "path": decision.path, "reason": decision.reason},
    }


def run_purge(args: argparse.Namespace) -> int:
    root = project_root()
    # Without --days, the period the Submit page promises (extra.intake.retention_days, or its variable).
    days = args.days if args.days is not None else retention_days(root)
    if days < 0:
        print("extramile submissions purge: --days must be 0 or more", file=sys.stderr)
        return 2
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    ledger = ledgers.load_everywhere(root)
    due = [d.id for d in ledger if d.state in DECIDED and (_when(d.at) or cutoff) < cutoff]
    store = _store(root)
    if store is None:
        print("no private store: nothing to purge")
        return 0
    with store:
        held = [submission_id for submission_id in due if (r := store.get(submission_id)) and r.private]
        if not args.dry_run:
            store.forget_private(held)
    verb = "would lose" if args.dry_run else "lost"
    print(f"{len(held)} decided submission{'s' if len(held) != 1 else ''} older than {days} days {verb} "
          "their private details")
    return 0
