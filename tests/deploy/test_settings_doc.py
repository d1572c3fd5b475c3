"""Every setting a deploy needs is in README's "Settings" table, once, with its variable, default and example."""

from __future__ import annotations

import re

from extramile.publish_settings import SETTINGS, settings_table
from tests.conftest import REPO

# Where the code and the configuration read environment variables.
SOURCES = [*sorted((REPO / "scripts" / "extramile").rglob("*.py")), REPO / "mkdocs.yml", REPO / "pelicanconf.py",
           REPO / "publishconf.py"]
READS = [
    re.compile(r"""os\.environ(?:\.get)?\s*[\[(]\s*["']([A-Z][A-Z0-9_]+)["']"""),  # os.environ.get("X"), os.environ["X"]
    re.compile(r"""os\.getenv\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""!ENV\s*\[?\s*([A-Z][A-Z0-9_]+)"""),  # mkdocs.yml
    re.compile(r"""^[A-Z_]+_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", re.M),  # WORKERS_ENV = "EXTRAMILE_WORKERS"
]
# Read by the code but not settings of a deploy: set by CI systems and by our own commands and tests.
NOT_SETTINGS = {"GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_MKDOCS_2_WARNING", "COLUMNS"}


def readme_settings() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text[text.index("\n## Settings\n"):].split("\n## ", 2)[1]


def variables_read_by_the_code() -> set[str]:
    found = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            found |= set(pattern.findall(text))
    return found - NOT_SETTINGS


def test_readme_shows_the_settings_table_word_for_word():
    assert settings_table() in readme_settings()


def test_each_variable_is_in_the_table_once():
    rows = [line for line in readme_settings().splitlines() if line.startswith("| ")][1:]
    named = [variable for row in rows for variable in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[2])]
    assert len(named) == len(set(named)), named
    assert set(named) == {s.env for s in SETTINGS if s.env}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 5 and all(cells), row  # setting, variable, default, example, what it is


def test_every_variable_the_code_reads_is_a_documented_setting():
    read = variables_read_by_the_code()
    assert {"SITE_URL", "EXTRAMILE_INTAKE_URL", "EXTRAMILE_WORKERS", "EXTRAMILE_INTAKE_ORIGINS"} <= read
    assert read <= {s.env for s in SETTINGS}, f"not in README's Settings: {read - {s.env for s in SETTINGS}}"
