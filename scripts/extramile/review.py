"""What a pull request changes, for its reviewer: the stories it touches and every problem its checks find.

`changed_stories(root, base)` reads git: each story added, changed, renamed or removed between the merge base
of `base` and HEAD, with its title, teller, tags and state (draft or published) as of HEAD (as of the base
for a removed one). `run_step` runs one `extramile` command and collects what it prints: a line
`path:line: message` (the checker's form, which the builds and the audit repeat) is a problem with a place;
an ERROR or CRITICAL line is one without. `summary_markdown` is the job summary; `annotations` are GitHub's
`::error file=…,line=…::` workflow commands, which it shows on the pull request's diff.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from extramile.paths import STORIES_DIR
from extramile.reader import read_story

# A checker-style finding, wherever a step prints it (MkDocs indents it, Pelican pads it with spaces).
_FINDING = re.compile(r"^\s*(?P<path>[^\s:][^:]*?\.[A-Za-z0-9]+):(?P<line>\d+): (?P<message>.+?)\s*$")
# An error without a place: MkDocs' "ERROR -", Pelican's "[12:00:00] CRITICAL", our "extramile build: ...".
_ERROR = re.compile(r"^\s*(?:\[[\d:]+\]\s*)?(?:ERROR|CRITICAL)\b\s*-?\s*(?P<message>.+?)\s*$"
                    r"|^(?P<ours>extramile [a-z-]+: .+?)\s*$")
_ITEM = re.compile(r"^\s+- (?P<message>.+?)\s*$")
_LOG_SOURCE = re.compile(r"\s{2,}[\w.]+\.py:\d+\s*$")  # the source column Pelican's log adds at the right
_CHANGE = {"A": "added", "M": "changed", "R": "renamed", "C": "added", "D": "removed", "T": "changed"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # "" when the problem has no file
    line: int
    message: str
    step: str = field(compare=False)
    in_repo: bool = field(default=True, compare=False)  # False for a built file the audit names: no diff line


@dataclass
class Step:
    command: str  # the extramile command line, as given to --run
    status: int
    output: str
    problems: list[Problem]


@dataclass
class StoryChange:
    change: str  # added, changed, renamed, removed
    path: str
    old_path: str | None
    title: str
    told_by: str
    tags: list[str]
    draft: bool | None
    was_draft: bool | None  # the base's draft flag, for a changed, renamed or removed story

    @property
    def state(self) -> str:
        now = "draft" if self.draft else "published"
        if self.change == "removed":
            return f"removed (was {'a draft' if self.was_draft else 'published'})"
        if self.was_draft is not None and bool(self.was_draft) != bool(self.draft):
            return f"{now} (was {'a draft' if self.was_draft else 'published'})"
        return now


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout


def changed_stories(root: Path, base: str) -> list[StoryChange]:
    """Every story the commits since the merge base of `base` and HEAD add, change, rename or remove."""
    merge_base = git(root, "merge-base", base, "HEAD").strip()
    # A rename is a file moved with small edits: stories share their front matter's shape, and a lower bar
    # would pair a removed story with an unrelated new one.
    fields = git(root, "diff", "--name-status", "-z", "-M90%", "--no-ext-diff", merge_base, "HEAD", "--",
                 STORIES_DIR).split("\0")
    changes, i = [], 0
    while i < len(fields) - 1:
        status = fields[i][:1]
        if status in "RC":
            old, new, i = fields[i + 1], fields[i + 2], i + 3
        else:
            old, new, i = fields[i + 1], fields[i + 1], i + 2
        if not new.endswith(".md"):
            continue
        before = _metadata(root, merge_base, old) if status != "A" else None
        after = _metadata(root, "HEAD", new) if status != "D" else before
        meta = after or {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        changes.append(StoryChange(
            change=_CHANGE.get(status, "changed"), path=new, old_path=old if status == "R" else None,
            title=_text(meta.get("title")) or "(no title)", told_by=_text(meta.get("told_by")) or "(nobody)",
            tags=[_text(t) for t in tags], draft=_flag(meta.get("draft")),
            was_draft=None if before is None or status == "C" else _flag(before.get("draft"))))
    return sorted(changes, key=lambda c: (list(_CHANGE.values()).index(c.change), c.path))


def _metadata(root: Path, commit: str, path: str) -> dict | None:
    """A story's front matter at a commit, read as the checker reads it; None when it cannot be read."""
    blob = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True)
    if blob.returncode:
        return None
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / Path(path).name
        copy.write_bytes(blob.stdout)
        metadata = read_story(copy).metadata
    return metadata if isinstance(metadata, dict) else None


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def parse_output(output: str, step: str, root: Path) -> list[Problem]:
    """The problems a step printed: checker-style findings with their place, errors without one.

    An error line ending in ":" heads what follows (findings, or "  - " items, each a problem of its own):
    it is kept only when nothing follows it."""
    problems: list[Problem] = []
    heading: Problem | None = None  # an error line ending in ":", until we know whether anything follows it
    followed = False
    for line in output.splitlines():
        line = _LOG_SOURCE.sub("", line)
        if match := _FINDING.match(line):
            path = _relative(match["path"], root)
            problems.append(Problem(path, int(match["line"]), match["message"], step, (root / path).is_file()))
            followed = True
            continue
        if heading and (match := _ITEM.match(line)):
            problems.append(Problem("", 0, match["message"], step))
            followed = True
            continue
        if heading and not followed:
            problems.append(heading)
        heading, followed = None, False
        if match := _ERROR.match(line):
            problem = Problem("", 0, match["message"] or match["ours"], step)
            if problem.message.endswith(":"):
                heading = problem
            else:
                problems.append(problem)
    if heading and not followed:
        problems.append(heading)
    return problems


