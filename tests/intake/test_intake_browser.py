"""A person sends a story from the real built site in headless Chromium, with and without JavaScript."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from extramile.intake.config import Limits, receiver_settings
from extramile.intake.server import BackgroundServer, loopback_socket

from .conftest import GOOD, ROOT, rows

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The site built with `mkdocs build --strict` and its form pointed at a receiver on another free port,
    each served on loopback, as `make serve` does on 8000 and 8001."""
    folder = tmp_path_factory.mktemp("intake-live")
    site_dir, store = folder / "site", folder / "store.sqlite3"
    static = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(site_dir)))
    receiver_socket = loopback_socket()
    site = f"http://127.0.0.1:{static.server_address[1]}"
    receiver = f"http://127.0.0.1:{receiver_socket.getsockname()[1]}"
    try:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site + "/",
               "EXTRAMILE_INTAKE_URL": receiver + "/submissions"}
        built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
                               cwd=ROOT, env=env, capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
        settings = receiver_settings(ROOT, store=store, site_url=site + "/", allow_origins=[site],
                                     limits=Limits(rate=0), environ={})
        thread = threading.Thread(target=static.serve_forever, daemon=True)
        thread.start()
        try:
            with BackgroundServer(settings, receiver_socket):
                yield SimpleNamespace(site=site, receiver=receiver, store=store)
        finally:
            static.shutdown()
            thread.join()
    finally:
        static.server_close()
        receiver_socket.close()


@pytest.fixture
def context_factory(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def fill(page, title: str, *, tags: tuple[str, ...] = ("personal-touch",)) -> None:
    page.fill("#sf-title", title)
    page.fill("#sf-story", GOOD["story"])
    page.fill("#sf-month", "2023-04")
    page.check("#sf-perspective-business")
    page.fill("#sf-business", "Corner Bakery")
    page.select_option("#sf-industry", "food-and-drink")
    page.select_option("#sf-channel", "in-person")
    for tag in tags:
        page.check(f"#sf-tags-{tag}")
    page.fill("#sf-told_by", "Robin")
    page.fill("#sf-email", "robin@example.org")
    page.check("#sf-consent")


def titles(store, title: str) -> list:
    return [record for record in rows(store) if record.fields["title"] == title]


def test_with_javascript_a_story_is_sent_once_and_lands_on_the_thank_you_page(live, context_factory):
    page = context_factory().new_page()
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto(f"{live.site}/submit/")
    fill(page, "A birthday cake rescued at closing time", tags=("personal-touch", "off-script"))
    assert page.locator("#sf-title-count").inner_text() == "39 / 120 characters"
    with page.expect_response(lambda response: response.url.endswith("/submissions")) as answer:
        page.locator("button[type=submit]").dblclick()
    assert answer.value.status == 201  # the script's JSON post, not the browser's form post
    page.wait_for_url(re.compile(re.escape(f"{live.site}/submit/thanks/?ref=") + "sub_[0-9a-f]{20}$"))
    assert page.locator("article h1").first.inner_text().strip().rstrip("¶").strip() == "Thank you"
    assert len([p for p in posts if p.url.startswith(live.receiver)]) == 1  # the double click sent it once
    [record] = titles(live.store, "A birthday cake rescued at closing time")
    # The reference the sender quotes to have it deleted: the stored id, shown on the thank-you page.
    assert page.url.endswith(f"?ref={record.id}")
    assert page.locator("#submission-reference").is_visible()
    assert page.locator("#submission-reference code").inner_text() == record.id
    assert record.status == "accepted"
    assert record.fields["tags"] == ["personal-touch", "off-script"]
    assert record.fields["perspective"] == "business" and record.fields["month"] == "2023-04"
    assert record.private["email"] == "robin@example.org"


def test_with_javascript_errors_appear_next_to_their_fields_with_the_text_still_there(live, context_factory):
    page = context_factory().new_page()
    page.goto(f"{live.site}/submit/")
    fill(page, "<b>Big</b> thanks to the night porter", tags=())
    page.locator("button[type=submit]").click()
    # Checked in the page, before anything is sent.
    assert page.locator("#sf-tags-error").inner_text() == "Choose at least one tag."
    assert page.locator("#sf-summary").is_visible()
    assert page.evaluate("document.activeElement.id") == "sf-summary"
    page.check("#sf-tags-empathy")
    assert page.locator("#sf-tags-error").inner_text() == ""  # fixed: the message goes
    # Checked by the receiver: the title's HTML.
    with page.expect_response(lambda response: response.url.endswith("/submissions")) as answer:
        page.locator("button[type=submit]").click()
    assert answer.value.status == 422
    error = page.locator("#sf-title-error")
    error.wait_for()
    assert "must be plain text" in error.inner_text()
    assert page.locator("#sf-title").get_attribute("aria-invalid") == "true"
    assert page.locator("#sf-title").input_value() == "<b>Big</b> thanks to the night porter"
    assert page.locator("#sf-story").input_value() == GOOD["story"]
    assert page.url == f"{live.site}/submit/"
    assert titles(live.store, "<b>Big</b> thanks to the night porter") == []


def test_without_javascript_the_form_posts_and_errors_come_back_next_to_their_fields(live, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(f"{live.site}/submit/")
    fill(page, "The librarian who stayed late", tags=())
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live.receiver}/submissions")  # the receiver's own page, with the form again
    assert page.locator("#sf-tags-error").inner_text() == "Choose at least one tag."
    assert page.locator("#sf-title").input_value() == "The librarian who stayed late"
    assert page.locator("#sf-story").input_value() == GOOD["story"]
    assert page.locator("#sf-email").input_value() == "robin@example.org"
    assert page.locator("#sf-consent").is_checked()
    assert titles(live.store, "The librarian who stayed late") == []
    page.check("#sf-tags-community")
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(f"{live.site}/submit/thanks/?ref=") + "sub_[0-9a-f]{20}$"))
    [record] = titles(live.store, "The librarian who stayed late")
    assert record.fields["tags"] == ["community"]
    # Without a script the page cannot read its address: it says where the reference is instead.
    assert page.url.endswith(f"?ref={record.id}")
    assert "that code is your reference" in page.locator("article").inner_text()
    assert not page.locator("#submission-reference").is_visible()


def test_the_thank_you_page_shows_only_a_reference_of_the_right_shape_and_only_as_text(live, context_factory):
    page = context_factory().new_page()
    good_ref = "sub_0123456789abcdef0123"
    page.goto(f"{live.site}/submit/thanks/?ref={good_ref}")
    assert page.locator("#submission-reference code").inner_text() == good_ref
    for ref in ('"><img src=x onerror="window.pwned=1">', "sub_<b>x</b>", "SUB_0123456789ABCDEF0123"):
        page.goto(f"{live.site}/submit/thanks/?" + urlencode({"ref": ref}))
        assert not page.locator("#submission-reference").is_visible(), ref
        assert page.locator("#submission-reference code").inner_text() == "", ref
        assert page.evaluate("window.pwned") is None
