"""extra.intake: the provider's wiring for the form, and the receiver's settings read from mkdocs.yml."""

from __future__ import annotations

import textwrap

import pytest

from extramile.intake.config import (
    DEFAULT_RECEIVER_URL, IntakeConfigError, intake_settings, origin_of, read_site_config, receiver_settings,
)
from extramile.intake.protection import RateLimiter, Refusal, media_type
from extramile.submission import FIELD_LIMITS, form_messages

from .conftest import ROOT


def test_the_receiver_is_the_default_provider():
    settings = intake_settings({})
    assert settings["provider"] == "receiver"
    assert settings["action"] == DEFAULT_RECEIVER_URL
    assert settings["honeypot"] == "website"
    assert settings["script"] == "json"
    assert settings["thanks"] == "submit/thanks/"
    assert settings["limits"] == FIELD_LIMITS
    assert settings["messages"] == form_messages()


def test_netlify_gets_the_attributes_and_honeypot_netlify_forms_expects():
    settings = intake_settings({"provider": "netlify"})
    assert settings["attributes"] == {"name": "story", "data-netlify": "true", "netlify-honeypot": "website"}
    assert settings["hidden"] == {"form-name": "story"}
    assert settings["action"] is None  # the form posts to the thank-you page, which Netlify then shows
    assert settings["script"] == "native"


def test_formspree_needs_its_action_url():
    with pytest.raises(IntakeConfigError, match="formspree"):
        intake_settings({"provider": "formspree"})
    settings = intake_settings({"provider": "formspree", "action": "https://formspree.io/f/abcd1234"})
    assert settings["action"] == "https://formspree.io/f/abcd1234"
    assert settings["honeypot"] == "_gotcha"
    assert settings["script"] == "fetch"


@pytest.mark.parametrize(("extra", "match"), [
    ({"provider": "google"}, "provider"),
    ({"provder": "receiver"}, "unknown key"),
    ({"url": "ftp://example.org/x"}, "http"),
    ({"url": "/submissions"}, "absolute"),
    ({"provider": "netlify", "form_name": "my form"}, "form_name"),
    ({"honeypot": "a b"}, "honeypot"),
])
def test_a_mistake_in_extra_intake_is_named(extra, match):
    with pytest.raises(IntakeConfigError, match=match):
        intake_settings(extra)


def test_the_real_mkdocs_yml_wires_the_receiver_and_its_url_follows_the_environment(monkeypatch):
    monkeypatch.delenv("EXTRAMILE_INTAKE_URL", raising=False)
    extra = read_site_config(ROOT)["extra"]["intake"]
    assert intake_settings(extra)["action"] == DEFAULT_RECEIVER_URL
    monkeypatch.setenv("EXTRAMILE_INTAKE_URL", "http://127.0.0.1:9123/submissions")
    extra = read_site_config(ROOT)["extra"]["intake"]
    assert intake_settings(extra)["action"] == "http://127.0.0.1:9123/submissions"


def test_receiver_settings_allow_the_dev_server_the_site_url_and_configured_origins(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Test
        site_url: !ENV [NO_SUCH_VARIABLE_HERE, "https://Stories.Example.org:443/extra/"]
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        extra:
          intake:
            provider: receiver
            url: https://stories.example.org/intake/submissions
        """))
    settings = receiver_settings(tmp_path, allow_origins=["https://preview.example.org/"],
                                 environ={"EXTRAMILE_INTAKE_ORIGINS": "https://a.example, https://b.example:8443"})
    assert settings.allowed_origins == {
        "http://127.0.0.1:8000", "http://localhost:8000", "https://stories.example.org",
        "https://preview.example.org", "https://a.example", "https://b.example:8443"}
    assert settings.intake["action"] == "https://stories.example.org/intake/submissions"
    assert settings.store == tmp_path.resolve() / "var/intake/submissions.sqlite3"
    assert settings.page_url("submit/thanks/", "https://stories.example.org") == \
        "https://stories.example.org/extra/submit/thanks/"
    assert settings.page_url("submit/thanks/", "https://evil.example") == \
        "https://Stories.Example.org:443/extra/submit/thanks/"


@pytest.mark.parametrize(("url", "origin"), [
    ("http://LOCALHOST:8000/", "http://localhost:8000"),
    ("https://example.org:443", "https://example.org"),
    ("http://[::1]:8000", "http://[::1]:8000"),
])
def test_origins_are_compared_as_browsers_send_them(url, origin):
    assert origin_of(url) == origin


@pytest.mark.parametrize("url", ["null", "file:///etc", "http://user@example.org", "http://a:8000.evil", "example.org"])
def test_what_is_not_an_origin_is_refused(url):
    with pytest.raises(IntakeConfigError):
        origin_of(url)


def test_the_rate_limiter_allows_a_burst_then_one_post_per_interval_per_address():
    now = [1000.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.retry_after("a") == 20
    assert limiter.retry_after("b") == 0  # another address has its own allowance
    now[0] += 15
    assert limiter.retry_after("a") == 5
    now[0] += 5
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") == 20


def test_the_rate_limiter_forgets_addresses_so_its_memory_stays_bounded():
    now = [0.0]
    limiter = RateLimiter(2, 10, clock=lambda: now[0], max_clients=100)
    for n in range(1000):
        limiter.retry_after(f"10.0.{n // 256}.{n % 256}")
        now[0] += 0.001
    assert len(limiter) <= 100


def test_a_rate_of_zero_turns_the_limit_off():
    limiter = RateLimiter(0, 60)
    assert all(limiter.retry_after("a") == 0 for _ in range(1000))


@pytest.mark.parametrize(("header", "kind"), [
    ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
    ("application/x-www-form-urlencoded; charset=UTF-8", "application/x-www-form-urlencoded"),
    ("Application/JSON;charset=utf-8", "application/json"),
])
def test_form_and_json_content_types_are_read(header, kind):
    assert media_type(header) == kind


@pytest.mark.parametrize("header", [None, "text/plain", "application/json; charset=utf-16", "application/jsonx"])
def test_other_content_types_are_refused_415(header):
    with pytest.raises(Refusal) as refused:
        media_type(header)
    assert refused.value.status == 415
