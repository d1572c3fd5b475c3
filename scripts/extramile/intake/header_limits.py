"""Limits on the head of a request: its size, its number of fields and how long it may take to arrive.

Why: httptools (llhttp) parses bytes as they arrive and has no limit of its own, and Uvicorn's
HttpToolsProtocol keeps the URL and every header field in memory until the head ends. A client that never
ends it (one endless field, an endless URL, endless small fields, or endless trailers after a chunked body)
grew the receiver by hundreds of MB in seconds, and a 2 MB header was answered 200. Here each connection
counts, per request, the bytes that are not body (request line, header fields, chunk framing, trailers) and
the header fields; past `Limits.max_head` bytes or `Limits.max_headers` fields it answers
431 Request Header Fields Too Large and closes, before the next chunk is read. It also closes a connection
whose head takes longer than `Limits.header_timeout` (slowloris): Uvicorn waits forever for one.

This is the only module that touches Uvicorn's private names. Written against uvicorn 0.54.0 and
httptools 0.9.0, it relies on:

- `uvicorn.protocols.http.httptools_impl.HttpToolsProtocol`: the methods connection_made, data_received,
  connection_lost, on_url, on_header, on_headers_complete, on_body, on_message_complete and
  send_400_response (data_received must call it when the parser fails); the attributes its __init__ sets:
  transport, loop, cycle, pipeline;
- `uvicorn.protocols.http.httptools_impl.RequestResponseCycle`, whose __init__ sets response_complete;
- `httptools`: an exception raised in a parser callback stops the parser, and feed_data raises
  HttpParserError (that is how a field over the count stops at once).

`http_protocol()` checks them every time a server is configured. If one is missing it logs one warning and
falls back to Uvicorn's own h11 protocol with `h11_max_incomplete_event_size = max_head`: an oversized head
is answered 400 and memory stays bounded, but fields are not counted and a slow head is not cut off.
"""

from __future__ import annotations

import asyncio
import dis
import logging
from typing import Any

from extramile.intake.config import Limits

log = logging.getLogger("extramile.intake")

_METHODS = ("connection_made", "data_received", "connection_lost", "on_url", "on_header", "on_headers_complete",
            "on_body", "on_message_complete", "send_400_response")
_ATTRIBUTES = ("transport", "loop", "cycle", "pipeline")

_MESSAGE = b"The request's header fields are too large or too many.\n"
_ANSWER_431 = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
               b"content-length: %d\r\nconnection: close\r\ncache-control: no-store\r\n"
               b"x-content-type-options: nosniff\r\n\r\n%s" % (len(_MESSAGE), _MESSAGE))


def http_protocol(limits: Limits) -> tuple[type[asyncio.Protocol] | str, dict[str, Any]]:
    """Uvicorn's `http` setting for the receiver, and any other uvicorn.Config options it needs."""
    missing = missing_names()
    if missing:
        import uvicorn

        log.warning("uvicorn %s lacks %s: serving with its h11 protocol instead, request heads limited to %d bytes "
                    "but header fields not counted and slow heads not cut off", uvicorn.__version__,
                    ", ".join(missing), limits.max_head)
        return "h11", {"h11_max_incomplete_event_size": limits.max_head}
    return limited_protocol(limits), {}


def missing_names() -> list[str]:
    """The upstream names this module relies on that are not there (an empty list when all are)."""
    try:
        import httptools
        from uvicorn.protocols.http import httptools_impl
    except ImportError as error:
        return [f"{error.name} (cannot be imported)"]
    protocol = getattr(httptools_impl, "HttpToolsProtocol", None)
    cycle = getattr(httptools_impl, "RequestResponseCycle", None)
    if protocol is None or cycle is None or not hasattr(httptools, "HttpParserError"):
        return ["httptools_impl.HttpToolsProtocol, RequestResponseCycle or httptools.HttpParserError"]
    missing = [f"HttpToolsProtocol.{name}" for name in _METHODS if not callable(getattr(protocol, name, None))]
    if missing:
        return missing
    # Instance attributes exist only once a connection is made: look for the assignments in __init__'s code.
    missing += [f"HttpToolsProtocol.{name}" for name in _ATTRIBUTES if name not in _stored(protocol.__init__)]
    if "response_complete" not in _stored(cycle.__init__):
        missing.append("RequestResponseCycle.response_complete")
    if "send_400_response" not in _loaded(protocol.data_received):
        missing.append("HttpToolsProtocol.data_received calling send_400_response")
    return missing


def _stored(function: Any) -> set[str]:
    return {i.argval for i in dis.get_instructions(function) if i.opname == "STORE_ATTR"}


def _loaded(function: Any) -> set[str]:
    return {i.argval for i in dis.get_instructions(function) if i.opname in ("LOAD_ATTR", "LOAD_METHOD")}


class _Refused(Exception):
    """Raised in a parser callback: httptools stops at once and Uvicorn calls send_400_response."""


def limited_protocol(limits: Limits) -> type[asyncio.Protocol]:
    """Uvicorn's httptools protocol with the limits above (call only when missing_names() is empty)."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    max_head, max_headers, header_timeout = limits.max_head, limits.max_headers, limits.header_timeout

    class LimitedHeadProtocol(HttpToolsProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._deadline: asyncio.TimerHandle | None = None
            self._refusal = ""
            self._next_request()
            super().connection_made(transport)
            self._arm()

        def _next_request(self) -> None:
            self._extra = 0  # bytes of this request that are not body, as received (framing and trailers too)
            self._head = 0  # bytes of its URL and fields, as parsed
            self._fields = 0

        def data_received(self, data: bytes) -> None:
            # Counted before the parser sees them, taken back by on_body for the body's bytes. What follows
            # the end of a request in the same chunk is not counted: at most one chunk, and never credited.
            self._extra = max(self._extra, 0) + len(data)
            super().data_received(data)
            if self.transport.is_closing():
                self._disarm()
            elif self._extra > max_head:  # a head, or trailers, still growing: stop before the next chunk
                self._refuse("request head too large")
            elif self._in_request():
                self._disarm()
            elif self._deadline is None:  # the first bytes of the next request on a kept-alive connection
                self._arm()

        def on_url(self, url: bytes) -> None:
            self._head += len(url)
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._fields += 1
            self._head += len(name) + len(value) + 4  # ": " and CRLF
            if self._fields > max_headers:
                self._stop("too many header fields")
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            # A head that arrived whole in one chunk is measured here, before its request starts.
            if self._head > max_head:
                self._stop("request head too large")
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            self._extra -= len(body)
            super().on_body(body)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._next_request()

        def send_400_response(self, msg: str) -> None:
            if self._refusal:  # our callback stopped the parser; Uvicorn has logged it as an invalid request
                self._refuse(self._refusal)
            else:
                super().send_400_response(msg)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _stop(self, reason: str) -> None:
            self._refusal = reason
            raise _Refused(reason)

        def _refuse(self, reason: str) -> None:
            log.info("refused: %s (431)", reason)
            # While the app handles a request (pipelined, or trailers after a body) the connection's next bytes
            # are the app's answer: no room for ours, so the connection is only closed.
            if not self._in_request():
                self.transport.write(_ANSWER_431)
            self.transport.close()
            self._disarm()

        def _in_request(self) -> bool:
            # Uvicorn makes a new cycle once a request's headers are complete.
            cycle = self.cycle
            return cycle is not None and not cycle.response_complete

        def _arm(self) -> None:
            self._deadline = self.loop.call_later(header_timeout, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if not self._in_request() and not self.pipeline and not self.transport.is_closing():
                self.transport.close()

    return LimitedHeadProtocol
