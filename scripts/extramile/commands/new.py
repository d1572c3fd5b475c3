"""`extramile new "Title"`: start a valid draft story."""

from __future__ import annotations

import argparse
import sys

from extramile.new import NewStory, StoryExists, draft_for, write_draft
from extramile.paths import STORIES_DIR, VOCABULARY_FILE, project_root
from extramile.vocabulary import load_vocabulary


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="start a new draft story")
    parser.add_argument("title", help="the story's title, plain text on one line")
    parser.add_argument("--perspective", choices=("customer", "business"), default="customer", help="who tells it")
    parser.add_argument("--business", default=NewStory.business, help="the business the story is about")
    parser.add_argument("--industry", default="", help="an industry slug from the vocabulary")
    parser.add_argument("--channel", default="", help="a channel slug from the vocabulary")
    parser.add_argument("--tag", dest="tags", action="append", default=[], help="a tag slug (repeat for more)")
    parser.add_argument("--told-by", default="Anonymous", help="the teller's display name, with their consent")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    vocabulary = load_vocabulary(root / VOCABULARY_FILE)
    new = NewStory(title=args.title, perspective=args.perspective, business=args.business, industry=args.industry,
                   channel=args.channel, tags=args.tags, told_by=args.told_by)
    story, problems = draft_for(new, vocabulary)
    if problems:
        for problem in problems:
            print(f"extramile new: {problem.field}: {problem.message}", file=sys.stderr)
        return 1
    try:
        path = write_draft(story, root / STORIES_DIR)
    except StoryExists as error:
        print(f"extramile new: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path.relative_to(root)} (draft: true): edit it, preview with `make serve`, then set draft: false")
    return 0
