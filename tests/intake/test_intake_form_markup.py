"""The shared form partial: rendered as MkDocs renders it (no autoescaping), for every provider, and in the
real built site."""

from __future__ import annotations

import re

import jinja2
import pytest

from extramile.intake.config import intake_settings

from .conftest import GOOD, ROOT
from .pagehtml import Page

FIELDS = ("title", "story", "perspective", "business", "industry", "channel", "tags", "month", "told_by",
          "anonymous", "email", "consent")


def render(vocabulary, intake: dict, values: dict | None = None, errors: dict | None = None) -> str:
    # Like MkDocs: autoescape off, and a `url` filter that makes site paths relative to the page (/submit/).
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "shared")))
    env.filters["url"] = lambda path: "../" + path
    context = {"vocabulary": vocabulary, "intake": intake}
    if values is not None:
        context.update(values=values, errors=errors or {})
    return env.get_template("partials/story-form.html").render(**context)


def form_of(page: Page):
    return page["story-form"]


def check_accessible(page: Page) -> None:
    """Every control has a label; every id that describes a control exists."""
    labelled = {el.get("for") for el in page.elements if el.tag == "label"}
    for el in page.elements:
        if el.tag in ("input", "select", "textarea") and el.get("type") != "hidden":
            assert el.get("id") in labelled, f"{el.get('name')} has no label"
        for described in (el.get("aria-describedby") or "").split():
            assert described in page.by_id, f"{el.get('id')} is described by missing #{described}"


def test_the_form_has_every_field_the_contract_names(vocabulary):
    page = Page(render(vocabulary, intake_settings({})))
    names = {el.get("name") for el in page.elements if el.get("name")}
    assert set(FIELDS) | {"website"} <= names
    assert {el.get("value") for el in page.named("tags")} == {term.slug for term in vocabulary.tags}
    assert [el.get("value") for el in page.named("industry")[0:1]] == [None]
    industries = [el.get("value") for el in page.elements if el.tag == "option"][1:len(vocabulary.industries) + 1]
    assert industries == [term.slug for term in vocabulary.industries]
    assert page["sf-month"].get("type") == "month"
    assert {el.get("value") for el in page.named("perspective")} == {"customer", "business"}
    check_accessible(page)


def test_the_form_works_without_javascript(vocabulary):
    page = Page(render(vocabulary, intake_settings({})))
    form = form_of(page)
    assert form.get("method") == "post" and form.get("action") == "http://127.0.0.1:8001/submissions"
    assert "novalidate" not in form.attrs  # the browser's own validation
    for name in ("title", "story", "business", "industry", "channel", "month", "consent"):
        assert "required" in page[f"sf-{name}"].attrs, name
    assert page["sf-title"].get("maxlength") == "120"
    assert page["sf-story"].get("minlength") == "200" and page["sf-story"].get("maxlength") == "20000"
    assert page["sf-email"].get("type") == "email" and "required" not in page["sf-email"].attrs


def test_the_honeypot_is_hidden_from_people_but_not_from_robots(vocabulary):
    page = Page(render(vocabulary, intake_settings({})))
    trap = page["sf-website"]
    assert trap.get("type") == "text"  # robots skip type=hidden
    assert trap.get("tabindex") == "-1" and trap.get("autocomplete") == "off"
    wrapper = next(el for el in page.elements if "em-form__trap" in (el.get("class") or ""))
    assert wrapper.get("aria-hidden") == "true"
    assert "left:-10000px" in wrapper.get("style")


def test_values_and_errors_are_escaped_even_without_autoescaping(vocabulary):
    values = {**GOOD, "title": '"><script>alert(1)</script>', "story": "</textarea><script>x()</script>",
              "tags": ["loyalty"]}
    errors = {"title": "<b>bad</b>"}
    html = render(vocabulary, intake_settings({}), values, errors)
    assert "<script>" not in html and "<b>bad</b>" not in html
    page = Page(html)
    assert page["sf-title"].get("value") == values["title"]
    assert page["sf-story"].text == values["story"]
    assert page.error("title") == "<b>bad</b>"
    assert "checked" in page["sf-tags-loyalty"].attrs and "checked" not in page["sf-tags-empathy"].attrs
    assert not page["sf-summary"].attrs.get("hidden") and "hidden" not in page["sf-summary"].attrs


def test_without_errors_the_summary_is_hidden_and_no_field_is_invalid(vocabulary):
    page = Page(render(vocabulary, intake_settings({})))
    assert "hidden" in page["sf-summary"].attrs
    assert not any(el.get("aria-invalid") for el in page.elements)


def test_netlify_forms_finds_its_form(vocabulary):
    page = Page(render(vocabulary, intake_settings({"provider": "netlify"})))
    form = form_of(page)
    assert form.get("data-netlify") == "true"
    assert form.get("name") == "story"
    assert form.get("netlify-honeypot") == "website"
    assert form.get("action") == "../submit/thanks/"
    hidden = [el for el in page.elements if el.get("type") == "hidden"]
    assert [(el.get("name"), el.get("value")) for el in hidden] == [("form-name", "story")]


def test_formspree_gets_its_action_and_its_honeypot(vocabulary):
    page = Page(render(vocabulary, intake_settings({"provider": "formspree", "action": "https://formspree.io/f/xyz"})))
    assert form_of(page).get("action") == "https://formspree.io/f/xyz"
    assert page["sf-_gotcha"].get("name") == "_gotcha"
    assert form_of(page).get("data-script") == "fetch"


@pytest.mark.slow
def test_the_built_site_has_the_submit_form_and_the_thank_you_page(built_site, vocabulary):
    html = (built_site / "submit" / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    form = form_of(page)
    assert form.get("action").endswith("/submissions")
    assert form.get("data-thanks") == "thanks/"
    start = html.index('<form class="em-form"')
    check_accessible(Page(html[start:html.index("</form>", start) + 7]))
    names = {el.get("name") for el in page.elements if el.get("name")}
    assert set(FIELDS) <= names
    # The script and stylesheet the page links to were copied into the site.
    for link in re.findall(r'(?:src|href)="(\.\./assets/(?:javascripts|stylesheets)/story-form\.(?:js|css))"', html):
        assert (built_site / "submit" / link).resolve().is_file(), link
    assert len(re.findall(r"story-form\.(?:js|css)", html)) == 2
    thanks = (built_site / "submit" / "thanks" / "index.html").read_text(encoding="utf-8")
    assert "Your story has arrived" in thanks
