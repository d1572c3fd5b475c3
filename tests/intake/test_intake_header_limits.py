"""Request heads on a real receiver: too large or too many header fields are answered 431 and the connection
closed, whatever part never ends (a field, the URL, the fields, trailers); normal requests are untouched."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from extramile.intake import header_limits
from extramile.intake.config import Limits

from .conftest import ROOT, good, rows
from .realserver import get, post, raw, read_all, stream

MB = 1024 * 1024
HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def answered(data: bytes) -> int:
    return int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else 0


def test_a_2mb_header_is_answered_431_and_the_receiver_goes_on(make_server):
    server = make_server()
    with raw(server) as sock:
        sent, answer = stream(sock, HEAD + b"X-Big: ", b"a" * 65536, 2 * MB, b"\r\n\r\n")
    assert answered(answer) == 431
    assert b"connection: close" in answer.lower()
    assert get(server, "/health") == 200


def test_a_head_over_the_limit_sent_in_one_piece_is_answered_431(make_server):
    server = make_server()
    assert Limits().max_head == 16 * 1024
    with raw(server) as sock:
        sock.sendall(HEAD + b"Cookie: " + b"c" * 20_000 + b"\r\n\r\n")
        answer = read_all(sock)  # ...and then the receiver closes
    assert answered(answer) == 431


def test_200_header_fields_are_answered_431(make_server):
    server = make_server()
    with raw(server) as sock:
        sock.sendall(HEAD + b"".join(b"X-Field-%d: %d\r\n" % (n, n) for n in range(200)) + b"\r\n")
        answer = read_all(sock)
    assert answered(answer) == 431


def test_header_fields_without_end_or_a_url_without_end_are_answered_431(make_server):
    server = make_server()
    with raw(server) as sock:
        _, fields = stream(sock, HEAD, b"X-More: 1\r\n" * 1000, 64 * MB)
    with raw(server) as sock:
        _, url = stream(sock, b"GET /", b"a" * 65536, 64 * MB)
    assert answered(fields) == 431 and answered(url) == 431


def test_trailers_without_end_close_the_connection_and_nothing_is_stored(make_server, store_path):
    server = make_server()
    with raw(server) as sock:
        sent, _ = stream(sock, b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: ", b"t" * 65536, 64 * MB)
    assert sent < 64 * MB  # cut off: the kernel's buffers took what was sent after the receiver stopped reading
    assert rows(store_path) == []


def test_normal_requests_are_untouched_even_with_a_large_cookie_and_many_fields(make_server, store_path):
    server = make_server()
    fields = {f"X-Field-{n}": "v" for n in range(90)}
    assert post(server, good(title="Sent with many fields"), headers={**fields, "Cookie": "c=" + "x" * 12_000})[0] == 303
    assert post(server, good(title="Sent as JSON"), json_body=True)[0] == 201
    assert sorted(r.fields["title"] for r in rows(store_path)) == ["Sent as JSON", "Sent with many fields"]


def test_each_request_on_a_kept_alive_connection_has_its_own_allowance(make_server):
    server = make_server()
    request = HEAD + b"Cookie: " + b"c" * 10_000 + b"\r\n\r\n"  # 10 KB: 30 of them are far over one allowance
    with raw(server) as sock:
        for _ in range(30):
            sock.sendall(request)
            assert answered(sock.recv(65536)) == 200
        sock.sendall(request * 3)  # pipelined, in one piece
        answers = b""
        while answers.count(b"HTTP/1.1 ") < 3:
            answers += sock.recv(65536)
    assert answers.count(b"HTTP/1.1 200 ") == 3


def test_the_upstream_names_relied_on_are_there():
    assert header_limits.missing_names() == []


def test_a_missing_upstream_name_is_noticed(monkeypatch):
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    monkeypatch.delattr(HttpToolsProtocol, "send_400_response")
    assert header_limits.missing_names() == ["HttpToolsProtocol.send_400_response"]


def test_without_those_names_the_receiver_falls_back_to_h11_with_a_bounded_head(make_server, monkeypatch, caplog):
    monkeypatch.setattr(header_limits, "missing_names", lambda: ["HttpToolsProtocol.on_header"])
    caplog.set_level(logging.WARNING, "extramile.intake")
    server = make_server()
    with raw(server) as sock:
        _, answer = stream(sock, HEAD + b"X-Big: ", b"a" * 65536, 2 * MB, b"\r\n\r\n")
    assert answered(answer) in (400, 431)
    assert post(server, good(title="Served by h11"))[0] == 303
    [warning] = [r.getMessage() for r in caplog.records if r.name == "extramile.intake" and r.levelno == logging.WARNING]
    assert "lacks HttpToolsProtocol.on_header" in warning and "h11" in warning


def test_memory_stays_flat_under_50_connections_streaming_endless_headers():
    # benchmarks/intake_header_flood.py, shortened: a real `extramile intake` process, its RSS from /proc.
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "intake_header_flood.py"), "--seconds", "2",
                           "--connections", "50", "--max-rss", "500", "--json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["rss_peak_mb"] - figures["rss_before_mb"] < 30, figures
    assert figures["vmhwm_mb"] - figures["rss_before_mb"] < 30, figures
    assert figures["endings"].get("answered 431", 0) + figures["endings"].get("reset by the receiver", 0) > 50
    assert set(figures["health"]) == {"200"}, figures  # everyone else is still served meanwhile
