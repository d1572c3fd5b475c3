"""The CPU-bound stage (prepare and render) on several processes once a source proves long, results in order.

The first few hundred submissions are prepared here, so a small ingest never pays for starting processes; after
that, chunks go to a pool of worker processes, a bounded number at a time (memory stays flat). Workers only
compute: every decision that needs the whole run (duplicates, file names) and every write stays in this process.
A worker whose parent dies exits within a fraction of a second, so a killed ingest leaves nothing running.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice

from extramile.ingest.prepare import Draft, prepare
from extramile.ingest.records import Problem, RawRecord
from extramile.ingest.write import render
from extramile.vocabulary import Vocabulary

SERIAL_FIRST = 256
CHUNK = 64
Prepared = tuple[RawRecord | Problem, object, str | None]  # the item, its outcome (None for a Problem), its text

_state: dict = {}


def default_processes() -> int:
    return min(os.cpu_count() or 1, 4)


def prepared(items: Iterable[RawRecord | Problem], vocabulary: Vocabulary, values: dict,
             processes: int = 1) -> Iterator[Prepared]:
    """(item, outcome, rendered text) for every item, in order; items that are not RawRecords pass through."""
    iterator = iter(items)
    for item in islice(iterator, SERIAL_FIRST):
        yield _one(item, vocabulary, values)
    if processes < 2:
        for item in iterator:
            yield _one(item, vocabulary, values)
        return
    chunks = iter(lambda: list(islice(iterator, CHUNK)), [])
    first = next(chunks, None)
    if first is None:
        return
    pool = ProcessPoolExecutor(processes, mp_context=_context(), initializer=_start_worker,
                               initargs=(vocabulary, values, os.getpid()))
    try:
        try:
            pending = deque([pool.submit(_prepare_chunk, first)])  # starts the workers
        except OSError:  # no processes to be had (limits): prepare everything here instead
            pool.shutdown(wait=True, cancel_futures=True)
            for item in chain(first, iterator):
                yield _one(item, vocabulary, values)
            return
        for chunk in chunks:
            pending.append(pool.submit(_prepare_chunk, chunk))
            while len(pending) > processes * 2:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _one(item: RawRecord | object, vocabulary: Vocabulary, values: dict) -> Prepared:
    if not isinstance(item, RawRecord):  # a Problem, or a submission already known: passed through
        return item, None, None
    outcome = prepare(item, vocabulary, values)
    return item, outcome, render(outcome) if isinstance(outcome, Draft) else None


def _context():
    # fork starts at once and imports nothing again; it is only safe while this process runs no other thread.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_worker(vocabulary: Vocabulary, values: dict, parent: int) -> None:
    _state.update(vocabulary=vocabulary, values=values)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _prepare_chunk(chunk: list[RawRecord | Problem]) -> list[Prepared]:
    return [_one(item, _state["vocabulary"], _state["values"]) for item in chunk]
