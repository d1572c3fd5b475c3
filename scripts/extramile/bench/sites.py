"""The sites a benchmark builds: a copy of ours with N synthetic stories, and plain Material and plain Pelican
sites over the very same stories.

- "ours": this repository's mkdocs.yml, pelicanconf.py, theme and content pages, with the generated stories
  in place of the real ones.
- "plain Material": Material with only its blog, tags and search plugins at default settings (no plugin of
  ours, no template overrides), the same story files under `docs/blog/posts/`, and a tags index page.
- "plain Pelican": Pelican's defaults and stock theme over the same stories converted to Pelican's native
  metadata (`Title:`, `Date:`, `Tags:` ...), so that it needs no plugin or reader of ours. The conversion is
  done before timing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from extramile.bench.corpus import write_corpus
from extramile.reader import read_story
from extramile.vocabulary import load_vocabulary

# What a copy of our site needs; the search helper's modules come with the installed package.
SITE_FILES = ("mkdocs.yml", "pelicanconf.py", "publishconf.py")
SITE_DIRS = ("theme",)

PLAIN_MKDOCS_YML = """\
site_name: Plain Material blog
site_url: http://127.0.0.1:8000/
theme:
  name: material
plugins:
  - search
  - blog
  - tags
"""

PLAIN_PELICANCONF = 'PATH = "content"\nTIMEZONE = "UTC"\nSITEURL = "http://127.0.0.1:8000"\n'


@dataclass(frozen=True)
class Sites:
    ours: Path
    plain_material: Path
    plain_pelican: Path
    count: int


def prepare(workdir: Path, count: int, root: Path, *, seed: int = 2026) -> Sites:
    """Write the three sites for `count` stories into `workdir` (which should be empty)."""
    ours = workdir / "ours"
    ours.mkdir(parents=True)
    for name in SITE_FILES:
        if (root / name).exists():
            shutil.copy2(root / name, ours / name)
    for name in SITE_DIRS:
        shutil.copytree(root / name, ours / name)
    shutil.copytree(root / "content", ours / "content", ignore=shutil.ignore_patterns("posts"))
    vocabulary = load_vocabulary(ours / "content" / "vocabulary.yml")
    paths = write_corpus(ours / "content" / "stories" / "posts", count, vocabulary, seed=seed)
    plain_material = _plain_material(workdir / "plain-material", paths)
    plain_pelican = _plain_pelican(workdir / "plain-pelican", paths)
    return Sites(ours, plain_material, plain_pelican, count)


def _plain_material(site: Path, stories: list[Path]) -> Path:
    posts = site / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (site / "mkdocs.yml").write_text(PLAIN_MKDOCS_YML, encoding="utf-8")
    (site / "docs" / "index.md").write_text("# Plain Material blog\n", encoding="utf-8")
    (site / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (site / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    for path in stories:
        shutil.copy2(path, posts / path.name)
    return site


def _plain_pelican(site: Path, stories: list[Path]) -> Path:
    content = site / "content"
    content.mkdir(parents=True)
    (site / "pelicanconf.py").write_text(PLAIN_PELICANCONF, encoding="utf-8")
    for path in stories:
        story = read_story(path)
        data = story.metadata
        native = [f"Title: {data['title']}", f"Date: {data['date'].isoformat()}", f"Slug: {path.stem}",
                  f"Category: {data['perspective']}", f"Tags: {', '.join(data['tags'])}",
                  f"Author: {data['told_by']}", f"Summary: {data['description']}"]
        if data.get("draft"):
            native.append("Status: draft")
        (content / path.name).write_text("\n".join(native) + "\n\n" + story.body, encoding="utf-8")
    return site
