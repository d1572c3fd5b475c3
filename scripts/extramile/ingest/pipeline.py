"""The ingest, stage by stage: sources -> prepare -> dedupe -> write, under the lock, optionally on a branch."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from extramile import ledger as ledgers
from extramile.ingest import gitbranch
from extramile.ingest.dedupe import Index
from extramile.ingest.lock import LOCK_FILE, IngestLock
from extramile.ingest.mapping import BASE, Mapping, load_mapping
from extramile.ingest.parallel import Known, default_processes, drafted
from extramile.ingest.prepare import Draft, Rejected, Spam
from extramile.ingest.records import Problem, SourceError, UsageError
from extramile.ingest.report import Report
from extramile.ingest.sources import NoStore, StoreSource, open_source
from extramile.ingest.write import DraftWriter, remove_stale_temps
from extramile.intake.store import DEFAULT_STORE, IntakeStore, SubmissionRecord
from extramile.paths import CONTENT_DIR, STORIES_DIR, VOCABULARY_FILE
from extramile.vocabulary import VocabularyError, load_vocabulary


@dataclass
class Options:
    root: Path
    sources: list[Path] = field(default_factory=list)  # none: the receiver's store
    mapping: Path | None = None
    format: str = "auto"
    store: Path | None = None  # default: <root>/var/intake/submissions.sqlite3
    dry_run: bool = False
    branch: str | None = None
    batch: int = 256  # drafts flushed to disk together
    processes: int = field(default_factory=default_processes)  # for preparing long sources
    lock_timeout: float = 300.0
    reconsider: frozenset[str] = frozenset()  # ids to draft again despite the ledger's decision


def run(options: Options) -> Report:
    """Ingest every source; UsageError, GitError or LockTimeout before anything is written when it cannot run."""
    root = options.root.resolve()
    try:
        vocabulary = load_vocabulary(root / VOCABULARY_FILE)
    except VocabularyError as error:
        raise UsageError(str(error)) from None
    mapping = load_mapping(options.mapping) if options.mapping else BASE
    store_path = options.store or root / DEFAULT_STORE
    for path in options.sources:
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such file")
    name = gitbranch.branch_name(root, options.branch) if options.branch is not None else None
    report = Report(dry_run=options.dry_run, branch=name)
    lock = contextlib.nullcontext() if options.dry_run else IngestLock(root / LOCK_FILE, options.lock_timeout)
    stories = root / STORIES_DIR
    with lock:
        if not options.dry_run:
            remove_stale_temps(stories)  # what a killed run left; before the branch check counts it as a change
        branch = gitbranch.check_branch(root, name, CONTENT_DIR) if name is not None else None
        ingest = _Ingest(root, stories, vocabulary, mapping, store_path, options, report)
        if branch is None or options.dry_run:
            ingest.all_sources()
            return report
        with gitbranch.on_branch(branch, ingest.written):
            ingest.all_sources()
            entries = [(item["path"], item["id"]) for item in report.new]
            # The ledger's new lines travel in the same commit as the drafts they record.
            paths = [root / path for path, _ in entries] + ([root / ledgers.LEDGER_FILE] if entries else [])
            report.committed = gitbranch.finish(branch, paths, gitbranch.commit_message(entries))
    return report


class _Ingest:
    def __init__(self, root: Path, stories: Path, vocabulary, mapping: Mapping, store_path: Path, options: Options,
                 report: Report):
        self.root, self.stories, self.vocabulary, self.mapping = root, stories, vocabulary, mapping
        self.store_path, self.options, self.report = store_path, options, report
        self.index = Index.scan(stories)
        try:
            ledger = ledgers.load_everywhere(root)
        except ledgers.LedgerError as error:
            raise UsageError(str(error)) from None
        for submission_id in sorted(options.reconsider):
            decision = ledger.get(submission_id)
            if decision is None:
                raise UsageError(f"--reconsider {submission_id}: the ledger holds no decision on it")
            if decision.state == "erased":
                raise UsageError(f"--reconsider {submission_id}: it is erased; its sender's details are gone")
        self.index.remember(ledger, options.reconsider)
        self._decisions: list[ledgers.Decision] = []
        self._ledger_before: bytes | None = None
        self._store: IntakeStore | None = None
        self._writer: DraftWriter | None = None
        self._stories_shown = _shown(stories, root)

    def all_sources(self) -> None:
        writer = self._writer = DraftWriter(self.stories, self.index, batch=self.options.batch,
                                            dry_run=self.options.dry_run, before_flush=self._keep_private)
        try:
            if self.options.sources:
                sources = [open_source(Path(path), _shown(Path(path), self.root), self.mapping, self.options.format)
                           for path in self.options.sources]
            else:
                sources = [StoreSource(self.store_path, _shown(self.store_path, self.root))]
            for source in sources:
                self.report.sources.append(source.shown)
                self._one_source(source, writer)
            self._collect(writer.finish())
            self._record_decisions()
        finally:
            writer.close()
            if self._store is not None:
                self._store.close()

    def _record_decisions(self) -> None:
        """Each new draft as a `drafted` line in the working tree's ledger (the branch's, with --branch)."""
        if self.options.dry_run or not self._decisions:
            return
        path = self.root / ledgers.LEDGER_FILE
        self._ledger_before = path.read_bytes() if path.exists() else b""
        ledger = ledgers.load(self.root)
        for decision in self._decisions:
            ledger.record(decision)
        ledgers.save(self.root, ledger)

    def written(self) -> list[Path]:
        """The drafts this run wrote so far, for --branch to take back; its temp files are removed now, and the
        ledger is put back as it was."""
        ledger: list[Path] = []
        if self._ledger_before is not None:
            path = self.root / ledgers.LEDGER_FILE
            if self._ledger_before:  # it was committed before the run (content/ was clean): back as it was
                gitbranch.git(self.root, "reset", "--quiet", "--", ledgers.LEDGER_FILE)
                path.write_bytes(self._ledger_before)
            else:
                ledger = [path]  # new with this run: removed (and unstaged) with the drafts
        remove_stale_temps(self.stories)
        return ledger + ([self.stories / name for name in self._writer.made] if self._writer is not None else [])

    def _one_source(self, source, writer: DraftWriter) -> None:
        try:
            source.check()
        except NoStore as error:
            self.report.messages.append(error.problem.reason)
            return
        except SourceError as error:
            self.report.add_rejected(error.problem)
            return
        items = source.items() if hasattr(source, "items") else source.records()
        folder = None if self.options.dry_run else str(self.stories)
        outcomes = drafted(items, self.vocabulary, self.mapping.values, self.index, folder, self.options.processes)
        try:
            for item, outcome, temp in outcomes:
                if isinstance(item, Problem):
                    self.report.add_rejected(item)
                    continue
                if isinstance(item, Known):
                    self.report.add_duplicate(item.id, item.location, _shown(Path(item.path), self.root), "id")
                    continue
                if isinstance(outcome, Spam):
                    self.report.add_spam(outcome.id, outcome.location, outcome.reason)
                elif isinstance(outcome, Rejected):
                    for problem in outcome.problems:
                        self.report.add_rejected(problem, outcome.id)
                    for note in outcome.notes:
                        self.report.add_note(note)
                else:
                    self._draft(outcome, temp, writer)
                self._collect(writer.ready())
        except SourceError as error:  # only if the file changed between the check and the read
            self.report.add_rejected(error.problem)
        finally:
            outcomes.close()  # stops the worker processes, if any, and removes the temp files no one will read
            close = getattr(items, "close", None)
            if close:
                close()

    def _draft(self, draft: Draft, temp, writer: DraftWriter) -> None:
        duplicate = self.index.find(draft)
        if duplicate is not None:
            writer.discard(temp)
            by, path = duplicate
            self.report.add_duplicate(draft.id, draft.location, _shown(path, self.root), by)
            return
        writer.adopt(draft, temp)

    def _keep_private(self, drafts: list[Draft]) -> None:
        """An export's contact details go to the intake store, keyed by the draft's submission id, before the
        drafts appear (the writer calls this once per batch)."""
        records = [
            SubmissionRecord(id=draft.id, received=draft.received or _now(), status="accepted",
                             fields=draft.public_fields,
                             private={**draft.private, "consent": True, "source": draft.location.source},
                             fingerprint=draft.store_fingerprint)
            for draft in drafts if draft.backend != "store" and draft.private
        ]
        # A receiver's submission is stored already: only the contact details its draft lost are added.
        removed = {draft.id: {"removed": draft.private["removed"]}
                   for draft in drafts if draft.backend == "store" and draft.private.get("removed")}
        if not records and not removed:
            return
        if self._store is None:
            self._store = IntakeStore(self.store_path)
        if records:
            self._store.add_many(records)  # one transaction for the whole batch
        if removed:
            self._store.add_private(removed)

    def _collect(self, written) -> None:
        for draft, result in written:
            if isinstance(result, OSError):
                self.report.add_rejected(Problem(draft.location, "file", f"could not be written: {result}"), draft.id)
                continue
            shown = f"{self._stories_shown}/{result.name}" if result.parent == self.stories else _shown(result, self.root)
            self.report.add_new(shown, draft.id, draft.location)
            self._decisions.append(ledgers.Decision(draft.id, "drafted", ledgers.now(), path=shown,
                                                    branch=self.report.branch, fingerprint=draft.fingerprint))
            for note in draft.notes:
                self.report.add_note(note, shown)


def _shown(path: Path, root: Path) -> str:
    """A path as the report shows it: relative to the project when inside it."""
    path = Path(path)
    if path.is_relative_to(root):  # the drafts: no need to ask the file system
        return path.relative_to(root).as_posix()
    resolved = path.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
