"""The Pelican site's fixtures (pelican_site, pelican_url), for comparing both engines' indexes and driving both
Browse pages, are tests/conftest.py's: one build for the whole session."""
