"""Render Material's navigation once for all the pages that would get the same HTML.

Material renders the whole site navigation (`partials/nav.html`: ~30 nav-item macro calls here: the archive's
years, the teller categories, the pages) into every page. At 5,000 stories that was 26 s of a 144 s profiled
build (4 ms a page), and every story page gets the very same HTML: a story is not itself in the navigation,
its active item is always the blog index, and all stories sit at the same depth (`stories/<slug>/`).

The cache key is what the HTML depends on for such a page:
- which items are active (MkDocs marks the page's ancestors before rendering it);
- the page's parent folder: every link in nav.html is relative (`| url`), and a relative URL from
  `stories/a/` to a target outside `stories/a/` is "../" plus the one from `stories/`. So the key holds the
  parent folder, and pages under which some navigation target lies are not cached.
Pages the navigation shows itself (with their table of contents) and the blog's views (which Material swaps
into the navigation for pagination) are rendered as before. The cache lives for one build: MkDocs makes a
new Jinja environment, with new compiled templates, for every build.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from material.plugins.blog.structure import View
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page

# nav.html (the sidebar and drawer) and tabs.html (navigation.tabs: the tabs are nav's top-level items) depend
# on the page only through the active items and relative links; tabs.html does not read `page` at all.
TEMPLATES = ("partials/nav.html", "partials/tabs.html")


def _walk(items) -> Iterator:
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def nav_key(page, nav) -> tuple | None:
    """The cache key of `page`'s navigation HTML, or None when it must be rendered for this page alone."""
    url = getattr(page, "url", None)
    if not isinstance(page, Page) or isinstance(page, View) or not url or not url.endswith("/") or nav is None:
        return None
    items, pages, views, targets = _flat(nav)
    # nav-item.html renders a page's own table of contents, and swaps in a view's pagination page. Each File
    # has one Page, so a page is a nav item exactly when its File is one (Page.__eq__ compares titles too).
    if page.file in pages or any(page in view.pages for view in views):
        return None
    if any(target.startswith(url) for target in targets):
        return None
    return posixpath.dirname(url.rstrip("/")), tuple(bool(getattr(item, "active", False)) for item in items)


def _flat(nav) -> tuple:
    """The navigation's items in order, its pages' Files, its views and link targets; computed once per nav.

    The navigation does not change while pages are built (the blog attaches its views in on_nav, before).
    """
    flat = nav.__dict__.get("_extramile_flat")
    if flat is None:
        items = list(_walk(nav.items))
        pages = [item for item in items if isinstance(item, Page)]
        files = {id(page.file) for page in pages}
        targets = [item.url for item in items if isinstance(item, (Page, Link)) and item.url
                   and not _is_external(item.url)]
        if getattr(nav, "homepage", None) is not None:
            targets.append(nav.homepage.url)
        flat = nav.__dict__["_extramile_flat"] = (items, _Ids(files), [p for p in pages if isinstance(p, View)],
                                                  [t for t in targets if t])
    return flat


class _Ids:
    def __init__(self, ids: set[int]):
        self.ids = ids

    def __contains__(self, item) -> bool:
        return id(item) in self.ids


def _is_external(url: str) -> bool:
    return "://" in url or url.startswith(("//", "mailto:", "#"))


def install(env) -> None:
    """Wrap this build's compiled nav and tabs templates with a cache that lives as long as the environment."""
    for name in TEMPLATES:
        _wrap(env.get_template(name), {})


def _wrap(template, cache: dict) -> None:
    render = template.root_render_func
    if getattr(render, "_extramile_cached", False):
        return

    def cached_render(context):
        key = nav_key(context.get("page"), context.get("nav"))
        if key is None:
            yield from render(context)
            return
        html = cache.get(key)
        if html is None:
            html = cache[key] = "".join(render(context))
        yield html

    cached_render._extramile_cached = True
    template.root_render_func = cached_render
