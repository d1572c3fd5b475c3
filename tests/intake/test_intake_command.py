"""`extramile intake` as a person runs it: a real process, a real port, Ctrl+C to stop."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

from .conftest import ROOT, SITE, good, rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_extramile_intake_serves_stores_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    store = tmp_path / "store.sqlite3"
    env = {**os.environ, "EXTRAMILE_ROOT": str(ROOT), "EXTRAMILE_INTAKE_ORIGINS": "https://stories.example.org"}
    process = subprocess.Popen(
        [sys.executable, "-m", "extramile", "intake", "--port", str(port), "--store", str(store),
         "--rate-limit", "5/60"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, body = request(port, "GET", "/health")
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the receiver did not start"
                time.sleep(0.1)
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        payload = json.dumps(good(email="only.in.the.store@example.net")).encode()
        status, body = request(port, "POST", "/submissions", payload,
                               {"Content-Type": "application/json", "Origin": "https://stories.example.org"})
        assert status == 201, body
        status, _ = request(port, "POST", "/submissions", payload, {"Content-Type": "application/json", "Origin": SITE})
        assert status == 200  # the same story again: stored once
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    [record] = rows(store)
    assert record.private["email"] == "only.in.the.store@example.net"
    assert f"submission {record.id} accepted" in err
    assert "https://stories.example.org" in err  # the allowed origins are announced
    assert "only.in.the.store" not in out + err
    assert GOOD_STORY_START not in out + err


GOOD_STORY_START = good()["story"][:40]
