"""Every rule of the receiver, through Starlette's test client, checked against the rows in the store."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest
from starlette.testclient import TestClient

from extramile.intake.app import create_app
from extramile.submission import FormSubmission

from .conftest import GOOD, RECEIVER, SITE, THANKS, good, rows
from .pagehtml import Page

FORM_HEADERS = {"Origin": SITE}


# -- accepted ------------------------------------------------------------------------------------------------

def test_a_form_post_is_stored_and_answered_303_to_the_thank_you_page(client, store_path):
    response = client.post("/submissions", data=GOOD, headers={**FORM_HEADERS, "User-Agent": "Browser/1.0"},
                           follow_redirects=False)
    assert response.status_code == 303
    [record] = rows(store_path)
    # The thank-you page, with the reference the sender quotes to ask for deletion; the body says it too.
    assert response.headers["location"] == f"{THANKS}?ref={record.id}"
    assert f"<code>{record.id}</code>" in response.text
    assert record.status == "accepted"
    assert record.id.startswith("sub_")
    assert record.fields == FormSubmission.from_fields(GOOD).public_fields()
    assert record.fields["tags"] == ["mistake-recovery", "free-of-charge"]
    assert "email" not in record.fields
    assert record.private["email"] == "sam@example.org"
    assert record.private["consent"] is True
    assert record.private["consent_at"] == record.received.isoformat()
    assert record.private["ip"] == "testclient"
    assert record.private["user_agent"] == "Browser/1.0"


def test_a_json_post_is_stored_and_answered_with_json(client, store_path):
    response = client.post("/submissions", json={**GOOD, "consent": True, "anonymous": True}, headers=FORM_HEADERS)
    assert response.status_code == 201
    body = response.json()
    assert body["ok"] is True and body["thanks"] == THANKS
    [record] = rows(store_path)
    assert body["id"] == body["reference"] == record.id
    assert record.fields["anonymous"] is True
    assert response.headers["access-control-allow-origin"] == SITE


def test_the_thank_you_page_is_on_the_origin_the_visitor_came_from(client):
    response = client.post("/submissions", data=GOOD, headers={"Origin": "http://localhost:8000"},
                           follow_redirects=False)
    assert response.headers["location"].startswith("http://localhost:8000/submit/thanks/?ref=sub_")


def test_the_thank_you_page_keeps_the_site_path(make_client):
    client = make_client(site_url="https://example.org/stories/")
    response = client.post("/submissions", data=GOOD, headers={"Origin": "https://example.org"}, follow_redirects=False)
    assert response.headers["location"].startswith("https://example.org/stories/submit/thanks/?ref=sub_")


def test_the_same_submission_sent_twice_is_stored_once(client, store_path):
    first = client.post("/submissions", json=GOOD, headers=FORM_HEADERS)
    second = client.post("/submissions", json=GOOD, headers=FORM_HEADERS)
    third = client.post("/submissions", data=GOOD, headers=FORM_HEADERS, follow_redirects=False)
    assert (first.status_code, second.status_code, third.status_code) == (201, 200, 303)
    assert first.json()["id"] == second.json()["id"]
    assert third.headers["location"] == f"{THANKS}?ref={first.json()['id']}"  # the same reference each time
    assert len(rows(store_path)) == 1
    client.post("/submissions", json=good(title="Another story entirely"), headers=FORM_HEADERS)
    assert len(rows(store_path)) == 2


# -- refused with the form's errors --------------------------------------------------------------------------

def test_an_invalid_form_post_comes_back_with_each_error_next_to_its_field_and_everything_typed(client, store_path):
    sent = good(title="<b>Loud</b> title", tags=[], told_by="", email="sam@example.org", industry="")
    response = client.post("/submissions", data=sent, headers=FORM_HEADERS, follow_redirects=False)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert "must be plain text" in page.error("title")
    assert page.error("tags") == "Choose at least one tag."
    assert page.error("told_by") == "Give the name to show, or choose to publish anonymously."
    assert page.error("industry") == "Choose an industry."
    assert page.error("story") == "" and page.error("business") == ""
    # Tied to its field, and marked invalid.
    title = page["sf-title"]
    assert "sf-title-error" in title.get("aria-describedby").split()
    assert title.get("aria-invalid") == "true"
    assert "sf-tags-error" in page["sf-tags"].get("aria-describedby").split()
    # Everything typed is still there.
    assert title.get("value") == "<b>Loud</b> title"
    assert page["sf-story"].text == GOOD["story"]
    assert page["sf-email"].get("value") == "sam@example.org"
    assert page["sf-month"].get("value") == "2011-11"
    assert page["sf-business"].get("value") == GOOD["business"]
    assert "checked" in page["sf-perspective-customer"].attrs
    assert "checked" in page["sf-consent"].attrs
    assert page["sf-channel"].text  # the select is there...
    assert any(el.tag == "option" and el.get("value") == "online" and "selected" in el.attrs for el in page.elements)
    # The summary lists each problem and links to its field.
    links = [el.get("href") for el in page.elements if el.tag == "a" and el.get("href", "").startswith("#sf-")]
    assert links[:2] == ["#sf-title", "#sf-industry"] and "#sf-tags-mistake-recovery" in links
    # The form goes back to the receiver it came from, however the visitor reached it.
    assert page["story-form"].get("action") == "submissions"
    # The trap is never filled in again, and nothing was stored.
    assert page["sf-website"].get("value") == ""
    assert rows(store_path) == []


def test_typed_text_is_escaped_when_the_form_comes_back(client):
    response = client.post("/submissions", data=good(title='"><script>alert(1)</script>', tags=[]),
                           headers=FORM_HEADERS, follow_redirects=False)
    assert response.status_code == 422
    assert "<script>alert(1)" not in response.text
    assert Page(response.text)["sf-title"].get("value") == '"><script>alert(1)</script>'


def test_an_invalid_json_post_is_answered_with_errors_by_field(client, store_path):
    response = client.post("/submissions", json=good(month="", story="Too short.", consent=False), headers=FORM_HEADERS)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["month"] == "Choose the month and year."
    assert errors["story"].startswith("Tell us a little more: at least 200 characters")
    assert errors["consent"].startswith("We need your permission")
    assert set(errors) == {"month", "story", "consent"}
    assert rows(store_path) == []


def test_a_month_in_the_future_is_refused(client):
    response = client.post("/submissions", json=good(month="2999-01"), headers=FORM_HEADERS)
    assert response.json()["errors"] == {"month": "Choose a month that has already come."}


@pytest.mark.parametrize(("field", "limit"), [("title", 120), ("business", 100), ("told_by", 100), ("story", 20_000)])
def test_each_field_has_a_length_limit(client, store_path, field, limit):
    at_limit = client.post("/submissions", json=good(**{field: "x" * limit}), headers=FORM_HEADERS)
    over = client.post("/submissions", json=good(**{field: "y" * (limit + 1)}), headers=FORM_HEADERS)
    assert at_limit.status_code == 201, at_limit.text
    assert over.status_code == 422
    assert f"at most {limit} characters" in over.json()["errors"][field]
    assert len(rows(store_path)) == 1


def test_more_than_five_tags_or_unknown_tags_are_refused(client):
    six = ["mistake-recovery", "free-of-charge", "loyalty", "personal-touch", "thank-you", "empathy"]
    assert client.post("/submissions", json=good(tags=six), headers=FORM_HEADERS).json()["errors"]["tags"].startswith(
        "Choose at most 5 tags")
    assert client.post("/submissions", json=good(tags=["bribery"]), headers=FORM_HEADERS).json()["errors"] == {
        "tags": "Choose the tags from the list."}


# -- the honeypot ---------------------------------------------------------------------------------------------

def test_a_filled_honeypot_is_answered_like_success_and_stored_as_spam(client, store_path):
    human = client.post("/submissions", data=good(title="A human story"), headers=FORM_HEADERS, follow_redirects=False)
    robot = client.post("/submissions", data=good(title="A robot story", website="http://spam.example"),
                        headers=FORM_HEADERS, follow_redirects=False)
    assert robot.status_code == human.status_code == 303
    # The same page, each with a reference of the same shape: the robot learns nothing.
    assert robot.headers["location"].split("?ref=sub_")[0] == human.headers["location"].split("?ref=sub_")[0] == THANKS
    assert len(robot.headers["location"]) == len(human.headers["location"])
    robot_json = client.post("/submissions", json=good(title="A robot story, again", website="x", tags=[]),
                             headers=FORM_HEADERS)
    assert robot_json.status_code == 201 and robot_json.json()["ok"] is True  # even when invalid
    assert [r.fields["title"] for r in rows(store_path, "accepted")] == ["A human story"]
    assert sorted(r.fields["title"] for r in rows(store_path, "spam")) == ["A robot story", "A robot story, again"]


# -- protection -------------------------------------------------------------------------------------------------

def test_too_many_posts_from_one_address_are_answered_429_with_retry_after(make_client, store_path):
    client = make_client(rate=3, rate_window=60)
    statuses = [client.post("/submissions", json=good(title=f"Story number {n}"), headers=FORM_HEADERS).status_code
                for n in range(3)]
    assert statuses == [201, 201, 201]
    refused = client.post("/submissions", json=good(title="Story number 4"), headers=FORM_HEADERS)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20  # one post every 20 s refills
    assert refused.json()["error"] == "rate-limited"
    page = client.post("/submissions", data=good(title="Story number 5"), headers=FORM_HEADERS)
    assert page.status_code == 429 and "Too many stories" in page.text
    assert len(rows(store_path)) == 3


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:8000.evil.example",
                                    "http://127.0.0.1:9999"])
def test_a_post_from_another_site_is_refused_403(client, store_path, origin):
    response = client.post("/submissions", data=GOOD, headers={"Origin": origin}, follow_redirects=False)
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert rows(store_path) == []


def test_a_browser_post_that_hides_its_origin_but_says_cross_site_is_refused(client, store_path):
    assert client.post("/submissions", data=GOOD, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post("/submissions", data=GOOD, headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
    assert rows(store_path) == []


def test_posts_from_the_receivers_own_page_and_from_non_browsers_are_taken(client, store_path):
    own = client.post("/submissions", data=good(title="Sent from the error page"),
                      headers={"Origin": RECEIVER, "Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    other_name = client.post("/submissions", data=good(title="Sent from the error page, by another name"),
                             headers={"Origin": "http://localhost:8001"}, follow_redirects=False)
    curl = client.post("/submissions", data=good(title="Sent with curl"), follow_redirects=False)
    assert own.status_code == curl.status_code == other_name.status_code == 303
    assert own.headers["location"].startswith(THANKS + "?ref=sub_")  # back to the site, not to the receiver
    assert len(rows(store_path)) == 3


def test_a_page_that_rebinds_its_own_name_to_the_receiver_is_refused(make_settings, store_path):
    # DNS rebinding: evil.example now resolves to 127.0.0.1, so its page is "same-origin" with what it reaches.
    # The receiver's own origins come from its settings, never from the Host header.
    with TestClient(create_app(make_settings()), base_url="http://evil.example:8001") as client:
        response = client.post("/submissions", data=GOOD, headers={"Origin": "http://evil.example:8001",
                                                                   "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 403
    assert rows(store_path) == []


def test_an_origin_allowed_on_the_command_line_may_post(make_client):
    client = make_client(allow_origins=("https://stories.example.org",))
    response = client.post("/submissions", json=GOOD, headers={"Origin": "https://stories.example.org"})
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == "https://stories.example.org"


def test_the_cors_preflight_answers_allowed_origins_only(client):
    allowed = client.options("/submissions", headers={
        "Origin": SITE, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "content-type" in allowed.headers["access-control-allow-headers"].lower()
    refused = client.options("/submissions", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/xml",
                                          "application/json; charset=latin-1", ""])
def test_a_wrong_content_type_is_refused_415(client, store_path, content_type):
    response = client.post("/submissions", content=json.dumps(GOOD).encode(),
                           headers={"Content-Type": content_type, **FORM_HEADERS})
    assert response.status_code == 415
    assert rows(store_path) == []


def test_a_body_over_the_limit_is_refused_413(make_client, store_path):
    client = make_client(max_body=4096)
    response = client.post("/submissions", json=good(story="z" * 5000), headers=FORM_HEADERS)
    assert response.status_code == 413
    assert response.json()["error"] == "too-large"
    assert response.headers["connection"] == "close"
    assert rows(store_path) == []
    assert client.post("/submissions", json=GOOD, headers=FORM_HEADERS).status_code == 201


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"title": {"nested": 1}}', b'{"tags": [[1]]}',
                                  b'"just text"'])
def test_a_body_that_is_not_a_json_object_of_fields_is_refused_400(client, body):
    response = client.post("/submissions", content=body, headers={"Content-Type": "application/json", **FORM_HEADERS})
    assert response.status_code == 400


def test_a_form_body_with_bad_encoding_or_too_many_fields_is_refused_400(client):
    headers = {"Content-Type": "application/x-www-form-urlencoded", **FORM_HEADERS}
    assert client.post("/submissions", content=b"title=%FF%FE", headers=headers).status_code == 400
    assert client.post("/submissions", content=b"title=\xff", headers=headers).status_code == 400
    many = "&".join(f"tags=t{n}" for n in range(100)).encode()
    assert client.post("/submissions", content=many, headers=headers).status_code == 400


def test_a_store_that_fails_is_answered_503_and_the_story_is_not_lost_silently(client, monkeypatch):
    receiver = client.app.state.receiver

    def broken(record):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(receiver.store, "add", broken)
    response = client.post("/submissions", json=GOOD, headers=FORM_HEADERS)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "60"
    assert response.json()["ok"] is False


# -- other routes, headers, logs --------------------------------------------------------------------------------

def test_health_answers_when_the_store_does(client, store_path):
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert store_path.exists()


def test_get_on_the_form_address_leads_to_the_submit_page(client):
    response = client.get("/submissions", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{SITE}/submit/"
    assert client.get("/").status_code == 200


def test_answers_are_never_cached_nor_framed(client):
    response = client.post("/submissions", data=good(tags=[]), headers=FORM_HEADERS)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_logs_carry_the_submission_id_and_status_but_no_email_or_story(client, store_path, caplog):
    caplog.set_level(logging.DEBUG)
    marker_story = GOOD["story"] + " Unforgettable-marker-sentence."
    client.post("/submissions", json=good(story=marker_story, email="private.person@example.net"), headers=FORM_HEADERS)
    client.post("/submissions", json=good(story=marker_story, email="private.person@example.net"), headers=FORM_HEADERS)
    client.post("/submissions", json=good(title="<b>x</b>", email="private.person@example.net"), headers=FORM_HEADERS)
    client.post("/submissions", json=good(title="Trap", website="spam", email="private.person@example.net"),
                headers=FORM_HEADERS)
    [record] = rows(store_path, "accepted")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"submission {record.id} accepted" in logged
    assert f"submission {record.id} duplicate" in logged
    assert "invalid fields title" in logged
    assert " spam" in logged
    for secret in ("private.person", "example.net", "Unforgettable", "checkout failed", "Richart", "<b>x</b>", "Trap"):
        assert secret not in logged
