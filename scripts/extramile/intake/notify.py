"""Telling the editors that a story arrived: an e-mail and/or a webhook, sent in the background.

The submission is stored and answered first: app.py hands the notice over as the answer's background task,
which Starlette runs once the answer's last byte has gone out, and all it does is put the notice in a queue.
One worker thread sends what is queued, so a slow or dead mail server holds no request, neither the event loop
nor the store's thread. A failed try is tried again later, after a delay that doubles each time, a bounded
number of times; every outcome is logged, by submission id and channel (never an address).

What leaves the machine is the reference, the title and when the story came, never the IP address or the user
agent; the sender's e-mail address only as the editors' mail's Reply-To, so that an editor can answer them.
Spam and a story sent twice are not notified (app.py decides that).
"""

from __future__ import annotations

import base64
import datetime as dt
import heapq
import http.client
import itertools
import json
import logging
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from extramile.intake.config import EmailNotice, NotifySettings

log = logging.getLogger("extramile.intake")
MAX_DELAY = 3600.0  # seconds: the longest wait between two tries
MAX_PENDING = 1000  # tries waiting at once; past it a new notice is dropped (and logged), memory stays bounded
STOP_GRACE = 5.0  # seconds the receiver's shutdown gives the tries that are due
SITE_NAME = "Extra Mile"


@dataclass(frozen=True)
class Notice:
    """One stored submission, as the editors hear of it."""

    id: str
    title: str
    received: str  # ISO 8601, UTC
    reply_to: str = field(default="", repr=False)  # the sender's address, if given: the e-mail's Reply-To only

    def public(self) -> dict:
        """The webhook's JSON: nothing private."""
        return {"id": self.id, "title": self.title, "received": self.received, "state": "received"}


class NotifyError(Exception):
    """A try that failed with an answer worth logging as it is (an HTTP status)."""


