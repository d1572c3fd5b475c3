"""What the Submit page tells a sender: what is kept, why, how long, whom to ask; and the reference to quote.

One place sets it (mkdocs.yml extra.intake, read by intake/config.py), one partial says it, and both engines'
real builds show the same words; both thank-you pages hold the place for the reference and load the script
that fills it in.
"""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup

from extramile.editorial import private
from extramile.intake import config
from extramile.intake.config import IntakeConfigError, intake_settings, retention_days
from extramile.intake.store import new_submission_id

from tests.conftest import REPO as REPO_ROOT, mkdocs_build, serve_directory
from tests.pelican.conftest import copy_pelican_site, pelican_build

from .pagehtml import Page
from .test_intake_form_markup import render

JS = REPO_ROOT / "theme/material/assets/javascripts/story-form.js"


def privacy_text(html: str) -> str:
    section = BeautifulSoup(html, "html.parser").find(id="sf-privacy")
    assert section is not None, "no privacy text"
    return " ".join(section.get_text(" ").split())


def test_the_page_and_the_purge_have_the_same_default_retention():
    assert config.RETENTION_DAYS == private.RETENTION_DAYS
    assert intake_settings({}, {})["privacy"] == {"contact": None, "contact_href": None, "retention_days": 180}


def test_the_retention_period_follows_the_purges_variable_unless_set(tmp_path):
    assert intake_settings({}, {"EXTRAMILE_RETENTION_DAYS": "30"})["privacy"]["retention_days"] == 30
    assert intake_settings({"retention_days": 90}, {"EXTRAMILE_RETENTION_DAYS": "30"})["privacy"]["retention_days"] == 90
    for wrong in (-1, "soon"):
        with pytest.raises(IntakeConfigError, match="retention_days"):
            intake_settings({"retention_days": wrong}, {})
    # What the purge would read from the site's configuration (config.retention_days), the page's own number.
    assert retention_days(tmp_path, {"EXTRAMILE_RETENTION_DAYS": "30"}) == 30  # no mkdocs.yml at all
    (tmp_path / "mkdocs.yml").write_text("extra:\n  intake:\n    retention_days: 60\n")
    assert retention_days(tmp_path, {"EXTRAMILE_RETENTION_DAYS": "30"}) == 60


@pytest.mark.parametrize(("contact", "href", "shown"), [
    ("privacy@example.org", "mailto:privacy@example.org", "privacy@example.org"),
    ("mailto:privacy@example.org", "mailto:privacy@example.org", "privacy@example.org"),
    ("https://example.org/privacy/", "https://example.org/privacy/", "https://example.org/privacy/"),
])
def test_the_privacy_contact_is_an_address_or_a_page(contact, href, shown):
    privacy = intake_settings({"privacy_contact": contact}, {})["privacy"]
    assert (privacy["contact_href"], privacy["contact"]) == (href, shown)


@pytest.mark.parametrize("contact", ["javascript:alert(1)", "the editors", "<a>@b.c", "ftp://example.org/"])
def test_a_privacy_contact_that_is_neither_is_refused(contact):
    with pytest.raises(IntakeConfigError, match="privacy_contact"):
        intake_settings({"privacy_contact": contact}, {})


def test_the_privacy_text_lists_what_is_kept_why_how_long_and_whom_to_ask(vocabulary):
    text = privacy_text(render(vocabulary, intake_settings({}, {})))
    for kept in ("title, story, month", "e-mail address, if you give one", "IP address", "user agent",
                 "time you gave your permission", "abuse", "proof that you agreed", "never published",
                 "erased 180 days later", "at any time", "reply to the site's editors", "sub_"):
        assert kept in text, kept
    html = render(vocabulary, intake_settings({"privacy_contact": "privacy@example.org", "retention_days": 30}, {}))
    page, text = Page(html), privacy_text(html)
    assert "erased 30 days later" in text and "write to privacy@example.org" in text
    assert "reply to the site's editors" not in text
    assert any(el.tag == "a" and el.get("href") == "mailto:privacy@example.org" for el in page.elements)


def test_with_a_hosted_form_the_text_names_the_service_and_asks_for_the_title_instead(vocabulary):
    text = privacy_text(render(vocabulary, intake_settings({"provider": "netlify",
                                                            "privacy_contact": "https://example.org/contact"}, {})))
    assert "Netlify Forms" in text and "title" in text and "sub_" not in text
    assert "use https://example.org/contact" in text


def test_the_script_knows_a_reference_as_the_receiver_makes_it():
    pattern = re.search(r"var REFERENCE = /(.+?)/;", JS.read_text(encoding="utf-8")).group(1)
    assert all(re.fullmatch(pattern, new_submission_id()) for _ in range(50))
    assert "textContent = reference" in JS.read_text(encoding="utf-8")  # text, never innerHTML


# -- both engines' real builds ---------------------------------------------------------------------------------

ENV = {"EXTRAMILE_PRIVACY_CONTACT": "https://stories.example.org/privacy/", "EXTRAMILE_RETENTION_DAYS": "45"}


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory):
    """The site built by each engine from one copy of the sources, with the privacy settings in the environment,
    as a deploy sets them."""
    folder = tmp_path_factory.mktemp("privacy")
    source = copy_pelican_site(folder / "src")
    patch = pytest.MonkeyPatch()
    for name, value in ENV.items():
        patch.setenv(name, value)
    try:
        mkdocs_build(source, folder / "material")
        pelican_build(source, folder / "pelican", env=ENV)
    finally:
        patch.undo()
    yield folder / "material", folder / "pelican"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_both_engines_show_the_same_privacy_text_from_the_one_setting(both_sites):
    texts = [privacy_text((site / "submit" / "index.html").read_text(encoding="utf-8")) for site in both_sites]
    assert texts[0] == texts[1]
    assert "erased 45 days later" in texts[0] and "use https://stories.example.org/privacy/" in texts[0]
    for site in both_sites:
        soup = BeautifulSoup((site / "submit" / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.find("a", href="https://stories.example.org/privacy/")
        assert soup.find("a", href="#sf-privacy")  # the page's text points to it


@pytest.mark.slow
def test_both_thank_you_pages_hold_the_reference_and_load_the_script_that_shows_it(both_sites):
    for site in both_sites:
        path = site / "submit" / "thanks" / "index.html"
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        box = soup.find(id="submission-reference")
        assert box is not None and box.has_attr("hidden") and box.find("code", class_="em-reference__id")
        assert soup.find("noscript") is not None
        assert soup.find(id="story-form") is None  # the thank-you page has no form
        [script] = [s for s in soup.find_all("script", src=True) if "story-form.js" in s["src"]]
        assert (path.parent / script["src"]).resolve().is_file(), script["src"]
        assert "Your story has arrived" in soup.get_text()


@pytest.mark.slow
@pytest.mark.browser
def test_the_pelican_thank_you_page_shows_the_reference_in_a_browser(both_sites, page):
    _, pelican = both_sites
    reference = new_submission_id()
    with serve_directory(pelican) as url:
        page.goto(f"{url}submit/thanks/?ref={reference}")
        assert page.locator("#submission-reference code").inner_text() == reference
        page.goto(f"{url}submit/thanks/?ref=%3Cb%3Esub_%3C/b%3E")
        assert not page.locator("#submission-reference").is_visible()
