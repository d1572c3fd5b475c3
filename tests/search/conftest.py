"""The Pelican site's fixtures, for comparing both engines' indexes and driving both Browse pages."""

from tests.pelican.conftest import pelican_site, pelican_url  # noqa: F401  (fixtures)
