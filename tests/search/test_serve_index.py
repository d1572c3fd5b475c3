"""`mkdocs serve` (the editor's preview, which shows drafts) builds the search index too, without the drafts."""

from __future__ import annotations

import pytest

from tests.conftest import fetch

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_serve_indexes_the_published_stories_and_no_draft(preview, page, published, drafts):
    assert drafts
    slug = next(iter(drafts))
    assert drafts[slug]["title"] in fetch(f"{preview}stories/{slug}/")  # the preview does show the draft...
    page.goto(f"{preview}browse/")
    urls = page.evaluate("""async () => {
        const engine = await import("/search/search.js");
        const search = await engine.search(null, {sort: {date: "desc"}});
        return Promise.all(search.results.map(async (result) => (await result.data()).url));
    }""")
    assert sorted(urls) == sorted(f"/stories/{s}/" for s in published)  # ...but never indexes it
