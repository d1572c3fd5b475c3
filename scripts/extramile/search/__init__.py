"""Full-text search and browsing for both engines: one static search index of the published stories.

- `records`: the stories as search records (pure: entries and their HTML in, records out; drafts never);
- `tokenize`: the words of a text, the same in Python and in the reader's browser (`client.js`);
- `index`: the records written as a chunked static index into `<site>/search/`, with `client.js` (the reader's
  search module, copied there as `search.js`);
- `mkdocs_plugin` (`extramile-search`) and `pelican_plugin`: each engine builds that index as part of its
  normal build (`mkdocs build`, `mkdocs serve`, `pelican`), from the same records.
"""
