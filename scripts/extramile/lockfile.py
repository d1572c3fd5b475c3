"""requirements.lock: the exact version of every package Extra Mile and its tests need, as installed here.

    python -m extramile.lockfile requirements.lock      # what `make lock` runs

The lock lists the installed closure of `extramile[test]` (pyproject.toml's dependencies, the test extra, and
everything those require on this platform), one `name==version` a line: not whatever else the environment
holds. `make install`, `.ci/run` and the workflows install with `pip install -c requirements.lock -e .[test]`,
so every machine gets these versions; the Makefile re-installs when the lock changes.
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HEADER = """\
# Exact versions of everything Extra Mile and its tests install (Python 3.11, Linux), for
#   pip install -c requirements.lock -e ".[test]"      (what `make install` runs)
# Made by `make lock` (python -m extramile.lockfile) from the installed packages: after changing a dependency
# in pyproject.toml, install it, run `make lock` and commit both files.
"""


def closure(project: str = "extramile", extras: tuple[str, ...] = ("test",)) -> dict[str, metadata.Distribution]:
    """Every installed distribution `project[extras]` needs here, by canonical name (the project excluded)."""
    found: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(project, frozenset(extras))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        if (canonicalize_name(name), wanted) in seen:
            continue
        seen.add((canonicalize_name(name), wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"extramile.lockfile: {name} is required but not installed: run `make install` first") from None
        if canonicalize_name(name) != canonicalize_name(project):
            found[canonicalize_name(name)] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra})
                                                 for extra in (wanted or {""})):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return found


def lock_text() -> str:
    pins = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in closure().values())
    return HEADER + "".join(f"{pin}\n" for pin in sorted(pins, key=str.lower))


def read_lock(path: Path) -> dict[str, str]:
    """name (canonical) -> pinned version."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name.split(";")[0].strip())] = version.split(";")[0].strip()
    return pins


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = lock_text()
    if not args or args[0] == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args[0])
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)
    print(f"{target}: {text.count(chr(10)) - HEADER.count(chr(10))} packages pinned")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
