"""Full-text search and browsing for both engines: one Pagefind index of the published stories.

- `records`: the stories as search records (pure: entries and their HTML in, records out; drafts never);
- `index`: the records written as a chunked static Pagefind index into `<site>/pagefind/`;
- `mkdocs_plugin` (`extramile-search`) and `pelican_plugin`: each engine builds that index as part of its
  normal build (`mkdocs build`, `mkdocs serve`, `pelican`), from the same records.
"""
