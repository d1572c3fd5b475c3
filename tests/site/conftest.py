from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def story_slug(href: str) -> str | None:
    """The story a link points to, from any relative link to stories/<slug>/."""
    parts = [part for part in href.split("#")[0].split("/") if part and part != ".."]
    if len(parts) == 2 and parts[0] == "stories" and parts[1] not in {"archive", "told-by", "page"}:
        return parts[1]
    return None


def listed_stories(site: Path, path: str) -> list[str]:
    """The stories a blog listing shows, following its pagination (page/2/, page/3/, ...)."""
    found: list[str] = []
    folder = site / path
    number = 1
    while (folder / "index.html").exists():
        page = soup(folder / "index.html")
        for excerpt in page.select("article.md-post--excerpt"):
            links = {story_slug(a["href"]) for a in excerpt.select("a[href]")} - {None}
            assert len(links) == 1, links
            found.extend(links)
        number += 1
        folder = site / path / "page" / str(number)
    return found


@pytest.fixture
def article():
    def read(site: Path, *parts: str):
        return soup(site.joinpath(*parts, "index.html")).select_one("article.md-content__inner")
    return read
