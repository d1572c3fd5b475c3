"""Our speedups of Material's blog (extramile/material/speedups.py, navcache.py) change no byte of any page."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from material.plugins.blog.structure import View
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from extramile.material import navcache
from extramile.material.speedups import IdentityList, _head_of

from ..conftest import REPO

SEP = "<!-- more -->"


@pytest.mark.slow
def test_every_page_is_the_same_without_the_speedups(built_site, tmp_path):
    plain = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EXTRAMILE_SPEEDUPS": "0"}
    env.pop("SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(plain)],
                            cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    assert len(pages) > 30
    assert pages == sorted(p.relative_to(built_site) for p in built_site.rglob("*.html"))
    for page in pages:
        assert (built_site / page).read_bytes() == (plain / page).read_bytes(), page


def test_identity_list_answers_in_by_identity_and_follows_changes():
    a, b, c = object(), object(), object()
    items = IdentityList([a, b])
    assert a in items and c not in items
    items.append(c)
    assert c in items
    items[0] = c
    assert a not in items
    del items[0]
    assert b in items and items == [b, c]
    assert items.index(c) == 1 and items.index(b) == 0
    with pytest.raises(ValueError):
        items.index(a)


@pytest.mark.parametrize("markdown, head", [
    ("Teaser.\n\n<!-- more -->\n\nRest.\n", "Teaser.\n\n"),
    ("Teaser.\n\n<!-- more -->  \n\nRest [x][1].\n\n[1]: https://example.org\n", None),  # defined below
    ("Teaser[^1].\n\n<!-- more -->\n\nRest.\n\n[^1]: Note.\n", None),  # a footnote defined below
    ("HTML and more.\n\n<!-- more -->\n\n*[HTML]: HyperText\n", None),  # an abbreviation defined below
    ("Teaser.\n<!-- more -->\n\nRest.\n", None),  # not a block of its own
    ("Teaser.\n\n<!-- more --> trailing\n\nRest.\n", None),
    ("```\ncode\n\n<!-- more -->\n```\nRest.\n", None),  # inside a code fence
    ("Teaser.\n\n<!-- more -->\n\n", None),  # nothing after it: Material sets no "more"
    ("No separator at all.\n", None),
])
def test_only_a_head_that_converts_alone_as_in_the_whole_is_used(markdown, head):
    assert _head_of(markdown, SEP) == head


def _page(title: str, src: str, active: bool = False, cls=Page) -> Page:
    page = cls(title, File(src, "/docs", "/site", True), {"site_url": None})
    page.active = active
    return page


def test_nav_key_is_shared_by_pages_at_the_same_place_and_refused_for_nav_pages():
    home, about = _page("Home", "index.md"), _page("About", "about.md")
    section = Section("Stories", [_page("Stories", "stories/index.md", active=True)])
    nav = Navigation([home, section, about], [home, about])
    one, two = _page("One", "stories/one.md"), _page("Two", "stories/two.md")
    assert navcache.nav_key(one, nav) == navcache.nav_key(two, nav) is not None
    assert navcache.nav_key(about, nav) is None  # its own item shows its table of contents
    assert navcache.nav_key(_page("Deep", "stories/one/deeper.md"), nav) != navcache.nav_key(one, nav)
    section.active = True
    assert navcache.nav_key(one, nav) != navcache.nav_key(two, Navigation([home, Section("S", []), about], []))
    view = _page("Page 2", "stories/page/2/index.md", cls=View)
    assert navcache.nav_key(view, nav) is None  # a blog view: Material swaps it into the navigation
