from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def story_slug(href: str, base: str = "") -> str | None:
    """The story a link points to: `href` is resolved against `base`, the linking page's path in the site."""
    path = urlparse(urljoin(f"http://site/{base}", href)).path
    match = re.fullmatch(r"/stories/([a-z0-9-]+)/", path)
    if match and match[1] not in {"archive", "told-by", "page"}:
        return match[1]
    return None


def listed_stories(site: Path, path: str) -> list[str]:
    """The stories a blog listing shows, following its pagination (page/2/, page/3/, ...)."""
    found: list[str] = []
    folder, base = site / path, f"{path}/"
    number = 1
    while (folder / "index.html").exists():
        page = soup(folder / "index.html")
        for card in page.select(".em-cards--listing .em-card"):
            links = {story_slug(a["href"], base) for a in card.select("a[href]")} - {None}
            assert len(links) == 1, links  # a card is one link
            found.extend(links)
        number += 1
        folder, base = site / path / "page" / str(number), f"{path}/page/{number}/"
    return found


@pytest.fixture
def article():
    def read(site: Path, *parts: str):
        return soup(site.joinpath(*parts, "index.html")).select_one("article.md-content__inner")
    return read
