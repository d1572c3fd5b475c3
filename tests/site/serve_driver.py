"""Build a site as `mkdocs serve --dirty` does, in one process, with edits between builds (for tests).

    python serve_driver.py CONFIG_DIR SITE_DIR EDITS.json     # dirty: the first build, then one per edit
    python serve_driver.py CONFIG_DIR SITE_DIR --full         # one full build, with serve's settings

An edit is {"path": relative path, "text": new content} (text null: delete the file). Plugins that MkDocs keeps
across serve rebuilds (those with on_startup) are kept here too, since the config is loaded in one process.
Prints one JSON line per build: the plugin's decision, from its log.
"""

import json
import logging
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

SERVE_URL = "http://127.0.0.1:8000/"


class Decisions(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.seen: list[str] = []

    def emit(self, record):
        if record.getMessage().startswith("extramile: rebuilding"):
            self.seen.append(record.getMessage())


def main(config_dir: str, site_dir: str, edits: str) -> None:
    root = Path(config_dir)
    decisions = Decisions()
    logging.getLogger("mkdocs").addHandler(decisions)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    dirty = edits != "--full"

    def config():
        loaded = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir)
        loaded["site_url"] = SERVE_URL
        return loaded

    first = config()
    first.plugins.on_startup(command="serve", dirty=dirty)
    build(first, serve_url=SERVE_URL, dirty=dirty)
    print(json.dumps(decisions.seen[-1:]), flush=True)
    for edit in ([] if not dirty else json.loads(Path(edits).read_text(encoding="utf-8"))):
        path = root / edit["path"]
        if edit["text"] is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit["text"], encoding="utf-8")
        build(config(), serve_url=SERVE_URL, dirty=True)
        print(json.dumps(decisions.seen[-1:]), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
