"""Drafts never reach the built site; the search index holds the published stories' text."""

from __future__ import annotations

import gzip
import json
import re


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


def test_search_index_holds_every_published_story_text(built_site, published):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {}
    for doc in index["docs"]:
        by_location.setdefault(doc["location"].split("#")[0], []).append(f"{doc['title']} {doc['text']}")
    for slug, post in published.items():
        texts = " ".join(by_location.get(f"stories/{slug}/", []))
        assert texts, f"{slug} is not in the search index"
        for word in re.findall(r"[A-Za-z]{10,}", post.content)[:3]:
            assert word in texts, f"{slug}: {word!r} not indexed"
