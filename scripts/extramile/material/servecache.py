"""What `mkdocs serve` may remember from one rebuild to the next, so that a quick rebuild (preview.py) is quick.

Every rebuild, Material's blog reads all posts again (10,000 files parsed as YAML: several seconds) and copies
its listing pages' sources into its own folder again (one file per page of a paginated listing: thousands).
Under `serve` only (a build reads everything once anyway):

- `remember_post_files`: the text of each post file the blog reads, by path, size and modification time;
- `remember_post_metadata`: the blog's YAML parse of a post's front matter, by its exact text; each post gets
  its own copy of every list and mapping in it, as before it got a fresh parse (plugins change a post's meta
  afterwards);
- `remember_post_settings`: the blog's validation of a post's settings (date, categories, draft...), by the
  post's file and the values it was given; each post gets a deep copy of the validated values;
- `copy_listing_sources_once`: the copy of a listing's source into a page of its own is skipped when that
  page's file already holds exactly those bytes.
"""

from __future__ import annotations

import io
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
        return _copied(self._parsed[key])

    def __getattr__(self, name):
        return getattr(self._module, name)


def _copied(value):
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value  # str, int, date, None...: not changed in place


_texts: dict[str, tuple[int, int, str]] = {}


def _open(path, *args, **kwargs):
    """`open` for Material's blog structure module, whose one call reads a post: `open(path, encoding="utf-8-sig")`."""
    if args or set(kwargs) != {"encoding"} or kwargs["encoding"] != "utf-8-sig" or not isinstance(path, str):
        return open(path, *args, **kwargs)
    info = os.stat(path)
    known = _texts.get(path)
    if known is None or known[:2] != (info.st_mtime_ns, info.st_size):
        with open(path, encoding="utf-8-sig") as handle:
            known = _texts[path] = (info.st_mtime_ns, info.st_size, handle.read())
    return io.StringIO(known[2])


def remember_post_files() -> None:
    blog_structure.open = _open


def remember_post_metadata() -> None:
    if not isinstance(blog_structure.yaml, _RememberingYaml):
        blog_structure.yaml = _RememberingYaml(yaml)


def remember_post_settings() -> None:
    original = blog_structure.PostConfig
    if getattr(original, "_extramile_remembers", False):
        return
    validated: dict[tuple, tuple] = {}

    class RememberedPostConfig(original):
        _extramile_remembers = True

        def validate(self):
            key = (self.config_file_path, repr(sorted(self.data.items())))
            if key not in validated:
                failed, warnings = super().validate()
                validated[key] = (_fresh(self.data), failed, warnings)
                return failed, warnings
            data, failed, warnings = validated[key]
            self.data.clear()
            self.data.update(_fresh(data))
            return list(failed), list(warnings)

    blog_structure.PostConfig = RememberedPostConfig


def _fresh(data: dict) -> dict:
    """A copy of validated settings, each list and mapping new (the blog's date mapping answers every attribute,
    `__setstate__` included, so copy.deepcopy cannot copy it)."""
    return {key: type(value)(value) if isinstance(value, (list, dict)) else value for key, value in data.items()}


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
