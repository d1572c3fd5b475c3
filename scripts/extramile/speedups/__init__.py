"""The speed-up layer: every patch of an upstream internal, declared, checked at start-up and removable.

Each patch registers what it relies on (`module:attribute.path` names) and the versions it was written
against. Before a patch is applied, `usable(name)` imports those names: if one is gone or renamed (an upgrade),
it logs one warning and the build runs plain — correct, only slower — instead of failing or silently
misbehaving. `EXTRAMILE_SPEEDUPS=0` switches every patch off; the tests build with and without the layer and
compare the outputs.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

log = logging.getLogger("extramile.speedups")


@dataclass(frozen=True)
class Patch:
    name: str
    why: str
    replaces: tuple[str, ...]  # upstream names it reads or replaces, "module:attr.attr"
    tested_with: dict[str, str] = field(default_factory=dict)  # distribution -> the versions it was written for


PATCHES: dict[str, Patch] = {}
_verdicts: dict[str, bool] = {}


def register(patch: Patch) -> Patch:
    PATCHES[patch.name] = patch
    return patch


def enabled() -> bool:
    return os.environ.get("EXTRAMILE_SPEEDUPS", "1") != "0"


def missing(names: Iterable[str]) -> list[str]:
    """The names among `names` that cannot be found (module importable, each attribute present)."""
    gone = []
    for name in names:
        module_name, _, path = name.partition(":")
        try:
            target: object = importlib.import_module(module_name)
            for part in filter(None, path.split(".")):
                target = getattr(target, part)
        except (ImportError, AttributeError):
            gone.append(name)
    return gone


def usable(name: str) -> bool:
    """Whether the patch may be applied in this process: switched on, and everything it needs is there."""
    if not enabled():
        return False
    if name not in _verdicts:
        patch = PATCHES[name]
        gone = missing(patch.replaces)
        if gone:
            versions = ", ".join(f"{dist} {spec}" for dist, spec in patch.tested_with.items())
            log.warning("extramile: speed-up %r is off: %s not found (written for %s); building without it",
                        name, ", ".join(gone), versions or "another version")
        _verdicts[name] = not gone
    return _verdicts[name]
