"""Where the receiver's notifications land in tests: a tiny SMTP server and a webhook endpoint, both on loopback.

SmtpSink speaks just enough SMTP (RFC 5321: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for
smtplib to deliver a message, on an asyncio loop in its own thread; `smtpd` is gone from newer Pythons and
aiosmtpd is not a dependency. WebhookSink records each POST's body and answers the statuses it is given.
Both keep what they received for the test to read, and wait for it with a deadline, never forever.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import http.server
import json
import socket
import threading
import time
from email.message import EmailMessage


def wait_for(condition, timeout: float = 10.0, interval: float = 0.02) -> bool:
    """Poll until `condition()` is true or `timeout` seconds went; says which."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go): connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """with SmtpSink() as smtp: ... smtp.port ... smtp.messages: [(mail_from, [rcpt, ...], EmailMessage)]

    silent=True accepts connections and never says a word (a server that hangs)."""

    def __init__(self, *, silent: bool = False):
        self.silent = silent
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="smtp-sink", daemon=True)
        self._server: asyncio.base_events.Server | None = None

    def __enter__(self) -> "SmtpSink":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks(self._loop):
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.silent:
            await reader.read()  # until the client gives up
            writer.close()
            return

        async def say(line: str) -> None:
            writer.write(line.encode("ascii") + b"\r\n")
            await writer.drain()

        mail_from, rcpts = "", []
        try:
            await say("220 sink.test ESMTP ready")
            while line := await asyncio.wait_for(reader.readline(), 10):
                command = line.decode("ascii", "replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    await say("250-sink.test")
                    await say("250 8BITMIME")
                elif verb == "HELO":
                    await say("250 sink.test")
                elif verb == "MAIL":
                    mail_from, rcpts = command.split(":", 1)[1].strip().split()[0].strip("<>"), []
                    await say("250 OK")
                elif verb == "RCPT":
                    rcpts.append(command.split(":", 1)[1].strip().strip("<>"))
                    await say("250 OK")
                elif verb == "DATA":
                    await say("354 End data with <CR><LF>.<CR><LF>")
                    data = bytearray()
                    while (chunk := await reader.readline()) not in (b".\r\n", b".\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk  # undo dot-stuffing
                    parsed = email.message_from_bytes(bytes(data), policy=email.policy.default)
                    self.messages.append((mail_from, rcpts, parsed))  # type: ignore[arg-type]
                    await say("250 OK queued")
                elif verb in ("RSET", "NOOP"):
                    await say("250 OK")
                elif verb == "QUIT":
                    await say("221 Bye")
                    break
                else:
                    await say("502 Command not implemented")
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()


class WebhookSink:
    """with WebhookSink(statuses=[500, 200]) as hook: ... hook.url ... hook.posts: [(path, headers, json)]

    Answers each POST with the next of `statuses`, then with the last one for good."""

    def __init__(self, statuses: tuple[int, ...] = (200,)):
        self.statuses = list(statuses)
        self.posts: list[tuple[str, dict[str, str], object]] = []
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = sink.statuses.pop(0) if len(sink.statuses) > 1 else sink.statuses[0]
                sink.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self.server.serve_forever, name="webhook-sink", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/extramile?channel=editors"

    def __enter__(self) -> "WebhookSink":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)
