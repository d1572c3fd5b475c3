"""The CPU-bound stage on several processes once a source proves long, results in order.

`drafted` is what the ingest uses. For each submission a worker resolves it (sorts its fields), skips it when the
run already knows its id, prepares it, renders the draft and writes it to a temp file in the stories folder: the
file system's cost of creating files is shared by the workers. It never gives a draft its name: every decision
that needs the whole run (duplicates, file names), making the temp files durable and linking them to their names
stay in the parent process (write.DraftWriter). A temp file is never a draft: a crash leaves at most temp files,
which the next run removes.

The first few hundred submissions are prepared in this process, so a small ingest never pays for starting
processes; after that, chunks go to a pool of worker processes, a bounded number at a time (memory stays flat).
A worker whose parent dies exits within a fraction of a second, so a killed ingest leaves nothing running (and,
started by fork, a worker holds the ingest lock until it has exited).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

from extramile.ingest.dedupe import Index
from extramile.ingest.normalise import shown_text
from extramile.ingest.prepare import Draft, derived_id, prepare
from extramile.ingest.records import Location, Pending, Problem, RawRecord
from extramile.ingest.render import render
from extramile.ingest.write import discard_temp, write_temp
from extramile.intake.store import fingerprint as store_fingerprint
from extramile.vocabulary import Vocabulary

SERIAL_FIRST = 256
CHUNK = 64
AHEAD = 3  # chunks in flight per worker process
Prepared = tuple[RawRecord | Problem, object, str | None]  # the item, its outcome (None for a Problem), its text

_state: dict = {}


@dataclass(frozen=True)
class Known:
    """A submission whose id is already a story's (or an earlier draft's of this run): a duplicate, not prepared."""

    id: str
    location: object
    path: str


@dataclass(frozen=True)
class Job:
    """What every worker needs. `index`: the stories known when the work started (a fork shares it, a spawned
    worker gets a copy); `folder`: where temp files go (None: write nothing, e.g. a dry run)."""

    vocabulary: Vocabulary
    values: dict
    index: Index | None = None
    folder: str | None = None
    write: bool = False  # drafted (True) or prepared (False)


def default_processes() -> int:
    return min(os.cpu_count() or 1, 4)


def prepared(items: Iterable[RawRecord | Problem], vocabulary: Vocabulary, values: dict,
             processes: int = 1) -> Iterator[Prepared]:
    """(item, outcome, rendered text) for every item, in order; items that are not RawRecords pass through."""
    return _ordered(items, Job(vocabulary, values), processes)


def drafted(items: Iterable[Pending | RawRecord | Problem], vocabulary: Vocabulary, values: dict, index: Index,
            folder: str | None, processes: int = 1) -> Iterator[tuple[object, object, object]]:
    """For every item, in order, one of:

    (Problem, None, None)               it could not be read;
    (Known, None, None)                 its id is already in `index`;
    (None, Spam | Rejected, None)       prepared, not a draft;
    (None, Draft, temp)                 a draft: `temp` is the path of the temp file holding its whole text (not yet
                                        flushed to disk), an OSError if it could not be written, or None when nothing
                                        was written (`folder` None, or the draft's content is already in `index`;
                                        the Draft is then complete, body and metadata included).

    A Draft with a temp file comes without its body and metadata (they are in the file), to keep what comes back
    small. Call close() on the iterator when not exhausting it: it stops the workers and removes the temp files no
    one will read.
    """
    return _ordered(items, Job(vocabulary, values, index, folder, write=True), processes)


def _ordered(items: Iterable, job: Job, processes: int) -> Iterator:
    iterator = iter(items)
    for item in islice(iterator, SERIAL_FIRST):
        yield _one(item, job)
    if processes < 2:
        for item in iterator:
            yield _one(item, job)
        return
    chunks = iter(lambda: list(islice(iterator, CHUNK)), [])
    first = next(chunks, None)
    if first is None:
        return
    pool = ProcessPoolExecutor(processes, mp_context=_context(), initializer=_start_worker,
                               initargs=(job, os.getpid()))
    pending: deque = deque()
    current: deque = deque()  # the results of the chunk being handed out
    try:
        try:
            pending.append(pool.submit(_work_chunk, first))  # starts the workers
        except OSError:  # no processes to be had (limits): prepare everything here instead
            pool.shutdown(wait=True, cancel_futures=True)
            for item in chain(first, iterator):
                yield _one(item, job)
            return
        for chunk in chunks:
            pending.append(pool.submit(_work_chunk, chunk))
            while len(pending) > processes * AHEAD:
                current.extend(pending.popleft().result())
                while current:
                    yield current.popleft()
        while pending:
            current.extend(pending.popleft().result())
            while current:
                yield current.popleft()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if job.write:  # results no one will read: their temp files go
            leftovers = list(current)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    leftovers.extend(future.result())
            for _, _, temp in leftovers:
                if isinstance(temp, str):
                    discard_temp(temp)


def _one(item: object, job: Job) -> tuple:
    """One item through every stage; whatever goes wrong with it (a bug included) rejects that item alone."""
    try:
        return _stages(item, job)
    except Exception as error:  # one submission never stops the run
        return _failed(item, error), None, None


def _failed(item: object, error: Exception) -> Problem:
    location = item.location if isinstance(item, (Pending, RawRecord)) else Location("?")
    what = shown_text(f"{type(error).__name__}: {error}")
    return Problem(location, "record", f"could not be prepared ({what[:300]}); nothing from it was written")


def _stages(item: object, job: Job) -> tuple:
    if isinstance(item, Pending):
        item = item.resolve()
    if not isinstance(item, RawRecord):  # a Problem, or a submission already known: passed through
        return item, None, None
    if not job.write:
        outcome = prepare(item, job.vocabulary, job.values)
        return item, outcome, render(outcome) if isinstance(outcome, Draft) else None
    index = job.index
    submission_id = item.id or derived_id(item)
    known = index.known(submission_id) if index is not None else None
    if known is not None:
        return Known(submission_id, item.location, known), None, None
    outcome = prepare(item, job.vocabulary, job.values)
    if not isinstance(outcome, Draft):
        return None, outcome, None
    if job.folder is None or (index is not None and index.find(outcome) is not None):
        return None, outcome, None  # nothing to write: the parent decides (a dry run, or a duplicate)
    if outcome.private and outcome.backend != "store":  # what the intake store will be asked to keep
        outcome.store_fingerprint = store_fingerprint(outcome.public_fields, outcome.private.get("email", ""))
    try:
        temp = write_temp(job.folder, outcome.slug, render(outcome))
    except OSError as error:
        temp = error
    outcome.metadata, outcome.body = {}, ""  # in the file now: no need to send them back
    if not outcome.store_fingerprint:
        outcome.public_fields = {}
    return None, outcome, temp


def _context():
    # fork starts at once and imports nothing again; it is only safe while this process runs no other thread.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_worker(job: Job, parent: int) -> None:
    _state["job"] = job
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _work_chunk(chunk: list) -> list:
    job = _state["job"]
    results = []
    try:
        for item in chunk:
            results.append(_one(item, job))
    except BaseException:  # the chunk fails whole: the temp files written for it go
        for _, _, temp in results:
            if isinstance(temp, str):
                discard_temp(temp)
        raise
    return results

