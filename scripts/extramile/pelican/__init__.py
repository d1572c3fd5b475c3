"""Extra Mile on Pelican: the second engine over the very same `content/`.

- `reader`: reads story files unchanged (YAML front matter), validates them with the one schema, skips drafts;
- `plugin`: registered through Pelican's `PLUGINS`; sanitises story HTML and gives templates the collection;
- `generators`: the pages Pelican has no notion of (one per industry, a sitemap) and the shared assets;
- `site`: what both engines share outside the stories (mkdocs.yml's intake settings, the MkDocs pages' text).
"""
