"""The store holds e-mail and IP addresses: only its owner may read it, whatever the umask, old stores included."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from extramile.intake.store import IntakeStore

from .conftest import good, rows
from .realserver import post

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Sets the process's umask for one test (the receiver's own threads are not running meanwhile)."""
    before = os.umask(0o022)
    os.umask(before)
    yield os.umask
    os.umask(before)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_a_new_store_is_made_private_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    path = tmp_path / "var" / "intake" / "submissions.sqlite3"
    with IntakeStore(path) as store:
        store.ping()
        files = {p.name: mode(p) for p in path.parent.iterdir()}  # -wal and -shm exist while it is open
    assert mode(path.parent) == 0o700
    assert files == {"submissions.sqlite3": 0o600, "submissions.sqlite3-wal": 0o600, "submissions.sqlite3-shm": 0o600}


def test_an_old_store_open_to_others_is_tightened_when_opened_and_it_is_said(tmp_path, umask, caplog):
    umask(0o022)
    folder = tmp_path / "intake"
    path = folder / "submissions.sqlite3"
    with IntakeStore(path):
        pass
    os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    for suffix in ("-wal", "-shm", "-journal"):  # as a crash leaves them
        (folder / f"submissions.sqlite3{suffix}").touch(mode=0o666)
        os.chmod(folder / f"submissions.sqlite3{suffix}", 0o666)
    caplog.set_level(logging.WARNING, "extramile.intake")
    IntakeStore(path).close()
    assert mode(folder) == 0o700
    left = {p.name: mode(p) for p in folder.iterdir()}  # SQLite removes the -wal and -shm it has checkpointed
    assert left["submissions.sqlite3"] == 0o600 and set(left.values()) == {0o600}
    said = [record.getMessage() for record in caplog.records]
    assert "the intake store's submissions.sqlite3 was open to other users (mode 644): now 600" in said
    assert "the intake store's intake was open to other users (mode 755): now 700" in said
    assert len(said) == 5  # the folder, the database and its three side files


def test_a_folder_shared_with_other_files_keeps_its_mode_and_the_store_is_private(tmp_path, umask):
    umask(0o022)
    os.chmod(tmp_path, 0o755)
    (tmp_path / "notes.txt").write_text("someone else's")
    with IntakeStore(tmp_path / "store.sqlite3"):
        pass
    assert mode(tmp_path) == 0o755  # --store pointed into a folder that is not the store's alone
    assert mode(tmp_path / "store.sqlite3") == 0o600
    assert mode(tmp_path / "notes.txt") == 0o644


def test_the_receiver_keeps_what_it_receives_in_a_private_store(make_server, store_path, umask):
    umask(0o000)  # the loosest there is
    server = make_server()
    assert post(server, good())[0] == 303
    assert len(rows(store_path)) == 1
    assert mode(store_path.parent) == 0o700
    assert {p.name: mode(p) for p in store_path.parent.iterdir()} == {
        p.name: 0o600 for p in store_path.parent.iterdir()}
    assert mode(store_path) == 0o600
