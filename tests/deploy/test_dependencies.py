"""Reproducible installs: every package our code imports is declared in pyproject.toml, and every dependency
(test tools too, and what they pull in) is pinned at an exact version in requirements.lock."""

from __future__ import annotations

import ast
import functools
import importlib.metadata as metadata
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from extramile.lockfile import closure, read_lock
from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = read_lock(REPO / "requirements.lock")
OURS = {"extramile", "tests", "pelicanconf", "publishconf", "benchmarks", "conftest"}


def requirements(group: str | None = None) -> list[Requirement]:
    project = PYPROJECT["project"]
    texts = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


def third_party_imports(*folders: str) -> dict[str, str]:
    """Top-level module -> a file importing it, for every absolute import that is neither stdlib nor ours."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OURS:
                        found.setdefault(top, str(path.relative_to(REPO)))
    return found


def declared(reqs: list[Requirement]) -> set[str]:
    return {canonicalize_name(r.name) for r in reqs}


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def distributions_of(module: str) -> set[str]:
    return {canonicalize_name(name) for name in _distributions().get(module, [])}


def test_every_third_party_import_of_the_package_is_a_declared_dependency():
    names = declared(requirements())
    missing = {module: where for module, where in third_party_imports("scripts").items()
               if not distributions_of(module) & names}
    assert not missing, f"imported but not in pyproject.toml's dependencies: {missing}"


def test_every_third_party_import_of_the_tests_is_declared_for_them():
    names = declared(requirements()) | declared(requirements("test"))
    local = {path.stem for path in (REPO / "tests").rglob("*.py")}  # helper modules the tests import by name
    missing = {module: where for module, where in third_party_imports("tests", "benchmarks").items()
               if module not in local and not distributions_of(module) & names}
    assert not missing, f"imported by tests but not declared: {missing}"


def test_every_declared_dependency_is_pinned_exactly_in_the_lock():
    for requirement in [*requirements(), *requirements("test")]:
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in LOCK, f"{requirement.name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(LOCK[name], prereleases=True), \
            f"requirements.lock pins {requirement.name}=={LOCK[name]}, outside pyproject.toml's {requirement}"


def test_everything_the_install_pulls_in_is_pinned():
    """The lock covers the whole installed closure of extramile[test], not only what we name."""
    unpinned = sorted(set(closure()) - set(LOCK))
    assert not unpinned, f"installed but not pinned (run `make lock`): {unpinned}"


def test_the_install_uses_the_lock():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert 'pip install --quiet -c $(LOCK) -e ".[test]"' in makefile
    assert "$(STAMP): pyproject.toml $(LOCK)" in makefile  # a changed lock re-installs
    assert "make install" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
