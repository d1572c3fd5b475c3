"""`python -m extramile.speedups.mkdocs_serve ARGS`: `mkdocs ARGS` with file watching by notifications."""

from __future__ import annotations

import sys

from extramile.speedups import serve_watch


def main() -> None:
    serve_watch.install()
    from mkdocs.__main__ import cli

    sys.argv[0] = "mkdocs"
    cli()


if __name__ == "__main__":
    main()
