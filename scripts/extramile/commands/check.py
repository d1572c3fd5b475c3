"""`extramile check [PATH ...]`: is every story valid?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extramile.check import check_collection
from extramile.contacts import load_allowed
from extramile.paths import STORIES_DIR, VOCABULARY_FILE, project_root
from extramile.vocabulary import VocabularyError, load_vocabulary


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="validate stories against the schema and the vocabulary")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=f"story files or folders (default: {STORIES_DIR})")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    try:
        vocabulary = load_vocabulary(root / VOCABULARY_FILE)
        public_contacts = load_allowed(root)
    except (VocabularyError, ValueError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    paths = args.paths or [root / STORIES_DIR]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"extramile check: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    findings, count = check_collection(paths, vocabulary, relative_to=Path.cwd(), public_contacts=public_contacts)
    for finding in findings:
        print(finding)
    files = len({f.path for f in findings})
    if findings:
        print(f"{len(findings)} problem{'s' if len(findings) != 1 else ''} in {files} of {count} stor{'ies' if count != 1 else 'y'}")
        return 1
    print(f"{count} stor{'ies' if count != 1 else 'y'} checked: all valid")
    return 0
