"""Drafts never reach the built site; the search index holds the published stories' text."""

from __future__ import annotations

import gzip
import re

from extramile.search.index import read_documents


def distinctive_phrases(slug, post) -> list[str]:
    words = re.findall(r"\S+", post.content.replace("<!-- more -->", ""))
    return [slug, post["title"], " ".join(words[3:9])]


def built_texts(site):
    for path in site.rglob("*"):
        if path.suffix in {".html", ".xml", ".json", ".txt", ".js"} and path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".gz":
            yield path, gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def test_drafts_are_in_no_page_feed_sitemap_or_index(built_site, drafts):
    assert drafts
    for slug, post in drafts.items():
        assert not (built_site / "stories" / slug).exists()
        needles = distinctive_phrases(slug, post)
        for path, text in built_texts(built_site):
            for needle in needles:
                assert needle not in text, f"draft {slug}: {needle!r} found in {path.relative_to(built_site)}"


def test_search_index_holds_every_published_story_text(built_site, published, drafts):
    # The search index: one document per published story, its title and text; never a draft.
    fragments = read_documents(built_site / "search")
    by_url = {fragment["url"]: fragment for fragment in fragments}
    assert set(by_url) == {f"stories/{slug}/" for slug in published}
    assert drafts
    for slug, post in drafts.items():
        assert f"stories/{slug}/" not in by_url
        for needle in distinctive_phrases(slug, post):
            for fragment in fragments:
                assert needle not in fragment["content"], f"draft {slug}: {needle!r} in {fragment['url']}'s record"
    for slug, post in published.items():
        fragment = by_url[f"stories/{slug}/"]
        assert fragment["meta"]["title"] == post["title"]
        for word in re.findall(r"[A-Za-z]{10,}", post.content)[:3]:
            assert word in fragment["content"], f"{slug}: {word!r} not indexed"
