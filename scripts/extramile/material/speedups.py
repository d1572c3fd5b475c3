"""Minimal patches of Material's blog plugin (9.x, pinned <10 in pyproject.toml) that make its build linear.

Each patch changes how much work is done, never what is written: tests/site/test_speedups.py builds the real
site with and without them (EXTRAMILE_SPEEDUPS=0) and compares every page byte for byte; a 1,000-story build
was diffed the same way. Measured causes, 1,000 synthetic stories under cProfile (58 s before):

1. `page not in self.blog.posts` (on_page_markdown and on_page_content, for every page) and the theme's
   `page in nav_item.pages` (nav-item.html, for every nav item on every page: a blog view's pagination pages)
   scan lists with `Page.__eq__`: 2 million comparisons (3.6 s) at 1,000 stories, growing with the square;
   so does `view.pages.index(view)` for each listing page. `IdentityList` answers both from a dict of ids. For pages, `==` is identity in practice (two Page objects
   are equal only if they share title and File, and each File has one Page).
2. `Excerpt.render` converts the whole post from Markdown for every listing page that shows it (the blog
   index, its year and its category: 3 times), then throws away all after `<!-- more -->`: 15 s of 58.
   `patch_excerpt_rendering` converts only the part before the separator when that is provably the same
   (see `_head_of`), once per post, and rewrites the link to the post for each further view.
3. `Excerpt.__init__` builds a Markdown parser of its own for every post (1.3 ms each under the profiler:
   2.6 s at 2,000 stories). `share_excerpt_parser` gives all excerpts one parser, and each excerpt puts its
   own two tree processors (its post, its links) back into it before converting.
4. `Post.__init__` parses front matter with PyYAML's pure-Python SafeLoader (1,000 x 5 ms); libyaml's
   CSafeLoader builds the same values (our plugin has already validated every story before this runs).
5. MkDocs itself (`Page.render`, mkdocs>=1.6,<2) builds a new Markdown parser, loading every extension, for
   each page: 1.8 ms a page under the profiler (4.8 s of 2,631 pages at 2,000 stories). Python-Markdown's
   parsers are made to be reused (`convert` resets the parser and every extension), so `reuse_page_parser`
   hands Page.render one parser per extension set; MkDocs still registers its per-page processors on it.
"""

from __future__ import annotations

import re

import yaml
from markdown import Markdown
from material.plugins.blog import plugin as blog_module
from material.plugins.blog import structure as blog_structure
from material.plugins.blog.structure import Excerpt, View
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url


class IdentityList(list):
    """A list whose `in` is a set lookup by identity; it stays a list for everything else."""

    __slots__ = ("_ids", "_size")

    def __init__(self, items=()):
        super().__init__(items)
        self._ids: dict[int, int] | None = None  # id of an item -> its first position
        self._size = -1

    def _positions(self) -> dict[int, int]:
        # Rebuilt lazily after any change of length; items replaced in place reset it (see __setitem__).
        if self._ids is None or self._size != len(self):
            positions: dict[int, int] = {}
            for at, item in enumerate(self):
                positions.setdefault(id(item), at)
            self._ids, self._size = positions, len(self)
        return self._ids

    def __contains__(self, item) -> bool:
        return id(item) in self._positions()

    def index(self, item, *args) -> int:
        # The blog's _render calls `view.pages.index(view)` for each of a view's pages: 2.3 s at 10,000.
        at = self._positions().get(id(item))
        if at is None or args:
            return super().index(item, *args)
        return at

    def __setitem__(self, index, value):
        self._ids = None
        super().__setitem__(index, value)

    def __delitem__(self, index):
        self._ids = None
        super().__delitem__(index)

    def __iadd__(self, other):
        self._ids = None
        return super().__iadd__(other)


