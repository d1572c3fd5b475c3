"""Malformed posts are refused with a 4xx that names the field and says what is wrong, never a 500."""

from __future__ import annotations

import json
import random
from urllib.parse import urlencode

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from extramile.intake.app import create_app

from .conftest import GOOD, SITE, good, rows
from .pagehtml import Page
from .realserver import send

JSON_HEADERS = {"Content-Type": "application/json", "Origin": SITE}
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Origin": SITE}


def as_json(**changes: object) -> bytes:
    # ensure_ascii: a lone surrogate goes as the escape "\ud800", as a careless client would send it
    return json.dumps(good(**changes)).encode()


@pytest.mark.parametrize(("body", "field", "says"), [
    (as_json(title="A lone \ud800 surrogate"), "title", "lone surrogate (\\ud800)"),
    (as_json(story=GOOD["story"] + "\udc00"), "story", "lone surrogate (\\udc00)"),
    (as_json(email="a\udfff@example.org"), "email", "lone surrogate"),
    (as_json(tags=["loyalty", "\ud83d"]), "tags", "lone surrogate"),
    (as_json(title=["Two", "titles"]), "title", "must be text, not a list"),
    (as_json(title=5), "title", "must be text, not a number"),
    (as_json(month={"year": 2020}), "month", "must be text, not an object"),
    (as_json(told_by=True), "told_by", "must be text, not true or false"),
    (as_json(tags={"loyalty": True}), "tags", "must be a list of text, not an object"),
    (as_json(tags=["loyalty", 7]), "tags", "must be a list of text: it holds a number"),
    (as_json(consent=[True]), "consent", "must be true or false, not a list"),
    (as_json(anonymous=1), "anonymous", "must be true or false, not a number"),
    (b'{"title": "A", "title": "B"}', "title", "is given more than once"),
    (json.dumps(good()).encode()[:-1] + b', "story2": "\xff\xfe"}', None, '"story2" is not valid UTF-8'),
    (json.dumps(good()).replace('"Sam"', '"S\\u00e9"').encode().replace(b"\\u00e9", b"\xe9"), "told_by",
     "is not valid UTF-8"),
])
def test_a_json_field_that_is_malformed_is_refused_400_naming_it(client, store_path, body, field, says):
    response = client.post("/submissions", content=body, headers=JSON_HEADERS)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["ok"] is False and says in answer["message"]
    if field:  # a field of the form: the page's script shows the message next to it
        assert f'"{field}"' in answer["message"]
        assert answer["field"] == field and answer["errors"] == {field: answer["message"]}
    else:
        assert "errors" not in answer
    assert rows(store_path) == []


@pytest.mark.parametrize(("body", "says"), [
    (b"[1, 2]", "must be a JSON object of fields, not a list"),
    (b'"just text"', "not text"),
    (b"null", "not null"),
    (b"{not json", "not valid JSON (Expecting property name enclosed in double quotes at character 1)"),
    (b"", "not valid JSON"),
    (b'{"title": NaN}', "NaN, which is not a JSON number"),
    (b'{"title": ' + b"9" * 5000 + b"}", "a number too long to read"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"\\ud800": "x"}', "a field's name holds a lone surrogate"),
    (b'{"title": "\xff"', "not valid JSON"),
])
def test_a_json_body_that_is_not_an_object_of_fields_is_refused_400_saying_why(client, body, says):
    response = client.post("/submissions", content=body, headers=JSON_HEADERS)
    assert response.status_code == 400
    assert says in response.json()["message"]


@pytest.mark.parametrize(("body", "says"), [
    (b"title=%FF%FE&story=x", 'The field "title" is not valid UTF-8'),
    (b"told_by=%ED%A0%80", 'The field "told_by" is not valid UTF-8'),  # a surrogate, percent-encoded
    (b"story=caf\xe9", 'The field "story" is not valid UTF-8'),  # Latin-1, not percent-encoded
    (b"%FF=1", "a field's name is not valid UTF-8"),
    (b"%3Cb%3E=%FF", 'The field "<b>" is not valid UTF-8'),  # shown escaped, as everything typed
])
def test_a_form_field_that_is_not_utf8_is_refused_400_naming_it_on_a_page(client, store_path, body, says):
    sent = urlencode(good(), doseq=True).encode() + b"&" + body
    response = client.post("/submissions", content=sent, headers=FORM_HEADERS)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert str(escape(says)) in response.text
    assert any(element.tag == "main" for element in Page(response.text).elements)
    assert rows(store_path) == []


def test_the_same_story_as_before_is_taken_in_both_encodings(client, store_path):
    assert client.post("/submissions", json={**GOOD, "consent": True, "anonymous": None}, headers={"Origin": SITE}
                       ).status_code == 201
    form = urlencode(good(title="Sent as a form; with + and %", tags=["loyalty"]), doseq=True).encode()
    assert client.post("/submissions", content=form + b"&&empty=", headers=FORM_HEADERS,
                       follow_redirects=False).status_code == 303
    assert sorted(r.fields["title"] for r in rows(store_path)) == [GOOD["title"], "Sent as a form; with + and %"]


def test_random_malformed_json_posts_are_never_answered_500(client):
    chance = random.Random(10)
    odd = [None, True, 3, 2.5, [], {}, ["x", {}], "\ud800", "\udfff tail", "\x00", "", [["deep"]], "x" * 300]
    statuses = set()
    for _ in range(300):
        data = good()
        for name in chance.sample([*GOOD, "website", "extra"], 2):
            data[name] = chance.choice(odd)
        response = client.post("/submissions", content=json.dumps(data).encode(), headers=JSON_HEADERS)
        statuses.add(response.status_code)
    assert statuses <= {200, 201, 400, 422}, statuses


@pytest.mark.parametrize("origin", ["http://[", "http://[::1", "http://exa mple.org"])
def test_a_malformed_origin_is_refused_403_not_500(client, origin):
    assert client.post("/submissions", json=GOOD, headers={"Origin": origin}).status_code == 403
    assert client.options("/submissions", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
                          ).status_code == 403


def test_on_the_real_server_malformed_posts_get_400_and_good_ones_still_go_in(make_server, store_path):
    server = make_server()
    status, _, body = send(server, as_json(title="A lone \ud800 surrogate"), "application/json")
    assert status == 400 and json.loads(body)["field"] == "title"
    status, headers, body = send(server, b"title=%ED%A0%80", "application/x-www-form-urlencoded")
    assert status == 400 and b"&#34;title&#34; is not valid UTF-8" in body
    assert headers["content-type"].startswith("text/html")
    status, _, _ = send(server, as_json(), "application/json")
    assert status == 201
    assert len(rows(store_path)) == 1


# -- the receiver's own pages and answers ---------------------------------------------------------------------

def test_the_receivers_pages_have_a_main_landmark_and_a_strict_policy(client):
    page = client.post("/submissions", data=good(tags=[]), headers={"Origin": SITE})
    assert page.status_code == 422
    assert [element.tag for element in Page(page.text).elements].count("main") == 1
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy
    # the form posts here, and is sent on to the thank-you page on the site: nowhere else
    assert "form-action 'self' http://127.0.0.1:8000 http://localhost:8000" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert [element.tag for element in Page(client.get("/").text).elements].count("main") == 1


def test_a_post_without_an_open_store_is_answered_503_not_500(make_settings):
    client = TestClient(create_app(make_settings()))  # not entered: the lifespan never opened the store
    response = client.post("/submissions", json=GOOD, headers={"Origin": SITE})
    assert response.status_code == 503 and response.headers["retry-after"] == "60"
    assert client.get("/health").status_code == 503
