"""What the receiver refuses before it looks at a story: the wrong site, too many posts, the wrong type, too much.

Each check is a small function or class with no framework in it, so the rules can be read (and tested) alone;
app.py applies them in order, cheapest first.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable

import anyio

from extramile.intake.config import IntakeConfigError, origin_of

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ACCEPTED_TYPES = (FORM, JSON)


class Refusal(Exception):
    """A request the receiver answers with an error status; `reason` is short, safe to log and to show.
    `field` is the form field the message is about, when there is one (the page shows it next to it)."""

    def __init__(self, status: int, reason: str, message: str, headers: dict[str, str] | None = None, *,
                 field: str | None = None):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.message = message
        self.headers = headers or {}
        self.field = field


def check_origin(origin: str | None, fetch_site: str | None, allowed: frozenset[str]) -> str | None:
    """The caller's origin if it may post, None when the request carries none; Refusal (403) otherwise.

    Browsers send Origin with every POST, so a page on another site cannot post a story in a visitor's name.
    Clients that send neither Origin nor Sec-Fetch-Site are not browsers (curl, scripts): there is no visitor
    to protect, and refusing them would only break the command line.
    """
    if origin is not None:
        try:
            normalised = origin_of(origin)
        except IntakeConfigError:  # "null" (sandboxed frames, file: pages) and anything malformed
            normalised = ""
        if normalised and normalised in allowed:
            return normalised
        raise Refusal(403, "cross-site", "This form can only be sent from the Extra Mile site.")
    if fetch_site in (None, "same-origin", "none"):
        return None
    # A browser that says the request is from another site but hides which one: nothing to check it against.
    raise Refusal(403, "cross-site", "This form can only be sent from the Extra Mile site.")


def media_type(content_type: str | None) -> str:
    """The media type of a request, or Refusal (415) when it is not one the receiver reads."""
    main, _, params = (content_type or "").partition(";")
    kind = main.strip().lower()
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if kind not in ACCEPTED_TYPES or charset not in ("", "utf-8", "utf8"):
        raise Refusal(415, "content-type",
                      "Send the story as a form (application/x-www-form-urlencoded) or as JSON, in UTF-8.")
    return kind


def declared_length(content_length: str | None, limit: int) -> int | None:
    """Content-Length, refused (413) before a byte of the body is read when it is over the limit."""
    if content_length is None:
        return None
    if not content_length.strip().isdigit():
        raise Refusal(400, "bad-length", "The request's Content-Length is not a number.")
    length = int(content_length)
    if length > limit:
        raise Refusal(413, "too-large", too_large_message(limit))
    return length


def too_large_message(limit: int) -> str:
    return f"The story is too long to send: at most {limit // 1024} KB. Shorten it and send it again."


async def read_limited(chunks: AsyncIterator[bytes], limit: int, timeout: float) -> bytes:
    """The whole body, or Refusal: 413 as soon as it passes the limit (chunked or lying about its length),
    408 when the client is too slow. Only this request waits: everyone else is served meanwhile."""
    parts: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise Refusal(413, "too-large", too_large_message(limit))
                parts.append(chunk)
    except TimeoutError:
        raise Refusal(408, "slow-body", "The story took too long to arrive. Send it again.") from None
    return b"".join(parts)


class RateLimiter:
    """At most `rate` posts per `window` seconds from one address, as a token bucket: a burst of `rate` is
    allowed, then one post each window/rate seconds. Kept in memory: the receiver is one process."""

    def __init__(self, rate: int, window: float, *, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 100_000):
        self.rate = rate
        self.refill = rate / window if rate and window > 0 else 0.0
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when)

    def retry_after(self, address: str) -> int:
        """0 when `address` may post now (and the post is counted), else whole seconds to wait."""
        if not self.rate:
            return 0
        now = self.clock()
        tokens, then = self._buckets.get(address, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - then) * self.refill)
        if tokens >= 1.0:
            self._buckets[address] = (tokens - 1.0, now)
            if len(self._buckets) > self.max_clients:
                self._forget(now)
            return 0
        self._buckets[address] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / self.refill))

    def _forget(self, now: float) -> None:
        # Addresses whose bucket has refilled are the same as unknown ones: dropping them loses nothing.
        # If a flood of new addresses leaves none to drop, the oldest half goes: memory stays bounded.
        full = [key for key, (tokens, then) in self._buckets.items()
                if tokens + (now - then) * self.refill >= self.rate]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) > self.max_clients:
            for key in list(self._buckets)[: len(self._buckets) // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
