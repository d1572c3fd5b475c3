"""IntakeStore.add_many: one transaction for a batch — new rows counted, repeats ignored, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from extramile.intake.store import IntakeStore, SubmissionRecord

RECEIVED = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


def record(number: int, status: str = "accepted") -> SubmissionRecord:
    return SubmissionRecord(id=f"sub_{number:04d}", received=RECEIVED, status=status,
                            fields={"title": f"Story {number}"}, private={"email": f"n{number}@example.org"})


def test_add_many_stores_new_rows_once_and_counts_them(tmp_path):
    with IntakeStore(tmp_path / "store.sqlite3") as store:
        assert store.add_many([record(1), record(2), record(1)]) == 2
        assert store.add_many([record(2), record(3)]) == 1
        assert [r.id for r in store.records()] == ["sub_0001", "sub_0002", "sub_0003"]
        assert next(store.records()).private == {"email": "n1@example.org"}


def test_add_many_writes_nothing_when_one_record_is_bad(tmp_path):
    with IntakeStore(tmp_path / "store.sqlite3") as store:
        with pytest.raises(ValueError, match="status must be one of"):
            store.add_many([record(1), record(2, status="maybe")])
        assert store.count() == 0
        assert store.add_many([record(1)]) == 1
