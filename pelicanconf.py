"""Pelican settings: the same content/ as the Material site, built by Pelican with the theme in theme/pelican.

`pelican` (run here) builds into output/ with relative links, for previewing; publishconf.py is the public
build. Only content/stories/posts/*.md are articles: the other Markdown files are MkDocs pages, whose text
the Pelican templates show through their own pages (home, tags, submit, thanks, about).
"""

import os
import sys
from pathlib import Path

root = Path(__file__).resolve().parent
if str(root / "scripts") not in sys.path:  # `pelican` from a checkout that was not pip-installed
    sys.path.insert(0, str(root / "scripts"))

SITENAME = "Extra Mile"
SITESUBTITLE = "stories of exceptional service"
SITEDESCRIPTION = ("True stories of exceptional service, told by the businesses that went the extra mile "
                   "and by the customers who noticed.")
COPYRIGHT = "Stories are published with their tellers' consent. Text licensed CC BY 4.0."
# The public address, as for mkdocs.yml's site_url: feeds need it absolute. Pages link relatively here.
SITEURL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/").rstrip("/")
RELATIVE_URLS = True
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme/pelican"
ARTICLE_PATHS = ["stories/posts"]
PAGE_PATHS = []  # the MkDocs pages are not Pelican pages: the theme has a template for each of them
STATIC_PATHS = [""]  # other files in content/ (images) are copied as MkDocs copies them...
# ...except these: sources (drafts above all) and editors' copies of them. In stories/posts only stories and
# images are published at all (extramile/posts_folder.py).
EXTRAMILE_NOT_STATIC = ["*.md", "*.markdown", "*.mkd", "*.mdown", "*.mkdn", "*.md~", "*.md.*", "#*#", "*~",
                        "*.orig", "*.bak", "*.rej", "vocabulary.yml", "public-contacts.yml",
                        "ledger.jsonl"]
IGNORE_FILES = [".*", "__pycache__"]

PLUGINS = ["extramile.pelican.plugin", "extramile.search.pelican_plugin"]
# Only the plugin's reader reads story files. Pelican's own readers are switched off, so that if the plugin
# ever failed to load, no story would be read at all, rather than read raw and published drafts and all.
READERS = {extension: None for extension in ("md", "markdown", "mkd", "mdown", "rst", "htm", "html")}
EXTRAMILE_ROOT = str(root)
EXTRAMILE_VOCABULARY = str(root / "content" / "vocabulary.yml")
EXTRAMILE_SHARED_TEMPLATES = str(root / "theme" / "shared")  # the Submit form, shared with the Material site

# Story titles and descriptions are printed by templates: every value is escaped unless marked safe.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "extensions": []}

# mkdocs.yml's markdown_extensions, so that a story renders the same on both sites.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.abbr": {},
        "markdown.extensions.admonition": {},
        "markdown.extensions.footnotes": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.toc": {"permalink": True},
        "pymdownx.smartsymbols": {},
        "extramile.markdown_safety": {},
    },
    "output_format": "html5",
}

# The Material site's addresses, so that a link works on either site.
ARTICLE_URL = "stories/{slug}/"
ARTICLE_SAVE_AS = "stories/{slug}/index.html"
DRAFT_SAVE_AS = ""  # drafts are never read past their front matter; this is belt and braces
DRAFT_LANG_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
CATEGORY_URL = "stories/told-by/{slug}/"  # a category is who tells the story
CATEGORY_SAVE_AS = "stories/told-by/{slug}/index.html"
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""  # the teller's name is shown on the story; a page per name would list strangers together
AUTHORS_SAVE_AS = ""
INDUSTRY_URL = "industries/{slug}/"
INDUSTRY_SAVE_AS = "industries/{slug}/index.html"
INDUSTRIES_URL = "industries/"
INDUSTRIES_SAVE_AS = "industries/index.html"
ARCHIVES_URL = "stories/archive/"
ARCHIVES_SAVE_AS = "stories/archive/index.html"
YEAR_ARCHIVE_URL = "stories/archive/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "stories/archive/{date:%Y}/index.html"
STORIES_URL = "stories/"
STORIES_SAVE_AS = "stories/index.html"
SUBMIT_URL = "submit/"
SUBMIT_SAVE_AS = "submit/index.html"
THANKS_URL = "submit/thanks/"
THANKS_SAVE_AS = "submit/thanks/index.html"
ABOUT_URL = "about/"
ABOUT_SAVE_AS = "about/index.html"
SITEMAP_SAVE_AS = "sitemap.xml"
DIRECT_TEMPLATES = ["index", "stories", "archives", "tags", "submit", "thanks", "about", "404"]

DEFAULT_PAGINATION = 10  # as the Material blog's pagination_per_page
PAGINATED_TEMPLATES = {"stories": None, "tag": None, "category": None, "industry": None, "period_archives": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
NEWEST_FIRST_ARCHIVES = True

# The feeds are the plugin's (extramile/feeds.py, the Material site's too): the site's RSS, Atom and JSON Feed,
# an Atom feed per tag and per teller, each story in full and dated by when it was published. Pelican's own feed
# writer is off: it dates a story by when it happened. FEED_DOMAIN is the absolute address the feeds, the
# sharing tags and robots.txt use.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

DEFAULT_DATE_FORMAT = "%B %d, %Y"
DELETE_OUTPUT_DIRECTORY = False
