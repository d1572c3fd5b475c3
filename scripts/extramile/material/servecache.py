"""What `mkdocs serve` may remember from one rebuild to the next, so that a quick rebuild (preview.py) is quick.

Every rebuild, Material's blog reads all posts again (10,000 files parsed as YAML: several seconds) and copies
its listing pages' sources into its own folder again (one file per page of a paginated listing: thousands).
Under `serve` only (a build reads everything once anyway):

- `remember_post_metadata`: the blog's YAML parse of a post's front matter, by its exact text; each post gets
  a deep copy, as before it got a fresh parse (the plugins change a post's meta afterwards);
- `copy_listing_sources_once`: the copy of a listing's source into a page of its own is skipped when that
  page's file already holds exactly those bytes.
"""

from __future__ import annotations

import copy
import os

import yaml
from material.plugins.blog import plugin as blog_module
from material.plugins.blog import structure as blog_structure


class _RememberingYaml:
    """Stands for the `yaml` module inside Material's blog structure, whose only call is `yaml.load`."""

    def __init__(self, module):
        self._module = module
        self._parsed: dict[tuple[str, type], object] = {}

    def load(self, text, Loader):  # noqa: N803 (PyYAML's own argument name)
        if not isinstance(text, str):
            return self._module.load(text, Loader)
        key = (text, Loader)
        if key not in self._parsed:
            self._parsed[key] = self._module.load(text, Loader)
        return copy.deepcopy(self._parsed[key])

    def __getattr__(self, name):
        return getattr(self._module, name)


def remember_post_metadata() -> None:
    if not isinstance(blog_structure.yaml, _RememberingYaml):
        blog_structure.yaml = _RememberingYaml(yaml)


def _copy_unless_same(source: str, destination: str) -> None:
    if os.path.isdir(destination):  # as mkdocs.utils.copy_file, which this stands for
        destination = os.path.join(destination, os.path.basename(source))
    with open(source, "rb") as handle:
        data = handle.read()
    try:
        with open(destination, "rb") as handle:
            if handle.read() == data:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    with open(destination, "wb") as handle:
        handle.write(data)


def copy_listing_sources_once() -> None:
    blog_module.copy_file = _copy_unless_same
