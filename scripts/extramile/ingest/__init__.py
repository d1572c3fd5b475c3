"""`extramile ingest`: form submissions from any backend become safe, de-duplicated draft stories.

The stages, one module each: `sources` (detect the format and read it, streaming), `mapping` (which field is
which), `normalise` (plain text, vocabulary slugs, dates), `spam`, `prepare` (one submission to one validated
draft), `dedupe`, `write` (atomic, never overwriting), `lock`, `gitbranch`, `report`, and `pipeline`, which runs
them; `command` is the thin command-line layer.
"""
