"""Talking to a real receiver on a loopback port: whole requests with http.client, raw bytes with sockets."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlencode

from extramile.intake.server import BackgroundServer

from .conftest import SITE


def post(server: BackgroundServer, fields: dict, *, json_body: bool = False, headers: dict | None = None,
         timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        if json_body:
            body, kind = json.dumps(fields).encode(), "application/json"
        else:
            body, kind = urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded"
        connection.request("POST", "/submissions", body=body,
                           headers={"Content-Type": kind, "Origin": SITE, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def get(server: BackgroundServer, path: str, timeout: float = 5) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def raw(server: BackgroundServer, timeout: float = 5) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    return sock


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def send(server: BackgroundServer, body: bytes, content_type: str, *, headers: dict | None = None,
         timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """POST a body exactly as given (the tests of malformed bodies)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request("POST", "/submissions", body=body,
                           headers={"Content-Type": content_type, "Origin": SITE, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def stream(sock: socket.socket, start: bytes, filler: bytes, most: int, end: bytes = b"") -> tuple[int, bytes]:
    """Send `start`, then `filler` until the receiver answers or closes or `most` bytes went, then `end`:
    (bytes of filler sent, what the receiver answered; b"" when it closed without a word)."""
    sent = 0
    try:
        sock.sendall(start)
        while sent < most:
            sock.sendall(filler)
            sent += len(filler)
        sock.sendall(end)
    except (BrokenPipeError, ConnectionResetError):  # closed by the receiver while we were still sending
        pass
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except ConnectionResetError:  # the receiver closed with our bytes unread: its answer came before the reset
        pass
    return sent, answer
