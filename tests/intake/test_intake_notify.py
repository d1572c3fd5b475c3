"""Editors hear of each stored story: one e-mail and one webhook POST, after the answer, never at its cost.

Against a real receiver (Uvicorn on loopback), a real SMTP conversation (notifysinks.SmtpSink) and a real HTTP
endpoint (notifysinks.WebhookSink).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time

import pytest

from extramile.intake.config import EmailNotice, IntakeConfigError, NotifySettings, notify_settings
from extramile.intake.notify import Notice, Notifier, email_message

from .conftest import GOOD, good, rows
from .notifysinks import SmtpSink, WebhookSink, closed_port, wait_for
from .realserver import post


def settings_for(smtp_port: int | None = None, webhook: str | None = None, **options: object) -> NotifySettings:
    email = EmailNotice(to=("editors@example.org", "chief@example.org"), sender="Extra Mile <intake@example.org>",
                        host="127.0.0.1", port=smtp_port, security="none") if smtp_port else None
    return NotifySettings(email=email, webhook=webhook, **{"attempts": 3, "retry_delay": 0.2, "timeout": 2.0,
                                                           **options})


@pytest.fixture
def serve(make_settings):
    """A real receiver whose notifications go where the test says."""
    from extramile.intake.server import BackgroundServer

    servers = []

    def make(notify: NotifySettings):
        server = BackgroundServer(dataclasses.replace(make_settings(), notify=notify)).__enter__()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def notify_log(caplog):
    caplog.set_level(logging.INFO, logger="extramile.intake")
    return lambda: [record.getMessage() for record in caplog.records if record.getMessage().startswith("notification")]


def test_a_stored_story_sends_one_email_with_the_sender_as_reply_to_and_one_webhook(serve, store_path, notify_log):
    with SmtpSink() as smtp, WebhookSink() as hook:
        server = serve(settings_for(smtp.port, hook.url))
        status, headers, _ = post(server, GOOD, headers={"User-Agent": "Secret-Agent/7.0"})
        assert status == 303
        [record] = rows(store_path)
        assert headers["location"].endswith(f"?ref={record.id}")
        assert wait_for(lambda: smtp.messages and hook.posts)
        # The same story again (a double click): answered as the first time, and not notified again.
        assert post(server, GOOD, json_body=True)[0] == 200
        time.sleep(0.5)
        assert len(smtp.messages) == 1 and len(hook.posts) == 1

    mail_from, recipients, message = smtp.messages[0]
    assert mail_from == "intake@example.org"
    assert sorted(recipients) == ["chief@example.org", "editors@example.org"]
    assert message["Reply-To"] == "sam@example.org"
    assert message["Subject"] == f"New story for Extra Mile: {GOOD['title']}"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_content()
    assert f"Reference: {record.id}" in text and GOOD["title"] in text
    assert f"extramile submissions show {record.id}" in text
    whole = message.as_string()
    for private in ("127.0.0.1", "Secret-Agent", "testclient", GOOD["story"][:40]):
        assert private not in whole

    path, hook_headers, body = hook.posts[0]
    assert path == "/hooks/extramile?channel=editors"
    assert hook_headers["content-type"].startswith("application/json")
    assert body == {"id": record.id, "title": GOOD["title"], "received": record.received.isoformat(),
                    "state": "received"}
    logged = notify_log()
    assert f"notification: e-mail for submission {record.id} sent (try 1)" in logged
    assert f"notification: webhook for submission {record.id} sent (try 1)" in logged
    assert not any("sam@example.org" in line or "editors@" in line for line in logged)


@pytest.mark.parametrize("down", ["refused", "silent"])
def test_with_the_smtp_server_down_the_story_is_stored_and_answered_at_once_and_the_failure_logged(
        serve, store_path, notify_log, down):
    backoff = 1.5
    with SmtpSink(silent=True) as silent, WebhookSink() as hook:
        port = closed_port() if down == "refused" else silent.port
        server = serve(settings_for(port, hook.url, attempts=2, retry_delay=backoff, timeout=1.0))
        began = time.perf_counter()
        status, _, body = post(server, GOOD, json_body=True)
        answered = time.perf_counter() - began
        assert status == 201
        assert answered < backoff / 3, answered  # the answer waited neither for the mail server nor for a retry
        [record] = rows(store_path)
        assert record.id == json.loads(body)["reference"]
        assert wait_for(lambda: any("failed for good" in line for line in notify_log()), timeout=15)
        assert len(hook.posts) == 1  # the webhook did not wait for the e-mail, nor was it sent twice
    logged = notify_log()
    assert any(line.startswith(f"notification: e-mail for submission {record.id} failed (try 1 of 2)")
               and f"next try in {backoff:g} s" in line for line in logged), logged
    assert any(line.startswith(f"notification: e-mail for submission {record.id} failed for good after 2 tries")
               for line in logged), logged


def test_spam_sends_nothing(serve, store_path):
    with SmtpSink() as smtp, WebhookSink() as hook:
        server = serve(settings_for(smtp.port, hook.url))
        assert post(server, good(title="A robot's story", website="http://spam.example"))[0] == 303
        assert post(server, good(title="A person's story"))[0] == 303
        # The person's notices come after the robot's would have: once they are here, nothing else is coming.
        assert wait_for(lambda: smtp.messages and hook.posts)
        time.sleep(0.3)
    assert [m["Subject"] for _, _, m in smtp.messages] == ["New story for Extra Mile: A person's story"]
    assert [body["title"] for _, _, body in hook.posts] == ["A person's story"]
    assert [r.fields["title"] for r in rows(store_path, "spam")] == ["A robot's story"]


def test_a_failed_webhook_is_tried_again_after_a_delay_and_then_succeeds(notify_log):
    with WebhookSink(statuses=(503, 500, 204)) as hook:
        notifier = Notifier(settings_for(webhook=hook.url, attempts=3, retry_delay=0.2))
        notifier.start()
        began = time.monotonic()
        notifier.enqueue(Notice("sub_0123456789abcdef0123", "A title", "2026-01-01T00:00:00+00:00"))
        assert wait_for(lambda: len(hook.posts) == 3)
        took = time.monotonic() - began
        notifier.stop()
    assert 0.2 + 0.4 <= took < 5  # 0.2 s, then 0.4 s: the delay doubles
    logged = notify_log()
    assert "notification: webhook for submission sub_0123456789abcdef0123 failed (try 1 of 3): " \
           "the webhook answered HTTP 503; next try in 0.2 s" in logged
    assert "notification: webhook for submission sub_0123456789abcdef0123 sent (try 3)" in logged


def test_stopping_does_not_wait_for_retries_and_says_what_was_not_sent(notify_log):
    notifier = Notifier(settings_for(webhook=f"http://127.0.0.1:{closed_port()}/", attempts=5, retry_delay=60))
    notifier.start()
    notifier.enqueue(Notice("sub_aaaaaaaaaaaaaaaaaaaa", "A title", "2026-01-01T00:00:00+00:00"))
    assert wait_for(lambda: any("failed (try 1 of 5)" in line for line in notify_log()))
    began = time.monotonic()
    notifier.stop(grace=0.5)
    assert time.monotonic() - began < 2
    assert any("sub_aaaaaaaaaaaaaaaaaaaa not sent: the receiver stopped (1 of 5 tries made)" in line
               for line in notify_log())


def test_the_queue_is_bounded(notify_log):
    notifier = Notifier(settings_for(webhook="http://127.0.0.1:9/"), max_pending=2)  # not started: nothing leaves
    for n in range(3):
        notifier.enqueue(Notice(f"sub_{n:020x}", "A title", "2026-01-01T00:00:00+00:00"))
    assert notifier.pending() == 2
    assert any("sub_00000000000000000002 not sent: 2 tries are already waiting" in line for line in notify_log())


def test_the_email_header_holds_one_line_and_says_when_the_sender_left_no_address():
    notice = Notice("sub_0123456789abcdef0123", "Line one\r\nBcc: victim@example.net\x00 — café", "2026-01-01")
    message = email_message(settings_for(25).email, notice)
    assert message["Subject"] == "New story for Extra Mile: Line one Bcc: victim@example.net — café"
    assert message["Reply-To"] is None and message["Bcc"] is None
    assert "The sender left no e-mail address." in message.get_content()
    assert "Reply to this e-mail" in email_message(settings_for(25).email,
                                                   dataclasses.replace(notice, reply_to="a@example.org")).get_content()


# -- settings -------------------------------------------------------------------------------------------------

EMAIL = {"to": "editors@example.org, chief@example.org", "host": "smtp.example.org"}


def test_notifications_are_off_unless_an_email_or_a_webhook_is_set():
    assert not notify_settings(None, {}).enabled
    assert not notify_settings({"webhook": None, "email": {"to": None}}, {}).enabled  # variables unset
    settings = notify_settings({"email": EMAIL, "webhook": "https://hooks.example.org/x"}, {})
    assert settings.enabled and settings.email.to == ("editors@example.org", "chief@example.org")
    assert (settings.email.port, settings.email.security, settings.email.sender) == (587, "starttls", "editors@example.org")
    assert notify_settings({"email": {**EMAIL, "security": "ssl"}}, {}).email.port == 465


def test_the_smtp_password_comes_from_the_environment_only_and_is_never_shown():
    with pytest.raises(IntakeConfigError, match="EXTRAMILE_SMTP_PASSWORD"):
        notify_settings({"email": {**EMAIL, "password": "hunter2"}}, {})
    with pytest.raises(IntakeConfigError, match="EXTRAMILE_SMTP_PASSWORD"):
        notify_settings({"email": {**EMAIL, "username": "intake"}}, {})
    settings = notify_settings({"email": {**EMAIL, "username": "intake@example.org"}, "webhook":
                                "https://hooks.example.org/T0K3N"}, {"EXTRAMILE_SMTP_PASSWORD": "hunter2"})
    assert settings.email.password == "hunter2" and settings.email.sender == "intake@example.org"
    assert "hunter2" not in repr(settings) and "T0K3N" not in repr(settings)


@pytest.mark.parametrize(("notify", "match"), [
    ({"emial": {}}, "unknown key"),
    ({"email": {**EMAIL, "hots": "x"}}, "unknown key"),
    ({"email": {"to": "editors@example.org"}}, "host"),
    ({"email": {**EMAIL, "to": "not an address"}}, "not an e-mail address"),
    ({"email": {**EMAIL, "security": "tls"}}, "security"),
    ({"email": {**EMAIL, "port": "smtp"}}, "port"),
    ({"email": {**EMAIL, "username": "u", "security": "none"}}, "unencrypted"),
    ({"webhook": "ftp://hooks.example.org/S3CRET"}, "webhook"),
    ({"attempts": 0}, "attempts"),
])
def test_a_mistake_in_the_notify_settings_is_named(notify, match):
    with pytest.raises(IntakeConfigError, match=match) as raised:
        notify_settings(notify, {"EXTRAMILE_SMTP_PASSWORD": "pw"})
    assert "S3CRET" not in str(raised.value)  # a webhook's address may hold its secret


def test_starttls_that_the_server_cannot_do_fails_rather_than_sending_in_the_clear(notify_log):
    with SmtpSink() as smtp:  # it offers no STARTTLS
        settings = settings_for(smtp.port, attempts=1)
        notifier = Notifier(dataclasses.replace(settings, email=dataclasses.replace(settings.email,
                                                                                   security="starttls")))
        notifier.start()
        notifier.enqueue(Notice("sub_bbbbbbbbbbbbbbbbbbbb", "A title", "2026-01-01T00:00:00+00:00", "a@example.org"))
        assert wait_for(lambda: any("failed for good" in line for line in notify_log()))
        notifier.stop()
        assert smtp.messages == []
    assert any("SMTPNotSupportedError" in line for line in notify_log())
