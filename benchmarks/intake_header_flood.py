"""How much memory the intake receiver holds while clients stream request heads that never end.

    .venv/bin/python benchmarks/intake_header_flood.py [--seconds 5] [--connections 50]
                                                       [--mode field|fields|url|trailer] [--max-rss MB] [--json]

Starts `extramile intake` as its own process on a free loopback port with a temporary store, then opens N
connections that each send a request line and then, 64 KB at a time, one header field that never ends
(--mode field), header fields without end (fields), a URL without end (url) or trailers without end after a
chunked body (trailer). Whenever the receiver closes a connection another one starts, until --seconds have
passed. Meanwhile it reads the receiver's memory from /proc/PID/status every 50 ms and asks GET /health every
200 ms. It prints the receiver's RSS before, its peak during the flood (sampled VmRSS and the kernel's VmHWM),
how the attacking connections ended (the MB "offered" were handed to the sockets; the receiver reads only a
little of them before it refuses), and how /health was answered meanwhile.

It stops by itself after --seconds, or as soon as the receiver's RSS passes --max-rss MB (without limits the
receiver would otherwise take the machine's memory). Loopback only. It prints figures; tests/intake runs a
short version and checks the growth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILLER = b"a" * 65536
STARTS = {
    "field": b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ",
    "fields": b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "url": b"GET /",
    "trailer": (b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Flood: "),
}
FIELDS = b"".join(b"X-Flood-%d: %s\r\n" % (n, b"a" * 48) for n in range(1024))  # 64 KB of short fields


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (the peak RSS) of a process, in MB."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) / 1024
    return found


class Tally:
    def __init__(self) -> None:
        self.opened = 0
        self.endings: dict[str, int] = {}
        self.offered = 0
        self.health: dict[str, int] = {}
        self.health_slowest = 0.0
        self.peak_rss = 0.0

    def ended(self, how: str) -> None:
        self.endings[how] = self.endings.get(how, 0) + 1


async def attacker(port: int, mode: str, stop: asyncio.Event, tally: Tally) -> None:
    filler = FIELDS if mode == "fields" else FILLER
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            tally.ended("connect failed")
            await asyncio.sleep(0.05)
            continue
        tally.opened += 1
        answer = asyncio.ensure_future(reader.read(64))
        how = "still sending at the end"
        try:
            writer.write(STARTS[mode])
            while not stop.is_set() and not answer.done():
                writer.write(filler)
                tally.offered += len(filler)
                await writer.drain()
            if answer.done():
                first = answer.result()
                how = f"answered {first[9:12].decode('ascii', 'replace')}" if first else "closed without an answer"
        except (ConnectionError, OSError):
            how = "reset by the receiver"
            if answer.done() and not answer.exception() and answer.result():
                how = f"answered {answer.result()[9:12].decode('ascii', 'replace')}"
        finally:
            answer.cancel()
            writer.close()
        tally.ended(how)


async def watch(pid: int, max_rss: float, stop: asyncio.Event, tally: Tally) -> None:
    while not stop.is_set():
        rss = memory(pid)["VmRSS"]
        tally.peak_rss = max(tally.peak_rss, rss)
        if rss > max_rss:
            tally.ended(f"stopped: receiver passed {max_rss:g} MB")
            stop.set()
        await asyncio.sleep(0.05)


async def probe(port: int, stop: asyncio.Event, tally: Tally) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            status = (await asyncio.wait_for(reader.read(12), 5))[9:12].decode("ascii", "replace") or "closed"
            writer.close()
        except (OSError, asyncio.TimeoutError):
            status = "failed"
        tally.health[status] = tally.health.get(status, 0) + 1
        tally.health_slowest = max(tally.health_slowest, time.perf_counter() - began)
        await asyncio.sleep(0.2)


async def flood(port: int, pid: int, seconds: float, connections: int, mode: str, max_rss: float) -> Tally:
    tally, stop = Tally(), asyncio.Event()
    tasks = [asyncio.ensure_future(attacker(port, mode, stop, tally)) for _ in range(connections)]
    tasks += [asyncio.ensure_future(watch(pid, max_rss, stop, tally)), asyncio.ensure_future(probe(port, stop, tally))]
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        pass
    stop.set()
    _, late = await asyncio.wait(tasks, timeout=10)  # each loop ends at its next write or read
    for task in late:
        task.cancel()
    return tally


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=50, help="attacking connections at once (default 50)")
    parser.add_argument("--mode", choices=sorted(STARTS), default="field", help="what never ends (default: field)")
    parser.add_argument("--max-rss", type=float, default=1024, metavar="MB",
                        help="stop early when the receiver's RSS passes this (default 1024)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [sys.executable, "-m", "extramile", "intake", "--port", str(port), "--store", str(Path(folder) / "s.sqlite3"),
             "--rate-limit", "off"],
            cwd=ROOT, env={**os.environ, "EXTRAMILE_ROOT": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(port, server)
            before = memory(server.pid)["VmRSS"]
            tally = asyncio.run(flood(port, server.pid, args.seconds, args.connections, args.mode, args.max_rss))
            time.sleep(0.5)  # the last closed connections are freed
            after = memory(server.pid)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    figures = {"mode": args.mode, "connections": args.connections, "seconds": args.seconds,
               "rss_before_mb": round(before, 1), "rss_peak_mb": round(max(tally.peak_rss, after["VmRSS"]), 1),
               "vmhwm_mb": round(after["VmHWM"], 1), "rss_after_mb": round(after["VmRSS"], 1),
               "opened": tally.opened, "endings": tally.endings, "offered_mb": round(tally.offered / 2**20),
               "health": tally.health, "health_slowest_ms": round(tally.health_slowest * 1000, 1)}
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"intake header flood: {args.connections} connections, mode {args.mode}, {args.seconds:g} s, "
          f"{os.cpu_count()} CPUs")
    print(f"  receiver RSS (MB)      : {figures['rss_before_mb']} before, peak {figures['rss_peak_mb']} "
          f"(VmHWM {figures['vmhwm_mb']}), {figures['rss_after_mb']} after")
    print(f"  attacking connections  : {tally.opened} opened, {figures['offered_mb']} MB offered; "
          f"{dict(sorted(tally.endings.items()))}")
    print(f"  GET /health meanwhile  : {dict(sorted(tally.health.items()))}; slowest "
          f"{figures['health_slowest_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
