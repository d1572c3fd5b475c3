"""Quick rebuilds under `mkdocs serve --dirty` (as `extramile serve` runs it): edit a story, see it in seconds.

A full build of 10,000 stories takes over a minute; MkDocs' `--dirty` rebuilds only the pages whose source is
newer than their output, which alone would leave stale every page that shows a changed story: a listing with its
excerpt, or, when its title, date or tags change, the tag pages, the home page, other stories' "related" lists.
So before a dirty build writes anything this decides, from what changed since the previous build:

- only story bodies changed: those stories and the listing pages (blog index, archive, teller) that show them
  are written; every other page is read (the navigation needs its title, the tags plugin its tags) but not
  written, except the untouched stories, which are neither; the tags plugin's tags.json, written from every
  story's tags, is put back as the previous build wrote it (no tag has changed), and the feeds keep the HTML
  of the stories not read again (material/sharing.py);
- anything else (a story's front matter, a story added or removed, any other page, the theme, mkdocs.yml or the
  vocabulary): every page, as a full build would (and the output of a removed story is deleted).

The first build of a `serve` is always a full one (its site folder starts empty).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from material.plugins.blog.structure import View

log = logging.getLogger("mkdocs.plugins.extramile")

_DIRTY_NOTICE = "A 'dirty' build is being performed"
# Written from every story's tags by the tags plugin.
KEPT = ("tags.json",)


class HideDirtyNotice(logging.Filter):
    """MkDocs warns about every dirty build (and `--strict` would stop on it); this module keeps the pages right."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_NOTICE)


def hide_dirty_notice() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, HideDirtyNotice) for f in logger.filters):
        logger.addFilter(HideDirtyNotice())


@dataclass(frozen=True)
class Snapshot:
    stories: Mapping[str, str]  # src_uri -> its front matter, as validated (what other pages show of it)
    destinations: Mapping[str, str]  # src_uri -> abs_dest_path
    stamp: tuple  # what every page depends on: theme, config and vocabulary files, by mtime and size


def stamp(paths: Iterable[Path]) -> tuple:
    """Every file under `paths` (folders walked) with its mtime and size: changes when any of them changes."""
    found = []
    for root in paths:
        if root.is_file():
            found.append((str(root), *_stat(root)))
        elif root.is_dir():
            for folder, _, names in os.walk(root):
                found.extend((os.path.join(folder, name), *_stat(Path(folder, name))) for name in names)
    return tuple(sorted(found))


def _stat(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


def _always() -> bool:
    return True


def _never() -> bool:
    return False


class Preview:
    """What one `serve` remembers between its builds."""

    def __init__(self):
        self.previous: Snapshot | None = None  # of the last build that finished
        self.pending: Snapshot | None = None
        self.writes: set[int] | None = None  # ids of the Files this build writes; None: all it reads
        self.kept: dict[Path, bytes] = {}
        self.read: set[str] | None = None  # source paths of the pages this build reads; None: all
        self.mode = "full"

    def plan(self, files, stories: Mapping[str, object], blog, docs_dir: str, site_dir: str,
             watched: Iterable[Path]) -> str:
        """Decide which pages this dirty build writes: "full" (all of them) or "stories" (see the module)."""
        # Every page, whatever its inclusion: the blog has its posts and views excluded from the nav until on_nav.
        documents = [file for file in files if file.is_documentation_page()]
        self.pending = current = Snapshot(
            stories={uri: story.model_dump_json() for uri, story in stories.items()},
            destinations={file.src_uri: file.abs_dest_path for file in documents if file.src_uri in stories},
            stamp=stamp(watched),
        )
        previous = self.previous
        self.writes, self.kept, self.read = None, {}, None
        # What the author edited: sources in the docs folder newer than their output (the blog's views and our
        # tag pages are written afresh by every build, so their dates say nothing).
        root = os.path.join(os.path.abspath(docs_dir), "")
        edited = {file.src_uri for file in documents
                  if file.abs_src_path and file.abs_src_path.startswith(root) and not file.generated_by
                  and file.is_modified()}
        if (previous is None or previous.stamp != current.stamp
                or previous.stories.keys() != current.stories.keys()
                or any(uri not in stories or previous.stories[uri] != current.stories[uri] for uri in edited)):
            if previous is not None:
                for uri in previous.stories.keys() - current.stories.keys():
                    _remove_output(previous.destinations[uri])
            for file in documents:
                file.is_modified = _always
            self.mode = "full"
            return self.mode
        listings = _listings_showing(blog, edited)
        self.writes = {id(page.file) for page, _ in listings} | {id(f) for f in documents if f.src_uri in edited}
        # A listing renders each post's excerpt from the post as read by this build: read those posts too.
        read = edited | {post.file.src_uri for _, shown in listings for post in shown}
        self.read = {file.abs_src_path for file in documents if file.src_uri in read}
        for file in documents:
            unread = file.src_uri in stories and file.src_uri not in read
            # A listing's further pages (page/2/ ...) are not in the navigation: only read when written.
            unread = unread or (_is_further_page(file.page) and id(file) not in self.writes)
            file.is_modified = _never if unread else _always
        self.kept = {path: path.read_bytes() for pattern in KEPT for path in Path(site_dir).glob(pattern)}
        self.mode = "stories"
        return self.mode

    def skips(self, page) -> bool:
        """Whether this build reads `page` but leaves its output as the previous build wrote it."""
        return self.writes is not None and id(page.file) not in self.writes

    def put_back(self) -> None:
        for path, data in self.kept.items():
            if not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
        self.kept = {}

    def finished(self) -> None:
        """The build wrote everything it planned: the next one compares with it."""
        self.previous, self.pending = self.pending, None


def _listings_showing(blog, changed: set[str]) -> list[tuple]:
    """The blog's listing pages (each page of each paginated view) that show a post of `changed`, each with
    the posts it shows."""
    if not changed:
        return []
    step = blog.config.pagination_per_page if blog.config.pagination else 0
    pages = []
    for view in _views(blog.blog):
        if not any(post.file.src_uri in changed for post in view.posts):
            continue
        for at, page in enumerate(view.pages or [view]):
            shown = view.posts[at * step:(at + 1) * step] if step else view.posts
            if any(post.file.src_uri in changed for post in shown):
                pages.append((page, shown))
    return pages


def _is_further_page(page) -> bool:
    return isinstance(page, View) and bool(page.pages) and page is not page.pages[0]


def _views(view: View):
    yield view
    for child in view.views:
        yield from _views(child)


def _remove_output(destination: str) -> None:
    path = Path(destination)
    if path.name == "index.html":
        shutil.rmtree(path.parent, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
