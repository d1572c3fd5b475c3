"""The `extramile` command: a thin layer over the stage modules.

Each subcommand lives in its own module, which exposes `register(subparsers)`; that function adds the
subcommand's parser and sets `func`, which takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that each add one or more subcommands.
COMMAND_MODULES = (
    "extramile.commands.check",
    "extramile.commands.new",
    "extramile.commands.build",
    "extramile.commands.audit",
    "extramile.commands.serve",
    "extramile.commands.bench",
    "extramile.intake.command",
    "extramile.ingest.command",
    "extramile.editorial.command",
    "extramile.commands.review",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extramile", description="Extra Mile — stories of exceptional service: check, write, build and ingest stories."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if not error.name or not name.startswith(error.name):  # a missing dependency is a real error
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args) or 0)
