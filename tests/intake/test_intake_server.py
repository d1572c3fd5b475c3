"""The receiver on a real loopback port: concurrency, slow clients, bodies refused before they are read."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .conftest import good, rows
from .realserver import get, post, raw, read_all


def test_fifty_concurrent_posts_make_fifty_rows_none_lost_none_doubled(make_server, store_path):
    server = make_server()
    start = threading.Barrier(50)

    def send(n: int) -> int:
        start.wait()
        return post(server, good(title=f"Concurrent story number {n}"), json_body=n % 2 == 0)[0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(send, range(50)))
    assert sorted(set(statuses)) == [201, 303]
    stored = rows(store_path)
    assert len(stored) == 50
    assert sorted(r.fields["title"] for r in stored) == sorted(f"Concurrent story number {n}" for n in range(50))
    assert len({r.id for r in stored}) == 50


def test_the_same_post_sent_ten_times_at_once_is_stored_once(make_server, store_path):
    server = make_server()
    start = threading.Barrier(10)

    def send(_: int) -> tuple[int, str]:
        start.wait()
        status, _, body = post(server, good(title="Double click"), json_body=True)
        return status, json.loads(body)["id"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, range(10)))
    [record] = rows(store_path)
    assert sorted(status for status, _ in answers) == [200] * 9 + [201]
    assert {answer_id for _, answer_id in answers} == {record.id}


def test_a_huge_declared_body_is_refused_413_before_it_is_sent(make_server, store_path):
    server = make_server()
    with raw(server) as sock:
        sock.sendall(b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 50000000\r\n\r\n")
        answer = read_all(sock)  # not one byte of the 50 MB was sent
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert rows(store_path) == []


def test_a_chunked_body_is_cut_off_with_413_as_soon_as_it_passes_the_limit(make_server, store_path):
    server = make_server(max_body=8192)
    sent = 0
    answer = b""
    with raw(server) as sock:
        sock.sendall(b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        sock.settimeout(0.05)
        for _ in range(100):  # up to 100 KB offered, 1 KB at a time
            chunk = b"x" * 1024
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                answer += sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if answer:
                break
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert sent < 20 * 1024
    assert rows(store_path) == []


def test_a_client_slow_to_send_its_headers_is_cut_off_and_blocks_nobody(make_server, store_path):
    server = make_server(header_timeout=0.5)
    with raw(server) as slow:
        slow.sendall(b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # ...and then nothing more
        began = time.monotonic()
        # Others are served meanwhile, at once.
        assert post(server, good(title="While someone dawdles"))[0] == 303
        assert get(server, "/health") == 200
        assert time.monotonic() - began < 0.5
        assert read_all(slow) == b""  # closed by the receiver
        waited = time.monotonic() - began
    assert 0.3 < waited < 3
    assert [r.fields["title"] for r in rows(store_path)] == ["While someone dawdles"]


def test_a_client_slow_to_send_its_body_gets_408_and_blocks_nobody(make_server, store_path):
    server = make_server(body_timeout=0.5)
    with raw(server) as slow:
        slow.sendall(b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"title\": ")
        began = time.monotonic()
        assert post(server, good(title="While someone else types"), json_body=True)[0] == 201
        assert time.monotonic() - began < 0.5
        answer = read_all(slow)
        waited = time.monotonic() - began
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert 0.3 < waited < 3
    assert [r.fields["title"] for r in rows(store_path)] == ["While someone else types"]


def test_the_rate_limit_counts_each_client_address_behind_a_local_proxy(make_server, store_path):
    server = make_server(rate=2, rate_window=60)
    first = [post(server, good(title=f"From A {n}"), headers={"X-Forwarded-For": "203.0.113.1"})[0] for n in range(3)]
    other = post(server, good(title="From B"), headers={"X-Forwarded-For": "203.0.113.2"})
    assert first[:2] == [303, 303] and first[2] == 429
    assert other[0] == 303
    assert {r.private["ip"] for r in rows(store_path)} == {"203.0.113.1", "203.0.113.2"}
