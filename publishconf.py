"""Pelican settings for the public build: pelicanconf.py, with absolute links to SITE_URL and a clean output.

    SITE_URL=https://stories.example.org/ pelican -s publishconf.py
    extramile build --engine pelican --public
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F403 - the public build is the preview build plus the lines below

# The address the site is served from, as mkdocs.yml's site_url reads it: links, feeds and the sitemap use it.
SITEURL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/").rstrip("/")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
