"""The Material site's sharing tags, share links, preview images, feeds and robots.txt: the plugin's calls into
the engine-neutral core (extramile.sharing, extramile.preview_image, extramile.feeds), which Pelican's plugin
calls the same way.

- `add_files` (on_files, once the blog has its posts): a preview image per published story and the site's own
  card, as files MkDocs copies from the image cache; robots.txt;
- `remember` (on_page_content): each story's sanitised HTML, for the feeds;
- `page_context` (on_page_context): the page's Open Graph, Twitter and JSON-LD values, a story's share links,
  a tag's or teller's feed in the head; `tag_feed` for the link on a tag's page (partials/tag-feed-link.html);
- `sitemap_dates` (on_env): a story's sitemap date is the day it was published;
- `write_feeds` (on_post_build): every feed, from the stories' HTML.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from material.plugins.blog.structure import Category
from mkdocs.structure.files import File, InclusionLevel

from extramile import feeds, preview_image, sharing
from extramile.atomic import write_if_changed
from extramile.collection import published_on
from extramile.material import parallel
from extramile.schema import PERSPECTIVES

SITE_IMAGE = "assets/images/share.png"  # the card of every page that is not a story
ROBOTS = "robots.txt"
_PERSPECTIVE_OF = {name: key for key, name in PERSPECTIVES.items()}


class MaterialSharing:
    """What the plugin keeps for sharing and feeds; one instance lives across `mkdocs serve` rebuilds, so that
    a quick rebuild still has the HTML of the stories it did not read again."""

    def __init__(self) -> None:
        self.html: dict[str, str] = {}  # story key -> its page's sanitised HTML
        self.feed_files: set[str] = set()  # what the last build wrote, to remove a feed that is gone
        self.images: dict[str, str] = {}  # preview image's site path -> the cached card the last build copied

    def configure(self, config, plugin) -> None:
        self.plugin = plugin  # its stories, entries, vocabulary and tag pages, as this build has them
        url = config.site_url or ""
        self.site_url = url if url.endswith("/") or not url else url + "/"
        self.site_name = config.site_name
        self.site_description = config.site_description or ""
        self.cache = preview_image.PreviewCache.for_project(plugin.root)

    def site_card(self) -> preview_image.Card:
        return preview_image.Card(title=self.site_description or self.site_name, site_name=self.site_name)

    def add_files(self, files, config, posts, stories) -> None:
        """The preview images of the published stories (`posts`), the site's card and robots.txt."""
        cards, targets = [self.site_card()], [SITE_IMAGE]
        for post in posts:
            story = stories.get(post.file.src_uri)
            if story is not None:
                cards.append(preview_image.story_card(story.title, story.perspective, self.site_name))
                targets.append(preview_image.image_path(post.url))
        images = {}
        for target, path in zip(targets, self.cache.ensure(cards, parallel.workers())):
            file = File.generated(config, target, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
            # A dirty build (`serve`) copies a file only when its source is newer than the copy; a story whose
            # title changes back gets an older card from the cache: copy whenever the card is another one.
            if self.images.get(target) != images.setdefault(target, str(path)):
                file.is_modified = _always
            files.append(file)
        self.images = images
        if files.get_file_from_path(ROBOTS) is None:  # the site's own robots.txt, if it has one, wins
            files.append(File.generated(config, ROBOTS, content=sharing.robots_txt(self.site_url)))

    def remember(self, key: str, html: str) -> None:
        """A story's page HTML (sanitised), for the feeds: kept across `serve` rebuilds that do not read it."""
        self.html[key] = html

    def page_context(self, context, page) -> None:
        plugin = self.plugin
        story = plugin.stories.get(page.file.src_uri)
        url = page.canonical_url or self.site_url + page.url
        if story is not None:
            image = self.site_url + preview_image.image_path(page.url)
            labels = [plugin.vocabulary.label("tags", tag) for tag in story.tags]
            social = sharing.story_meta(story, url, image, self.site_name, self.site_url, labels)
            context["share"] = sharing.share(url, story.title, story.description, self.site_name)
        else:
            title = self.site_name if page.is_homepage else (page.title or self.site_name)
            description = (page.meta or {}).get("description") or self.site_description
            social = sharing.page_meta(str(title), str(description), url, self.site_url + SITE_IMAGE, self.site_name,
                                       self.site_card().title)
        context["social"] = social
        context["page_feeds"] = self._page_feeds(page)

    def tag_feed(self, slug: str | None) -> feeds.FeedLink | None:
        """The feed of a tag with published stories (only those have one), else None."""
        if not slug or not self.plugin.tag_counts()[slug]:
            return None
        return feeds.tag_link(self.site_name, slug, self.plugin.vocabulary.label("tags", slug))

    def _page_feeds(self, page) -> list[feeds.FeedLink]:
        tag = self.tag_feed((page.meta or {}).get("extramile_tag"))  # the plugin's tag pages carry their slug
        if tag is not None:
            return [tag]
        if isinstance(page, Category) and str(page.title) in _PERSPECTIVE_OF:
            perspective = _PERSPECTIVE_OF[str(page.title)]
            if any(entry.story.perspective == perspective for entry in self.plugin.entries):
                return [feeds.teller_link(self.site_name, perspective)]
        return []

    def sitemap_dates(self, posts, stories) -> None:
        """The sitemap gives each story the day it was published (MkDocs: the day of the build)."""
        for post in posts:
            story = stories.get(post.file.src_uri)
            if story is not None:
                post.update_date = published_on(story).isoformat()

    def write_feeds(self, site_dir: str) -> None:
        plugin = self.plugin
        entries = plugin.entries
        labels = {term.slug: term.label for term in plugin.vocabulary.tags}
        items = [feeds.item(entry.story, self.site_url + entry.url,
                            self.html.get(entry.key) or f"<p>{escape(entry.story.description)}</p>", labels,
                            image=self.site_url + preview_image.image_path(entry.url))
                 for entry in entries]
        tags = [(term.slug, term.label, term.description) for term in plugin.vocabulary.tags]
        written = feeds.site_feeds(items, [entry.story for entry in entries], self.site_name, self.site_url, tags,
                                   tag_url=plugin.tag_url("{slug}"))
        for path, text in written.items():
            write_if_changed(Path(site_dir, path), text)
        for gone in self.feed_files - set(written):  # a tag whose last story went (under `serve`)
            Path(site_dir, gone).unlink(missing_ok=True)
        self.feed_files = set(written)
        keys = {entry.key for entry in entries}
        self.html = {key: html for key, html in self.html.items() if key in keys}


def _always() -> bool:
    return True
