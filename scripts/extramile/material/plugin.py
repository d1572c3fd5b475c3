"""Extra Mile's MkDocs plugin: the story schema and vocabulary applied to Material's blog and tags.

- every story is validated with `Story` before the blog plugin reads it; all problems fail the build at once;
- the teller's perspective becomes the blog category, tags are shown by their vocabulary labels;
- a page per tag is generated, the tags plugin only allows vocabulary tags;
- templates get the collection (featured, latest, related and neighbouring stories, tag counts) and the
  vocabulary;
- sharing tags, share links, preview images, feeds and robots.txt come from the core, through sharing.py;
- every page is one centred column: Material's own switch, `hide: [navigation, toc]`, on every page, and the
  shared style sheet (theme/shared/assets) among the theme's files.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
from pathlib import Path

from material.plugins.blog.structure import Archive, Category
from material.plugins.tags.structure.tag import Tag
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import AnchorLink, TableOfContents

from extramile import collection, feeds, withdrawn
from extramile.check import checked_story
from extramile.collection import Entry
from extramile.contacts import load_allowed
from extramile.dates import day_month_year, month_year
from extramile.intake.config import IntakeConfigError, intake_settings
from extramile.ledger import LEDGER_FILE
from extramile.material import navcache, parallel, servecache, speedups
from extramile.posts_folder import kind_of
from extramile.material.preview import Preview, hide_dirty_notice
from extramile.material.sharing import MaterialSharing
from extramile.reader import read_story
from extramile.sanitize import sanitize_html, sanitize_markdown
from extramile.schema import PERSPECTIVES, Story
from extramile.vocabulary import load_vocabulary

log = logging.getLogger("mkdocs.plugins.extramile")

TAG_LABELS = "tag_labels"  # the page meta key the tags plugin reads (tags_name_property)
HIDDEN = ("navigation", "toc")  # Material's sidebars, hidden on every page (page meta `hide`)
STORY_TITLE_ID = "story-title"  # the id of a story page's <h1> (story.html), where its skip link lands


class ExtraMileConfig(Config):
    vocabulary = c.Type(str, default="content/vocabulary.yml")  # relative to mkdocs.yml
    shared_templates = c.Type(str, default="theme/shared")  # templates both engines share (the story form)
    tags_dir = c.Type(str, default="tags")  # where the generated page per tag goes, inside docs_dir


class ExtraMilePlugin(BasePlugin[ExtraMileConfig]):
    supports_multiple_instances = False
    command = "build"
    preview: Preview | None = None
    related_before: dict | None = None

    def on_startup(self, *, command, dirty):
        # Defining this also keeps the plugin, and what it remembers, across `mkdocs serve` rebuilds.
        self.command = command
        self.read_cache: dict[str, tuple] = {}  # story path -> (mtime, size, story, problems)
        self.sharing = MaterialSharing()
        if command == "serve" and dirty:  # `extramile serve`: quick rebuilds (preview.py)
            self.preview = Preview()
            hide_dirty_notice()
            servecache.remember_post_files()
            servecache.remember_post_metadata()
            servecache.remember_post_settings()
            servecache.copy_listing_sources_once()

    def on_config(self, config):
        self.root = Path(config.config_file_path).parent
        # The shared theme folder as the theme's last: its templates (the story form) and its static files (the
        # style sheet both engines use, assets/stylesheets/extramile-shared.css) are the theme's own.
        shared = str(self.root / self.config.shared_templates)
        if Path(shared).is_dir() and shared not in config.theme.dirs:
            config.theme.dirs.append(shared)
        self.vocabulary = load_vocabulary(self.root / self.config.vocabulary)
        self.public_contacts = load_allowed(self.root)
        vocabulary_stamp = (os.stat(self.root / self.config.vocabulary).st_mtime_ns, self.public_contacts)
        if getattr(self, "vocabulary_stamp", None) != vocabulary_stamp:  # stories checked against another one
            self.read_cache = {} if hasattr(self, "read_cache") else None
            self.vocabulary_stamp = vocabulary_stamp
        self.stories: dict[str, Story] = {}  # by src_uri
        self.entries: list[Entry] = []
        self.related: dict[str, list[Entry]] = {}
        self.neighbours: dict[str, tuple] = {}
        self.by_url: dict[str, Entry] = {}
        self.posts_by_url: dict[str, object] = {}
        if not hasattr(self, "sharing"):  # a plugin used without on_startup (MkDocs' API)
            self.sharing = MaterialSharing()
        self.sharing.configure(config, self)
        self.blog = config.plugins.get("material/blog")
        if self.blog is None:
            raise PluginError("extramile: Material's blog plugin must be enabled (plugins: - blog)")
        self.blog.config.categories_allowed = list(PERSPECTIVES.values())
        tags = config.plugins.get("material/tags")
        if tags is not None:
            tags.config.tags_name_property = TAG_LABELS
            tags.config.tags_allowed = {Tag(term.label) for term in self.vocabulary.tags}
        try:
            self.intake = intake_settings(config.extra.get("intake") or {})
        except IntakeConfigError as error:
            raise PluginError(f"mkdocs.yml: {error}") from None
        self._adopt_posts()
        # Material's blog is quadratic at scale; these keep its output and make it linear (see speedups.py).
        # EXTRAMILE_SPEEDUPS=0 builds without them: the tests compare both builds page by page.
        self.speedups = os.environ.get("EXTRAMILE_SPEEDUPS", "1") != "0"
        if self.speedups:
            speedups.patch_excerpt_rendering(self.blog)
            speedups.share_excerpt_parser()
            speedups.use_libyaml_for_posts()
            speedups.reuse_page_parser()
        return config

    def _adopt_posts(self) -> None:
        # Material's blog reads post front matter itself, so categories must be set on each post right after
        # it is created and before the category views are generated: wrap the one call that creates posts.
        # The blog plugin lives across `mkdocs serve` rebuilds: wrap its own method, never an earlier wrapper.
        create_post = self.blog.__dict__.get("_extramile_resolve_post") or self.blog._resolve_post
        self.blog._extramile_resolve_post = create_post

        def resolve_post(file, config):
            post = create_post(file, config)
            story = self.stories.get(file.src_uri)
            if story is not None:
                # The story page and every listing's excerpt are rendered from this Markdown: clean it once here,
                # so that a hand-written script cannot run in the listings, where on_page_content never looks.
                post.markdown = sanitize_markdown(post.markdown, images=True)
                post.config.categories = [PERSPECTIVES[story.perspective]]
                post.meta["template"] = "story.html"
                post.meta["hide"] = _hidden(post.meta)
                post.meta[TAG_LABELS] = [self.vocabulary.label("tags", tag) for tag in story.tags]
            return post

        self.blog._resolve_post = resolve_post

    @event_priority(100)  # before the blog plugin (-50) reads the posts
    def _on_files_read(self, files, *, config):
        posts_dir = self.blog.config.post_dir.format(blog=self.blog.config.blog_dir).strip("/") + "/"
        findings = []
        # Only stories and images are published from the posts folder (posts_folder.py): an allow-list.
        for file in [f for f in files if f.src_uri.startswith(posts_dir) and kind_of(f.src_uri) is None]:
            log.info("extramile: %s is not a story or an image: left out of the site", file.src_uri)
            files.remove(file)
        for file in files.documentation_pages():
            if not file.src_uri.startswith(posts_dir):
                continue
            story, problems = self._checked(file.abs_src_path)
            if problems:
                findings.extend(problems)
                continue
            self.stories[file.src_uri] = story
        if findings:
            listing = "\n".join(f"  {finding}" for finding in findings)
            raise PluginError(f"{len(findings)} problem(s) in stories (run `extramile check`):\n{listing}")
        for term in self.vocabulary.tags:
            files.append(File.generated(
                config, f"{self.config.tags_dir}/{term.slug}.md", content=_tag_page(term),
                inclusion=InclusionLevel.NOT_IN_NAV,
            ))
        self._add_withdrawn_pages(files, config)
        return files

    def _checked(self, path: str):
        info = os.stat(path)
        cache = getattr(self, "read_cache", None)  # set by on_startup: for a plugin kept across `serve` rebuilds
        cached = cache.get(path) if cache is not None else None
        if cached is not None and cached[:2] == (info.st_mtime_ns, info.st_size):
            return cached[2:]
        story, problems = checked_story(read_story(Path(path)), self.vocabulary, os.path.relpath(path, self.root),
                                        self.public_contacts)
        if cache is not None:
            cache[path] = (info.st_mtime_ns, info.st_size, story, problems)
        return story, problems

    @event_priority(-60)  # right after the blog plugin (-50) has resolved its posts and views
    def _on_files_resolved(self, files, *, config):
        if self.speedups:
            speedups.use_identity_lists(self.blog)
        if self.preview is not None:
            watched = [Path(config.config_file_path), self.root / self.config.vocabulary,
                       self.root / self.config.shared_templates]
            if config.theme.custom_dir:
                watched.append(Path(config.theme.custom_dir))
            watched.append(self.root / LEDGER_FILE)  # withdrawn pages come and go with it
            done = self.preview.plan(files, self.stories, self.blog, config.docs_dir, config.site_dir, watched)
            parallel.page_writers().skip = self.preview.skips
            log.info("extramile: rebuilding %s", "every page" if done == "full"
                     else "the edited stories and the listings that show them")
        # The blog knows this build's posts now (drafts only under `serve`): their preview images, robots.txt.
        self.sharing.add_files(files, config, self.blog.blog.posts, self.stories)
        return files

    on_files = CombinedEvent(_on_files_read, _on_files_resolved)

    def on_page_markdown(self, markdown, *, page, config, files):
        # Read before any template: the page's own `hide` (front matter), with Material's sidebars added.
        page.meta["hide"] = _hidden(page.meta)
        return markdown

    @event_priority(100)  # first, so that every later plugin (read time, feed, search) sees safe HTML
    def on_page_content(self, html, *, page, config, files):
        if page.file.src_uri in self.stories:
            html = sanitize_html(html)
            self.sharing.remember(Path(page.file.src_uri).stem, html)  # the feeds carry the whole story
        return html

    @event_priority(110)  # before the tags plugin (100) renders its listings: they are our cards (fragments/tags)
    def on_env(self, env, *, config, files):
        shared = self.root / self.config.shared_templates
        if shared.is_dir() and str(shared) not in env.loader.searchpath:
            env.loader.searchpath.append(str(shared))
        # The blog plugin's posts are what this build publishes: drafts are among them only under `serve`.
        self.entries = [
            Entry(key=Path(post.file.src_uri).stem, url=post.url, story=self.stories[post.file.src_uri])
            for post in self.blog.blog.posts
            if post.file.src_uri in self.stories
        ]
        if self.preview is not None and self.preview.mode == "stories" and self.related_before is not None:
            self.related = self.related_before  # no story's front matter changed: nor did what is related
        else:
            self.related = collection.related(self.entries)
        self.related_before = self.related
        self.neighbours = collection.neighbours(self.entries)
        self.by_url = {entry.url: entry for entry in self.entries}
        self.posts_by_url = {post.url: post for post in self.blog.blog.posts}
        env.globals["vocabulary"] = self.vocabulary
        env.globals["intake"] = self.intake
        env.globals["perspectives"] = PERSPECTIVES
        env.globals["extramile"] = self
        env.globals["withdrawn"] = withdrawn  # the withdrawn page's texts (withdrawn.html)
        env.globals["site_feeds"] = feeds.site_links(config.site_name)  # <head> and the footer's Subscribe
        env.filters["monthyear"] = month_year  # when a story happened, when it was published (story-dates.html)
        env.filters["daymonthyear"] = day_month_year
        self.sharing.sitemap_dates(self.blog.blog.posts, self.stories)
        # Material renders the whole navigation into every page; story pages all get the same (navcache.py).
        if self.speedups:
            navcache.install(env)
            # Story pages are written from two processes (parallel.py); `serve` runs threads, so it uses one.
            if self.command == "build" and parallel.workers() > 1:
                parallel.page_writers().enable(lambda page: page.file.src_uri in self.stories)
        return env

    @event_priority(-100)  # last: after the search index is written
    def on_post_build(self, *, config):
        self.sharing.write_feeds(config.site_dir)
        if self.preview is not None:
            self.preview.put_back()
            self.preview.finished()
            # A serve holds a whole build's objects (a million at 10,000 stories) from one rebuild to the next,
            # and Python's collector would scan them again and again during the next one (8 of 18 s): set them
            # aside from its scans now, and collect the leftovers of earlier builds once the editor is looking
            # at the page, not while the next build runs.
            gc.freeze()
            timer = threading.Timer(2.0, _collect_leftovers)
            timer.daemon = True
            timer.start()

    @event_priority(-110)  # after the blog plugin (-100) has rendered a listing's excerpts into `posts`
    def on_page_context(self, context, *, page, config, nav):
        story = self.stories.get(page.file.src_uri)
        if story is not None:
            context["story"] = story
            context["related"] = self.related.get(Path(page.file.src_uri).stem, [])
            context["neighbours"] = self.neighbours.get(Path(page.file.src_uri).stem, (None, None))
            # The head's <link rel="prev/next"> (Material's, by date) name the same stories as the page does.
            page.previous_page, page.next_page = (self.posts_by_url.get(entry.url) if entry else None
                                                  for entry in context["neighbours"])
            # Material's skip link goes to the first entry of the table of contents: the story's title.
            if not page.toc.items or page.toc.items[0].id != STORY_TITLE_ID:
                page.toc = TableOfContents([AnchorLink(page.title, STORY_TITLE_ID, 1), *page.toc.items])
        self.sharing.page_context(context, page)  # sharing tags, share links, the feed of a teller's page
        # A listing shows each story's teaser as the blog plugin rendered it from Markdown, past on_page_content:
        # it goes through the same sanitiser as the story page before any template prints it.
        for excerpt in context.get("posts") or ():
            excerpt.content = sanitize_html(excerpt.content)
        return context

    # Withdrawn stories (extramile/withdrawn.py): a page at each one's old address, in no nav and no sitemap.
    withdrawn_pages: frozenset[str] = frozenset()  # their src_uris

    def _add_withdrawn_pages(self, files, config) -> None:
        found = withdrawn.withdrawals(self.root)
        for slug in found.restored:
            log.info("extramile: %s is withdrawn in the ledger, but its story file is back: the story is published",
                     slug)
        for path in found.unusable:
            log.warning("extramile: %s: a withdrawn decision names no story file: %s", LEDGER_FILE, path)
        taken = {file.dest_uri for file in files.documentation_pages()}
        pages = []
        for slug in found.slugs:
            file = File.generated(config, f"stories/{slug}.md", content=_withdrawn_page(),
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            if file.dest_uri != withdrawn.save_as(slug) or file.dest_uri in taken:
                log.warning("extramile: no withdrawn page for %s: its address is another page's or not %s",
                            slug, withdrawn.address(slug))
                continue
            files.append(file)
            pages.append(file.src_uri)
        self.withdrawn_pages = frozenset(pages)

    def on_template_context(self, context, *, template_name, config):
        # mkdocs' sitemap.xml lists every documentation page, in the navigation or not: not a withdrawn one.
        if template_name == "sitemap.xml" and self.withdrawn_pages:
            context["pages"] = [file for file in context["pages"] if file.src_uri not in self.withdrawn_pages]
        return context

    # Used by the templates.
    def featured(self, limit: int = 3) -> list[Entry]:
        return collection.featured(self.entries, limit)

    def latest(self, limit: int = 6) -> list[Entry]:
        return collection.latest(self.entries, limit, skip=self.featured())

    def tag_counts(self):
        return collection.tag_counts(self.entries)

    def entry(self, page) -> Entry | None:
        """The published story at `page` (a post, or a listing's excerpt of it); None for any other page."""
        return self.by_url.get(getattr(page, "url", None))

    def entries_for(self, pages) -> list[Entry]:
        """The published stories among `pages`, in their order (a tag's listing: only stories are cards)."""
        return [entry for entry in map(self.entry, pages) if entry is not None]

    def browse_views(self) -> list[tuple[str, list]]:
        """The blog's own listings by who tells the story and by year, for the links above every listing."""
        views = self.blog.blog.views
        sections = [(self.blog.config.categories_name, [v for v in views if isinstance(v, Category)]),
                    (self.blog.config.archive_name, [v for v in views if isinstance(v, Archive)])]
        return [(name, found) for name, found in sections if found]

    def tag_url(self, slug: str) -> str:
        return f"{self.config.tags_dir}/{slug}/"

    def label(self, kind: str, slug: str) -> str:
        return self.vocabulary.label(kind, slug)


def _hidden(meta: dict) -> list[str]:
    """A page's `hide` setting with Material's two sidebars in it: the site reads as one column."""
    hide = list(meta.get("hide") or [])
    return hide + [name for name in HIDDEN if name not in hide]


def _collect_leftovers() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _withdrawn_page() -> str:
    # Nothing of the story: its texts are the page's own (withdrawn.py), printed by withdrawn.html.
    return (
        f"---\ntitle: {json.dumps(withdrawn.TITLE)}\ndescription: {json.dumps(withdrawn.MESSAGE)}\n"
        f"template: withdrawn.html\n---\n"
    )


def _tag_page(term) -> str:
    # The listing directive is the tags plugin's: it fills in every story that carries this tag, as our cards
    # (theme/material/fragments/tags/cards/); it is also where a story's tags link to.
    return (
        f"---\ntitle: {json.dumps(term.label)}\ndescription: {json.dumps(term.description)}\n"
        f"extramile_tag: {json.dumps(term.slug)}\n---\n\n"
        f"# {term.label}\n\n{term.description}\n\n"
        f"<!-- material/tags {{ include: [{term.label}], toc: false, layout: cards }} -->\n"
    )


