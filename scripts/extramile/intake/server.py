"""Serving the receiver: Uvicorn, one process, with limits on slow and oversized request heads.

One process on purpose: the rate limit is kept in memory and SQLite takes one writer at a time, and one
asyncio process serves far more submissions than a site's form will ever get (see benchmarks/intake_bench.py).

Uvicorn closes idle keep-alive connections but waits forever for a request's headers, and keeps headers of
any size; header_limits.py adds a deadline (a client trickling bytes, slowloris, is cut off instead of holding
a connection) and limits on the head's size and number of fields (431). A slow body is the app's business
(protection.read_limited answers 408). Either way only that client waits: the event loop serves everyone else
meanwhile.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from typing import Any

import uvicorn

from extramile.intake.app import create_app
from extramile.intake.config import ReceiverSettings
from extramile.intake.header_limits import http_protocol


def uvicorn_config(settings: ReceiverSettings, *, access_log: bool = False, log_level: str = "info",
                   log_config: Any = uvicorn.config.LOGGING_CONFIG,
                   forwarded_allow_ips: str | None = None) -> uvicorn.Config:
    http, http_options = http_protocol(settings.limits)
    return uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        http=http,
        **http_options,
        loop="auto",  # uvloop when installed
        lifespan="on",
        # The access log holds client addresses and paths; off unless asked for. Bodies are never logged.
        access_log=access_log,
        log_level=log_level,
        log_config=log_config,
        # Behind a reverse proxy on the same machine the client's address comes from X-Forwarded-For
        # (the rate limit needs it); from anywhere else that header is ignored.
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips or "127.0.0.1,::1",
        server_header=False,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        backlog=1024,
    )


def serve(settings: ReceiverSettings, **options: Any) -> None:
    """Run the receiver in the foreground until Ctrl+C or SIGTERM."""
    try:
        uvicorn.Server(uvicorn_config(settings, **options)).run()
    except KeyboardInterrupt:  # Uvicorn has shut down gracefully, then passes Ctrl+C on: that is a normal stop
        pass


def loopback_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket on a free port: bound before anything needs its address, so no other process can
    take the port in between."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class BackgroundServer:
    """A real receiver on a socket, served from a thread: for tests and the benchmark.

    with BackgroundServer(settings) as server: ... server.url ...
    """

    def __init__(self, settings: ReceiverSettings, sock: socket.socket | None = None, **options: Any):
        self.sock = sock or loopback_socket(settings.host)
        self.options = {"log_config": None, **options}
        # The receiver knows its own origin from its settings (see ReceiverSettings.receiver_origins).
        self.settings = replace(settings, host=self.sock.getsockname()[0], port=self.sock.getsockname()[1])
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{self.sock.getsockname()[0]}:{self.port}"

    def __enter__(self) -> "BackgroundServer":
        self.server = uvicorn.Server(uvicorn_config(self.settings, **self.options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="intake-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError("the intake receiver did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=20)
        self.sock.close()