def use_identity_lists(blog_plugin) -> None:
    """Right after the blog's on_files: its posts, and every view's pagination pages, answer `in` in O(1)."""
    root = blog_plugin.blog
    root.posts = IdentityList(root.posts)
    for view in blog_plugin._resolve_views(root):
        pages = IdentityList(view.pages)
        for page in pages:  # a view and its pagination pages share one list
            if isinstance(page, View):
                page.pages = pages
        view.pages = pages


def use_libyaml_for_posts() -> None:
    # The blog plugin's module-level name, used only by Post.__init__ (and the optional authors file).
    if getattr(yaml, "CSafeLoader", None) is not None:
        blog_structure.SafeLoader = yaml.CSafeLoader


class _MarkdownModule:
    """Stands for the `markdown` module inside mkdocs.structure.pages, whose only call is `Markdown(...)`."""

    def __init__(self, module, factory):
        self._module, self.Markdown = module, factory

    def __getattr__(self, name):
        return getattr(self._module, name)


def reuse_page_parser() -> None:
    """Page.render gets one Markdown parser per extension set instead of a new one per page (see 5. above)."""
    from mkdocs.structure import pages

    module = pages.markdown
    if isinstance(module, _MarkdownModule):  # already installed in this process (mkdocs serve rebuilds)
        module = module._module
    shared: dict = {}

    def parser(extensions, extension_configs):
        key = (list(extensions), dict(extension_configs))
        if shared.get("key") != key:
            shared["key"], shared["md"] = key, Markdown(extensions=extensions, extension_configs=extension_configs)
        # `convert` does not reset: without this, references, footnotes and abbreviations of one page would
        # reach the next. Reset, the parser is as a new one, which is what Page.render made before.
        return shared["md"].reset()

    pages.markdown = _MarkdownModule(module, parser)


# --- Excerpts ---

_OWN_PROCESSORS = ("excerpt", "relpath")  # what Excerpt.__init__ registers per post, with these priorities
_PRIORITIES = {"excerpt": 0, "relpath": 1}


def share_excerpt_parser() -> None:
    """One Markdown parser for all excerpts of a build, instead of one per post (see 3. above)."""
    shared: dict = {}

    def parser(extensions, extension_configs):
        key = (list(extensions), dict(extension_configs))
        if shared.get("key") != key:
            shared["key"], shared["md"] = key, Markdown(extensions=extensions, extension_configs=extension_configs)
        return shared["md"]

    def make_excerpt(post, config, files):
        # Excerpt.__init__ calls its module's `Markdown` and registers its processors into what that returns.
        blog_structure.Markdown = parser
        try:
            excerpt = Excerpt(post, config, files)
        finally:
            blog_structure.Markdown = Markdown
        excerpt._extramile_own = [(name, excerpt.md.treeprocessors[name]) for name in _OWN_PROCESSORS]
        return excerpt

    blog_module.Excerpt = make_excerpt


def _own_processors(excerpt: Excerpt) -> None:
    """Put this excerpt's processors back into the shared parser, reset, before it converts anything.

    Reset, because another post's references, footnotes and abbreviations must not reach this one. (Material's
    own per-post parser is never reset, so a post converted whole for a second view carried its first
    conversion's state, such as footnote counters; here each conversion starts clean.)
    """
    own = getattr(excerpt, "_extramile_own", None)
    if own is None:
        return
    excerpt.md.reset()
    for name, processor in own:
        excerpt.md.treeprocessors.register(processor, name, _PRIORITIES[name])


# --- Excerpt rendering ---

# Definitions that Markdown applies to the whole document: a reference link, footnote or abbreviation defined
# below the separator changes the excerpt above it, so such posts are converted whole, as Material does.
_DEFINITION = re.compile(r"^ {0,3}(?:\[[^\]\n]+\]:|\*\[)", re.M)
# What can make an excerpt's HTML depend on the listing page beyond the link to its post: links, images, HTML.
_VIEW_DEPENDENT = re.compile(r"[\[<]|!\[|https?:")


