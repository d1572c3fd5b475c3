"""The intake receiver: a small Starlette app that takes the Submit form's posts and keeps them in the store.

POST /submissions   a story, form-encoded (the browser, no script) or JSON (the page's script)
OPTIONS /submissions  the CORS preflight of the page's script (the site and the receiver are two origins)
GET /submissions    back to the Submit page; GET /health  the store answers; GET /  what this is

A post goes through the cheap refusals first (protection.py), then the same validation as every story
(submission.py), then one transaction in the store. Logs name a submission by its id and status only: the
story and the e-mail address stay in the store. The answer carries the submission's id as the sender's
reference (JSON: "reference"; a form post: ?ref= on the thank-you page), which they quote to ask for deletion.
Once the answer is out, the editors may be told (notify.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from markupsafe import escape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extramile.intake.config import SUBMIT_PATH, ReceiverSettings
from extramile.intake.forms import form_values, parse_body
from extramile.intake.notify import Notice, Notifier
from extramile.intake.protection import (
    JSON, RateLimiter, Refusal, check_origin, declared_length, media_type, read_limited,
)
from extramile.intake.render import Pages
from extramile.intake.store import IntakeStore, SubmissionRecord, fingerprint, new_submission_id
from extramile.submission import FormSubmission, validate_submission
from extramile.vocabulary import load_vocabulary

log = logging.getLogger("extramile.intake")
T = TypeVar("T")

_TITLES = {400: "The form could not be read", 403: "Sent from the wrong place", 408: "The story took too long",
           413: "The story is too long", 415: "The form could not be read", 429: "Too many stories at once",
           503: "The story could not be saved"}
_BACK = " Your browser's Back button takes you to the form, usually with everything you typed still there."
# The body of the 303 to the thank-you page: browsers follow the redirect, a client that does not (curl, a
# script) still learns the reference. Plain text slots, escaped: small enough to cost nothing per post.
_SENT = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
         '<title>Thank you</title></head>\n<body><h1>Thank you</h1><p>Your story has arrived. Your reference is '
         '<code>{ref}</code>: quote it if you ask for what you sent to be deleted.</p>\n'
         '<p><a href="{href}">Continue to the thank-you page</a></p></body></html>\n')


class Receiver:
    def __init__(self, settings: ReceiverSettings):
        self.settings = settings
        self.limits = settings.limits
        self.vocabulary = load_vocabulary(settings.vocabulary or settings.root / "content" / "vocabulary.yml")
        self.pages = Pages(settings, self.vocabulary)
        self.limiter = RateLimiter(self.limits.rate, self.limits.rate_window)
        # The site's pages post here, and so does the receiver's own page of errors.
        self.post_origins = settings.allowed_origins | settings.receiver_origins()
        self.store: IntakeStore | None = None
        self.notifier: Notifier | None = None
        self._executor: ThreadPoolExecutor | None = None

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        # One thread owns the database: writes are serialised without a lock, and a slow disk or a busy
        # database (an editor's ingest) makes requests wait in line instead of stopping the event loop.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-store")
        try:
            self.store = await self._in_store(IntakeStore, self.settings.store)
            log.info("intake store ready")
            if self.settings.notify.enabled:
                self.notifier = Notifier(self.settings.notify)
                self.notifier.start()
                log.info("notifications on: %s", ", ".join(self.notifier.channels))
            yield
        finally:
            if self.notifier is not None:  # the last tries go from a thread: the loop keeps serving meanwhile
                notifier, self.notifier = self.notifier, None
                await asyncio.to_thread(notifier.stop)
            if self.store is not None:
                await self._in_store(self.store.close)
                self.store = None
            self._executor.shutdown(wait=True)

    async def _in_store(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _open_store(self) -> IntakeStore:
        # The lifespan opens the store before the first request and closes it after the last; a request
        # outside it (an app served without its lifespan, a late one at shutdown) is answered 503, not 500.
        if self.store is None:
            raise sqlite3.OperationalError("the intake store is not open")
        return self.store

    # -- routes ---------------------------------------------------------------------------------------------

    async def submissions(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.receive(request)
        if request.method == "OPTIONS":
            return self.preflight(request)
        return RedirectResponse(self.settings.page_url(SUBMIT_PATH), status_code=303)

    async def health(self, request: Request) -> Response:
        try:
            await self._in_store(self._open_store().ping)
        except sqlite3.Error:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def home(self, request: Request) -> Response:
        return HTMLResponse(self.pages.message(
            "Extra Mile intake receiver",
            "This service receives the stories sent from the Submit page of the site.", None))

    def preflight(self, request: Request) -> Response:
        try:
            origin = check_origin(request.headers.get("origin"), request.headers.get("sec-fetch-site"),
                                  self.post_origins)
        except Refusal:
            origin = None
        if origin is None or request.headers.get("access-control-request-method") != "POST":
            return Response(status_code=403)
        return Response(status_code=204, headers={
            **_cors(origin), "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600",
        })

    async def receive(self, request: Request) -> Response:
        wants_json = _wants_json(request.headers.get("content-type"), request.headers.get("accept"))
        origin: str | None = None
        try:
            origin = check_origin(request.headers.get("origin"), request.headers.get("sec-fetch-site"),
                                  self.post_origins)
            wait = self.limiter.retry_after(request.client.host if request.client else "unknown")
            if wait:
                raise Refusal(429, "rate-limited", f"Too many stories were sent from here just now. Wait {_seconds(wait)} "
                              "and send it again.", {"Retry-After": str(wait)})
            kind = media_type(request.headers.get("content-type"))
            declared_length(request.headers.get("content-length"), self.limits.max_body)
            body = await read_limited(request.stream(), self.limits.max_body, self.limits.body_timeout)
            fields = parse_body(body, kind, self.limits.max_fields)
        except Refusal as refusal:
            log.info("refused: %s (%d)", refusal.reason, refusal.status)
            return self._refused(refusal, wants_json, origin)
        except ClientDisconnect:
            log.info("refused: client went away (400)")
            return Response(status_code=400)
        return await self._take(request, fields, wants_json, origin)

    async def _take(self, request: Request, fields: dict[str, list[str]], wants_json: bool, origin: str | None) -> Response:
        sub = FormSubmission.from_fields(fields)
        received = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        submission_id = new_submission_id()
        # A filled trap is a robot: it is told the story arrived (so it learns nothing) and kept aside as spam.
        spam = any(value.strip() for value in fields.get(self.settings.intake["honeypot"], []))
        if not spam:
            _, errors = validate_submission(sub, self.vocabulary, submission_id, received)
            if errors:
                log.info("refused: invalid fields %s (422)", ",".join(sorted(errors)))
                if wants_json:
                    return JSONResponse({"ok": False, "errors": errors,
                                         "message": "Some fields need changing: each is marked next to it."},
                                        status_code=422, headers=_cors(origin))
                return HTMLResponse(self.pages.form(form_values(fields), errors, origin), status_code=422,
                                    headers=_cors(origin))
        public = sub.public_fields()
        record = SubmissionRecord(
            id=submission_id, received=received, status="spam" if spam else "accepted", fields=public,
            private={"email": sub.email, "ip": request.client.host if request.client else "",
                     "user_agent": request.headers.get("user-agent", "")[:300], "consent": sub.consent,
                     "consent_at": received.isoformat() if sub.consent else None},
            fingerprint=fingerprint(public, sub.email),
        )
        try:
            store = self._open_store()
            added = await self._in_store(store.add, record)
            if not added:  # sent twice (a double click, a replay): answer as the first time, keep one row
                stored_as = await self._in_store(store.id_for, record.fingerprint)
                submission_id = stored_as or submission_id
        except sqlite3.Error as error:
            log.error("could not store a submission: %s", type(error).__name__)
            refusal = Refusal(503, "store-failed", "The story could not be saved just now. Wait a minute and send it again.",
                              {"Retry-After": "60"})
            return self._refused(refusal, wants_json, origin)
        log.info("submission %s %s", submission_id, record.status if added else "duplicate")
        thanks = self.settings.page_url(self.settings.intake["thanks"], origin)
        response: Response
        if wants_json:
            response = JSONResponse({"ok": True, "id": submission_id, "reference": submission_id, "thanks": thanks},
                                    status_code=201 if added else 200, headers=_cors(origin))
        else:
            location = _with_reference(thanks, submission_id)
            response = HTMLResponse(_SENT.format(ref=escape(submission_id), href=escape(location)), status_code=303,
                                    headers={"Location": location, **_cors(origin)})
        # Told once, after the answer: not for spam (nobody should read it), nor for a story sent twice.
        if added and not spam and self.notifier is not None:
            response.background = BackgroundTask(self.notifier.submitted, Notice(
                id=submission_id, title=public["title"], received=received.isoformat(), reply_to=sub.email))
        return response

    def _refused(self, refusal: Refusal, wants_json: bool, origin: str | None) -> Response:
        headers = {**refusal.headers, **_cors(origin)}
        if refusal.status in (408, 413):  # the body was not read to its end: the connection cannot be reused
            headers["Connection"] = "close"
        if wants_json:
            answer: dict[str, object] = {"ok": False, "error": refusal.reason, "message": refusal.message}
            if refusal.field:  # the page's script shows {errors: {field: message}} next to the field
                answer.update(field=refusal.field, errors={refusal.field: refusal.message})
            return JSONResponse(answer, status_code=refusal.status, headers=headers)
        page = self.pages.message(_TITLES.get(refusal.status, "The story was not sent"), refusal.message + _BACK, origin)
        return HTMLResponse(page, status_code=refusal.status, headers=headers)


def _cors(origin: str | None) -> dict[str, str]:
    # Only the site's own origins may read the answers: the page's script needs them, nobody else does.
    if origin:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {"Vary": "Origin"}


def _wants_json(content_type: str | None, accept: str | None) -> bool:
    if (content_type or "").split(";")[0].strip().lower() == JSON:
        return True
    accept = (accept or "").lower()
    return "application/json" in accept and "text/html" not in accept


def _with_reference(url: str, submission_id: str) -> str:
    """The thank-you page's address with ?ref=<id> (after any query it already has), quoted as a redirect's is."""
    parts = urlsplit(url)
    query = f"{parts.query}&ref={submission_id}" if parts.query else f"ref={submission_id}"
    return quote(urlunsplit(parts._replace(query=query)), safe=":/%#?=@[]!$&'()*+,;")


def _seconds(wait: int) -> str:
    return "a second" if wait == 1 else f"{wait} seconds" if wait < 120 else f"{round(wait / 60)} minutes"


class SecurityHeaders:
    """Headers every answer carries: nothing is cached (answers hold what someone typed), nothing framed, and
    the receiver's pages load nothing (their style is inline) and post their form nowhere but here."""

    HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
    POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"

    def __init__(self, app: ASGIApp, form_targets: frozenset[str] = frozenset()):
        self.app = app
        policy = self.POLICY
        # form-action does not fall back to default-src. The page's form posts to the receiver ('self'), which
        # answers 303 to the thank-you page on the site: browsers check that redirect against form-action too.
        # CSP cannot name an IPv6 address or a non-ASCII host: with one of those the directive is left out.
        if all(target.isascii() and "[" not in target for target in form_targets):
            policy += "; form-action 'self'" + "".join(f" {target}" for target in sorted(form_targets))
        self.headers = [*self.HEADERS, (b"content-security-policy", policy.encode("ascii"))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: ReceiverSettings) -> Starlette:
    receiver = Receiver(settings)
    app = Starlette(
        routes=[
            Route("/submissions", receiver.submissions, methods=["GET", "POST", "OPTIONS"]),
            Route("/health", receiver.health, methods=["GET"]),
            Route("/", receiver.home, methods=["GET"]),
        ],
        lifespan=receiver.lifespan,
    )
    app.add_middleware(SecurityHeaders, form_targets=settings.allowed_origins)
    app.state.receiver = receiver
    return app
