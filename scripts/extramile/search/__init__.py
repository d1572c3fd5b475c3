"""Full-text search and browsing for both engines: one static search index of the published stories.

- `records`: the stories as search records (pure: entries and their HTML in, records out; drafts never);
- `tokenize`: the words of a text (CJK runs split into pairs of characters), the same in Python and in the
  reader's browser (`client.js`); `stemmer`: the English endings it joins (Porter2's inflectional steps);
- `index`: the records written as a chunked static index into `<site>/search/`, with `client.js` (the reader's
  search module, written there as `search.js` without its comments);
- `mkdocs_plugin` (`extramile-search`) and `pelican_plugin`: each engine builds that index as part of its
  normal build (`mkdocs build`, `mkdocs serve`, `pelican`), from the same records.
"""