class Notifier:
    """The queue and its worker thread: start() once, submitted()/enqueue() per stored submission, stop() once."""

    def __init__(self, settings: NotifySettings, *, site_name: str = SITE_NAME, max_pending: int = MAX_PENDING):
        self.settings = settings
        self.site_name = site_name
        self.max_pending = max_pending
        self.channels = [name for name, on in (("e-mail", settings.email), ("webhook", settings.webhook)) if on]
        # (due, order, channel, notice, try): a heap, so that a retry an hour away never holds up a new notice.
        self._jobs: list[tuple[float, int, str, Notice, int]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._stopping = False
        self._deadline = float("inf")
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="intake-notify", daemon=True)
        self._thread.start()

    async def submitted(self, notice: Notice) -> None:
        """The answer's background task. A coroutine, so that Starlette runs it on the event loop rather than in
        its thread pool: it only takes a lock to queue the notice, which is quicker than a thread hop."""
        self.enqueue(notice)

    def enqueue(self, notice: Notice) -> None:
        with self._wake:
            if self._stopping:
                log.warning("notification for submission %s not sent: the receiver is stopping", notice.id)
                return
            if len(self._jobs) + len(self.channels) > self.max_pending:
                log.error("notification for submission %s not sent: %d tries are already waiting", notice.id,
                          len(self._jobs))
                return
            now = time.monotonic()
            for channel in self.channels:
                heapq.heappush(self._jobs, (now, next(self._order), channel, notice, 1))
            self._wake.notify()

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Send what falls due within `grace` seconds, then stop; tries left are logged as not sent. Blocking:
        the app calls it from a thread, so the event loop stays free while the last tries go."""
        with self._wake:
            self._stopping = True
            self._deadline = time.monotonic() + grace
            self._wake.notify()
        if self._thread is not None:
            # A try under way may still be waiting on its server; the thread is a daemon, so it is left behind.
            self._thread.join(grace + self.settings.timeout)
            if self._thread.is_alive():
                log.warning("notifications: a try was still under way at shutdown and was abandoned")

    def pending(self) -> int:
        with self._wake:
            return len(self._jobs)

    # -- the worker --------------------------------------------------------------------------------------------

    def _run(self) -> None:
        while (job := self._next()) is not None:
            _, _, channel, notice, attempt = job
            try:
                self._send(channel, notice)
            except Exception as error:  # noqa: BLE001 - whatever one try does, it is logged and never stops the worker
                self._failed(job, error)
            else:
                log.info("notification: %s for submission %s sent (try %d)", channel, notice.id, attempt)
        with self._wake:
            left, self._jobs = sorted(self._jobs), []
        for _, _, channel, notice, attempt in left:
            log.warning("notification: %s for submission %s not sent: the receiver stopped (%d of %d tries made)",
                        channel, notice.id, attempt - 1, self.settings.attempts)

    def _next(self) -> tuple[float, int, str, Notice, int] | None:
        """The next try once it is due; None when stopping and nothing more falls due before the deadline."""
        with self._wake:
            while True:
                now = time.monotonic()
                due = self._jobs[0][0] if self._jobs else None
                if self._stopping and (now >= self._deadline or due is None or due > self._deadline):
                    return None
                if due is not None and due <= now:
                    return heapq.heappop(self._jobs)
                wait = None if due is None else due - now
                if self._stopping:
                    wait = min(wait if wait is not None else float("inf"), self._deadline - now)
                self._wake.wait(wait)

    def _failed(self, job: tuple[float, int, str, Notice, int], error: Exception) -> None:
        _, _, channel, notice, attempt = job
        reason = describe(error)
        if attempt >= self.settings.attempts:
            log.error("notification: %s for submission %s failed for good after %d tries: %s", channel, notice.id,
                      attempt, reason)
            return
        delay = min(self.settings.retry_delay * 2 ** (attempt - 1), MAX_DELAY)
        log.warning("notification: %s for submission %s failed (try %d of %d): %s; next try in %g s", channel,
                    notice.id, attempt, self.settings.attempts, reason, delay)
        with self._wake:
            heapq.heappush(self._jobs, (time.monotonic() + delay, next(self._order), channel, notice, attempt + 1))

    def _send(self, channel: str, notice: Notice) -> None:
        if channel == "e-mail":
            assert self.settings.email is not None
            send_email(self.settings.email, email_message(self.settings.email, notice, self.site_name),
                       self.settings.timeout)
        else:
            assert self.settings.webhook is not None
            post_webhook(self.settings.webhook, notice, self.settings.timeout)


def describe(error: Exception) -> str:
    """A failure in a few words for the log: its kind and code, never the server's text (it may quote addresses)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} (the mail server answered {error.smtp_code})"
    if isinstance(error, NotifyError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__


def _one_line(text: str, limit: int = 200) -> str:
    # A header cannot hold a line break (header injection), and a subject is read at a glance.
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def email_message(email: EmailNotice, notice: Notice, site_name: str = SITE_NAME) -> EmailMessage:
    title = _one_line(notice.title)
    message = EmailMessage()
    message["Subject"] = f"New story for {site_name}: {_one_line(title, 100)}"
    message["From"] = email.sender
    message["To"] = ", ".join(email.to)
    reply = ""
    if notice.reply_to:
        try:
            message["Reply-To"] = _one_line(notice.reply_to, 320)
            reply = "Reply to this e-mail to write to the sender."
        except (ValueError, TypeError, IndexError):  # an address the header cannot hold: left out
            pass
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    domain = parseaddr(email.sender)[1].rpartition("@")[2] or "extramile.invalid"
    message["Message-ID"] = make_msgid("submission", domain=domain)  # a domain given: no DNS lookup for one
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders leave it alone
    body = "\n".join([
        f"A new story was sent to {site_name}. It is in the intake store, waiting for an editor.",
        "",
        f"  Reference: {notice.id}",
        f"  Title:     {title}",
        f"  Received:  {notice.received}",
        "",
        "Read it on the machine that keeps the store:",
        "",
        f"  extramile submissions show {notice.id}",
        "",
        "`extramile ingest` turns it into a draft story.",
        reply or "The sender left no e-mail address.",
        "",
    ])
    message.set_content(body, cte="7bit" if body.isascii() else "quoted-printable")
    return message


def send_email(email: EmailNotice, message: EmailMessage, timeout: float) -> None:
    context = ssl.create_default_context()  # the server's certificate and name are checked
    if email.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(email.host, email.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(email.host, email.port, timeout=timeout)
    with client:
        if email.security == "starttls":
            client.starttls(context=context)  # fails rather than sending in the clear when the server cannot
        if email.username:
            client.login(email.username, email.password or "")
        client.send_message(message)


def post_webhook(url: str, notice: Notice, timeout: float) -> None:
    """POST the notice's public JSON; any answer but 2xx is a failure. Redirects are not followed, and no proxy
    is used: the configured address is the only place the notice goes."""
    parts = urlsplit(url)
    body = json.dumps(notice.public(), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "extramile-intake",
               "Content-Length": str(len(body))}
    if parts.username is not None:  # https://user:token@host/...: HTTP basic authentication
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
    host = parts.hostname or ""
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, parts.port or 443, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, parts.port or 80, timeout=timeout)
    try:
        connection.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        if not 200 <= response.status < 300:
            raise NotifyError(f"the webhook answered HTTP {response.status}")
    finally:
        connection.close()
