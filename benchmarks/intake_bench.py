"""How many stories the intake receiver takes per second, how fast it answers, and that none is lost.

    .venv/bin/python benchmarks/intake_bench.py [--seconds 30] [--concurrency 16] [--rate N] [--form]

Starts `extramile intake` as its own process (as `make serve` does) on a free loopback port with a fresh store
and the rate limit off (every post comes from one address here), then posts distinct valid stories for the
given time over keep-alive connections and prints throughput, latency percentiles, and the rows found in the
store afterwards against the posts the receiver acknowledged. Without --rate the clients post as fast as the
receiver answers (the most it sustains); with --rate N they offer N posts per second (latency at that load).

Targets on a 2-core machine: >= 300 submissions/s, p99 < 100 ms, zero lost. It prints figures; it is not a
test (CI machines vary too much for a timing to pass or fail a build).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "http://127.0.0.1:8000"
STORY = ("The checkout failed three times on the night before my sister's birthday. I wrote to the shop, expecting "
         "nothing. Within the hour the owner rang me, took the order by phone, and added a box of chocolates with a "
         "handwritten note. I have ordered from them every year since. ")


def submission(n: int) -> dict:
    return {"title": f"Benchmark story number {n}", "story": STORY * 2 + f"(Story {n}.)", "perspective": "customer",
            "business": "Benchmark Bakery", "industry": "food-and-drink", "channel": "online",
            "tags": ["loyalty", "personal-touch"], "month": "2020-05", "told_by": "Bench", "anonymous": False,
            "email": f"bench{n}@example.org", "consent": True, "website": ""}


def encode(n: int, form: bool, port: int) -> bytes:
    data = submission(n)
    if form:  # as a browser without the page's script posts: answered 303 to the thank-you page
        data = {**data, "anonymous": "", "consent": "on"}
        body, kind, accept = urlencode(data, doseq=True).encode(), "application/x-www-form-urlencoded", "text/html"
    else:
        body, kind, accept = json.dumps(data).encode(), "application/json", "application/json"
    head = (f"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {ORIGIN}\r\n"
            f"Content-Type: {kind}\r\nAccept: {accept}\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.failures = 0
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next


async def client(port: int, tally: Tally, stop_at: float, form: bool, pace: asyncio.Queue | None) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            if pace is not None:
                due = await pace.get()
                if due is None:
                    return
            request = encode(tally.take(), form, port)
            began = time.perf_counter() if pace is None else due
            try:
                writer.write(request)
                status = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                tally.failures += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            tally.latencies.append(time.perf_counter() - began)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def pacer(queue: asyncio.Queue, rate: float, seconds: float, clients: int) -> None:
    # Open loop: posts are due at a fixed rate whether or not earlier ones were answered, and latency is
    # counted from when a post was due, so a receiver that falls behind shows it.
    interval = 1.0 / rate
    start = time.perf_counter()
    for n in range(round(rate * seconds)):
        due = start + n * interval
        now = time.perf_counter()
        if due > now:
            await asyncio.sleep(due - now)
        queue.put_nowait(due)
    for _ in range(clients):
        queue.put_nowait(None)


async def load(port: int, seconds: float, concurrency: int, rate: float | None, form: bool) -> tuple[Tally, float]:
    tally = Tally()
    began = time.perf_counter()
    stop_at = began + seconds
    queue: asyncio.Queue | None = asyncio.Queue() if rate else None
    tasks = [asyncio.create_task(client(port, tally, stop_at + (5 if rate else 0), form, queue))
             for _ in range(concurrency)]
    if rate:
        tasks.append(asyncio.create_task(pacer(queue, rate, seconds, concurrency)))
    await asyncio.gather(*tasks)
    return tally, time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the receiver exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the receiver did not start")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections (default 16)")
    parser.add_argument("--rate", type=float, default=None, help="offer this many posts per second (open loop)")
    parser.add_argument("--form", action="store_true", help="post form-encoded (no script) instead of JSON")
    args = parser.parse_args(argv)

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "EXTRAMILE_ROOT": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-m", "extramile", "intake", "--port", str(port), "--store", str(store),
             "--rate-limit", "off"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(port, server)
            try:
                import uvloop  # the client should not be the bottleneck
                runner = uvloop.run
            except ImportError:
                runner = asyncio.run
            tally, elapsed = runner(load(port, args.seconds, args.concurrency, args.rate, args.form))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        with sqlite3.connect(store) as db:
            rows = db.execute("SELECT count(*), count(DISTINCT fingerprint) FROM submissions"
                              " WHERE status = 'accepted'").fetchone()
        db.close()

    ok_status = 303 if args.form else 201
    acknowledged = tally.statuses.get(ok_status, 0)
    # Open loop: posts were offered during the given seconds only; the time after is waiting for the last answers.
    per_second = acknowledged / (args.seconds if args.rate else elapsed)
    answered = len(tally.latencies)
    lost = acknowledged - rows[0]
    ms = [latency * 1000 for latency in tally.latencies]
    mode = f"open loop at {args.rate:g}/s" if args.rate else f"closed loop, {args.concurrency} connections"
    print(f"intake benchmark: {'form-encoded' if args.form else 'JSON'} posts, {mode}, {args.seconds:g} s, "
          f"{os.cpu_count()} CPUs")
    print(f"  submissions acknowledged : {acknowledged} ({per_second:.0f}/s sustained)")
    print(f"  latency (ms)             : p50 {percentile(ms, .50):.1f}  p90 {percentile(ms, .90):.1f}  "
          f"p99 {percentile(ms, .99):.1f}  max {max(ms, default=float('nan')):.1f}  "
          f"mean {statistics.fmean(ms) if ms else float('nan'):.1f}")
    print(f"  answers by status        : {dict(sorted(tally.statuses.items()))}; connection failures {tally.failures}")
    print(f"  rows in the store        : {rows[0]} ({rows[1]} distinct); lost {lost}; doubled {rows[0] - rows[1]}")
    met = round(per_second) >= 300 and percentile(ms, .99) < 100 and lost == 0 and answered == acknowledged
    print(f"  target (>= 300/s, p99 < 100 ms, none lost): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
