"""Fixtures for the intake: a receiver on a temporary store, in the test client or on a real loopback port."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from extramile.intake.app import create_app
from extramile.intake.config import Limits, ReceiverSettings, receiver_settings
from extramile.intake.server import BackgroundServer
from extramile.intake.store import IntakeStore, SubmissionRecord

ROOT = Path(__file__).resolve().parents[2]
SITE = "http://127.0.0.1:8000"
RECEIVER = "http://127.0.0.1:8001"
THANKS = f"{SITE}/submit/thanks/"

# A story that passes every rule; tests change one thing at a time.
GOOD = {
    "title": "Free chocolates after a checkout bug",
    "story": ("The checkout failed three times on the night before my sister's birthday. I wrote to the shop, "
              "expecting nothing. Within the hour the owner rang me, took the order by phone, and added a box of "
              "chocolates with a handwritten note. I have ordered from them every year since."),
    "perspective": "customer",
    "business": "Richart Chocolate",
    "industry": "food-and-drink",
    "channel": "online",
    "tags": ["mistake-recovery", "free-of-charge"],
    "month": "2011-11",
    "told_by": "Sam",
    "email": "sam@example.org",
    "consent": "on",
}


def good(**changes: object) -> dict:
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return data


def rows(path: Path, status: str | None = None) -> list[SubmissionRecord]:
    with IntakeStore(path) as store:
        return list(store.records(status))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "intake" / "submissions.sqlite3"


@pytest.fixture
def make_settings(store_path: Path) -> Callable[..., ReceiverSettings]:
    """Settings for the real site (its mkdocs.yml and vocabulary) with a temporary store; no rate limit
    unless a test asks for one."""

    def make(*, allow_origins: tuple[str, ...] = (), site_url: str = SITE + "/", **limits: object) -> ReceiverSettings:
        return receiver_settings(ROOT, store=store_path, site_url=site_url, allow_origins=allow_origins,
                                 limits=Limits(**{"rate": 0, **limits}), environ={})

    return make


@pytest.fixture
def make_client(make_settings) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**options: object) -> TestClient:
        client = TestClient(create_app(make_settings(**options)), base_url=RECEIVER)
        client.__enter__()  # runs the app's lifespan: the store is opened, and closed at the end of the test
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def make_server(make_settings) -> Iterator[Callable[..., BackgroundServer]]:
    """A real receiver (Uvicorn on a loopback port), served from a thread until the end of the test."""
    servers: list[BackgroundServer] = []

    def make(**options) -> BackgroundServer:
        server = BackgroundServer(make_settings(**options)).__enter__()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.__exit__(None, None, None)