def _head_of(markdown: str, separator: str) -> str | None:
    """The Markdown before the separator, when converting it alone gives what Material keeps; else None.

    Material converts the whole post and splits the HTML at the separator. That equals converting the head
    alone when the separator is a block of its own (after a blank line, alone on its line), no code fence is
    open above it, something follows it (Material then sets `more`), and nothing is defined for the whole
    document.
    """
    at = markdown.find(separator)
    if at < 0 or (at > 0 and not markdown[:at].endswith("\n\n")):
        return None
    line_end = markdown.find("\n", at)
    rest = markdown[at + len(separator):] if line_end < 0 else markdown[line_end:]
    if markdown[at + len(separator): line_end if line_end >= 0 else None].strip():
        return None
    head = markdown[:at]
    if not rest.strip() or "```" in head or "~~~" in head or _DEFINITION.search(markdown):
        return None
    return head


def patch_excerpt_rendering(blog_plugin) -> None:
    """Replace the blog instance's `_render_post` with one that renders each excerpt once per link layout."""
    original = blog_plugin._render_post

    def render_post(excerpt: Excerpt, view: View):
        post = excerpt.post
        cache = excerpt.__dict__.setdefault("_extramile_renders", {})
        if "head" not in cache:  # an excerpt lives for one build, and its post's Markdown is final by now
            cache["head"] = _head_of(post.markdown or "", blog_plugin.config.post_excerpt_separator)
        head = cache["head"]
        if head is None:
            _own_processors(excerpt)
            return original(excerpt, view)
        # The only view-dependent HTML of a plain-prose head is the link to the post (its title and heading
        # anchors: href="<relative URL of the post>[#id]"), so it is converted once and that prefix is
        # rewritten for each further view. Anything else that could link (Markdown or HTML links, images,
        # URLs, a literal "href") makes the excerpt convert once per view, as Material does, but head only.
        relative = get_relative_url(post.url, view.url)
        if _VIEW_DEPENDENT.search(head) or "href" in head or _VIEW_DEPENDENT.search(post.title or ""):
            key = ("view", view.url)
            if key not in cache:
                cache[key] = _convert_head(excerpt, view, head)
            excerpt.content, excerpt.more, tokens = cache[key]
        else:
            if "any" not in cache:
                cache["any"] = (relative, *_convert_head(excerpt, view, head))
            first, content, excerpt.more, tokens = cache["any"]
            if relative != first:
                content = content.replace(f'href="{_attribute(first)}', f'href="{_attribute(relative)}')
            excerpt.content = content
        excerpt.toc = get_toc(tokens)
        # As Material's _render_post: the excerpt's title joins the view's table of contents.
        if blog_plugin._config_toc(view) and excerpt.toc.items and view.toc.items:
            view.toc.items[0].children.append(excerpt.toc.items[0])
        return excerpt

    blog_plugin._render_post = render_post


def _convert_head(excerpt: Excerpt, view: View, head: str):
    """Excerpt.render on the head only; returns (content, more, toc tokens)."""
    _own_processors(excerpt)
    post = excerpt.post
    excerpt.file.url = view.url
    processor = excerpt.md.treeprocessors["excerpt"]
    processor.base = view
    markdown = head
    if not post._title_from_render:
        markdown = "\n\n".join([f"# {post.title}", markdown])
    excerpt.markdown = markdown
    # Material's split leaves the newline that preceded the separator; keep the HTML byte for byte the same.
    content = excerpt.md.convert(markdown) + "\n"
    tokens = list(getattr(excerpt.md, "toc_tokens", []))
    excerpt.file.url = post.url
    # Templates only test `more` (Material: "Continue reading"); the rest of the post is not converted.
    return content, _More(), tokens


def _attribute(value: str) -> str:
    """As Python-Markdown's serializer writes an attribute value."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _More(str):
    """Stands for the HTML after the separator, which Material's templates only test for truth."""

    def __new__(cls):
        return super().__new__(cls, " ")