def _relative(path: str, root: Path) -> str:
    if Path(path).is_absolute():
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path


def run_step(root: Path, command: str, echo: bool = True, github: bool = False) -> Step:
    """Run `extramile COMMAND` in the project, show its output (grouped, inert on GitHub), collect problems."""
    env = {**os.environ, "COLUMNS": "400", "NO_MKDOCS_2_WARNING": "1"}  # Pelican's log wraps at COLUMNS
    result = subprocess.run([sys.executable, "-m", "extramile", *shlex.split(command)], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = result.stdout
    if output and not output.endswith("\n"):
        output += "\n"
    if echo:
        if github:  # a story's text echoed by a step must not be read as a workflow command
            token = os.urandom(8).hex()
            print(f"::group::extramile {command}\n::stop-commands::{token}\n{output}::{token}::\n::endgroup::",
                  flush=True)
        else:
            print(f"$ extramile {command}\n{output}", end="", flush=True)
    return Step(command, result.returncode, output, parse_output(output, f"extramile {command}", root))


def unique_problems(steps: list[Step]) -> list[Problem]:
    """Each problem once, from the first step that reported it: the builds repeat what the checker says."""
    seen, problems = set(), []
    for step in steps:
        for problem in step.problems:
            key = (problem.path, problem.line, problem.message)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    return problems


def _md(text: str) -> str:
    """Plain text safe in a Markdown table cell: no markup, no HTML, no cell break."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#!~])", r"\\\1", text)


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text.replace('|', '&#124;')}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def summary_markdown(base: str, stories: list[StoryChange], steps: list[Step]) -> str:
    problems = unique_problems(steps)
    failed = [step for step in steps if step.status]
    count = len(stories)
    failures = f", {_plural(len(failed), 'failed check')}" if failed else ""
    lines = ["## Extra Mile: what this pull request changes", "",
             f"{count} {'story' if count == 1 else 'stories'} added, changed or removed since {_code(base)}; "
             f"{_plural(len(problems), 'problem')}{failures}.", ""]
    if stories:
        lines += ["### Stories", "", "| change | title | told by | tags | state | file |", "|---|---|---|---|---|---|"]
        for story in stories:
            where = _code(story.path) + (f" (from {_code(story.old_path)})" if story.old_path else "")
            lines.append(f"| {story.change} | {_md(story.title)} | {_md(story.told_by)} | "
                         f"{_md(', '.join(story.tags)) or '(none)'} | {story.state} | {where} |")
        lines.append("")
    if problems:
        lines += ["### Problems", ""]
        for problem in problems:
            place = f"{_code(f'{problem.path}:{problem.line}')}: " if problem.path else ""
            lines.append(f"- {place}{_md(problem.message)} ({_md(problem.step)})")
        lines.append("")
    if steps:
        lines += ["### Checks", "", "| check | result |", "|---|---|"]
        for step in steps:
            result = "passed" if not step.status else f"**failed** (exit {step.status})"
            lines.append(f"| {_code('extramile ' + step.command)} | {result} |")
        lines.append("")
        for step in failed:
            if not step.problems:  # say why, when it printed nothing we could place
                tail = [line.rstrip() for line in step.output.splitlines() if line.strip()][-12:]
                lines += [f"`extramile {_md(step.command)}` ended with:", "", "```text", *tail, "```", ""]
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(steps: list[Step]) -> list[str]:
    """GitHub workflow commands: one error per problem, on its file and line when it has one."""
    lines = []
    for problem in unique_problems(steps):
        if problem.path and problem.in_repo:
            where, message = f"file={_escape_property(problem.path)},line={problem.line},", problem.message
        else:
            where, message = "", f"{problem.path}:{problem.line}: {problem.message}" if problem.path else problem.message
        lines.append(f"::error {where}title={_escape_property(problem.step)}::{_escape_data(message)}")
    for step in steps:
        if step.status and not step.problems:
            lines.append(f"::error title={_escape_property('extramile ' + step.command)}::"
                         f"failed (exit {step.status}): see its log")
    return lines
