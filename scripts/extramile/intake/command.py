"""`extramile intake`: run the receiver that takes the Submit form's posts."""

from __future__ import annotations

import argparse
import logging
import sys

from extramile.intake.config import (
    DEFAULT_HOST, DEFAULT_PORT, ORIGINS_ENV, IntakeConfigError, Limits, receiver_settings,
)
from extramile.intake.store import DEFAULT_STORE
from extramile.paths import project_root


def _rate(text: str) -> tuple[int, float]:
    """'10/60' -> 10 posts per 60 s; '0' or 'off' -> no limit."""
    if text.strip().lower() in ("0", "off", "none"):
        return 0, 60.0
    count, _, window = text.partition("/")
    try:
        rate, seconds = int(count), float(window or 60)
    except ValueError:
        raise argparse.ArgumentTypeError("use POSTS/SECONDS, like 10/60, or off") from None
    if rate < 0 or seconds <= 0:
        raise argparse.ArgumentTypeError("use POSTS/SECONDS with positive numbers, like 10/60")
    return rate, seconds


def register(subparsers: argparse._SubParsersAction) -> None:
    defaults = Limits()
    parser = subparsers.add_parser(
        "intake", help="run the intake receiver that stores the Submit form's posts",
        description="Run the receiver that takes the Submit form's posts and keeps them in a SQLite store "
                    "outside content/. `make serve` starts it beside the site.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default: {DEFAULT_PORT})")
    parser.add_argument("--store", default=None,
                        help=f"the SQLite store (default: <project>/{DEFAULT_STORE.as_posix()})")
    parser.add_argument("--allow-origin", dest="origins", action="append", default=[], metavar="ORIGIN",
                        help="a site origin allowed to post, like https://stories.example.org (repeatable; also "
                             f"${ORIGINS_ENV}); 127.0.0.1:8000, localhost:8000 and site_url's are always allowed")
    parser.add_argument("--site-url", default=None, help="the site's address for the thank-you page (default: site_url)")
    parser.add_argument("--rate-limit", type=_rate, default=(defaults.rate, defaults.rate_window), metavar="N/SECONDS",
                        help=f"posts allowed per client address (default: {defaults.rate}/{defaults.rate_window:g};"
                             " off to disable)")
    parser.add_argument("--max-body", type=int, default=defaults.max_body, metavar="BYTES",
                        help=f"largest post accepted (default: {defaults.max_body})")
    parser.add_argument("--forwarded-allow-ips", default=None, metavar="IPS",
                        help="proxies whose X-Forwarded-For is trusted for the client address (default: 127.0.0.1,::1)")
    parser.add_argument("--access-log", action="store_true", help="log every request line (client addresses included)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from extramile.intake.server import serve  # imported here: `extramile --help` should not load the server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    rate, window = args.rate_limit
    try:
        settings = receiver_settings(
            project_root(), store=args.store, host=args.host, port=args.port, allow_origins=args.origins,
            site_url=args.site_url, limits=Limits(rate=rate, rate_window=window, max_body=args.max_body),
        )
    except (IntakeConfigError, FileNotFoundError) as error:
        print(f"extramile intake: {error}", file=sys.stderr)
        return 2
    origins = ", ".join(sorted(settings.allowed_origins))
    print(f"extramile intake: receiving on http://{settings.host}:{settings.port}/submissions for {origins}; "
          f"store {settings.store}", file=sys.stderr)
    notify = settings.notify
    if notify.enabled:  # said without the webhook's address or any password
        told = [f"e-mail to {len(notify.email.to)} address(es) via {notify.email.host}:{notify.email.port} "
                f"({notify.email.security})"] if notify.email else []
        told += ["a webhook"] if notify.webhook else []
        print(f"extramile intake: new submissions are notified by {' and '.join(told)}", file=sys.stderr)
    serve(settings, access_log=args.access_log, forwarded_allow_ips=args.forwarded_allow_ips)
    return 0
