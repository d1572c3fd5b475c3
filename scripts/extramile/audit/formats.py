"""Feeds, sitemaps and JSON files as a reader sees them: each piece of text once decoded, read as HTML.

The XML of a feed is decoded by expat (entities and CDATA, as a feed reader decodes it); each element's
attributes go through the markup rules as a tag's would, and each text node that holds markup (`<` or `&`,
as a feed's escaped story HTML does) becomes one line of a fragment document that the markup scanner reads as
HTML. A JSON file's string values are treated the same way. Text without markup is taken as it is, with no
parse: the sitemap and most of the search index. Lines map back to the file's, so a finding names its line."""

from __future__ import annotations

import html
import json
import re
from xml.parsers import expat

from extramile.audit.markup import MarkupScanner, scan_markup

# The search index's facet columns pack one character per story (extramile/search/index.py): a code, not text.
SKIPPED_JSON_KEYS = frozenset({"column"})
_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))")
_PSEUDO_ATTRIBUTE = re.compile(r"([\w:-]{1,64})\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


class _Fragment:
    """Text pieces (with their file lines) and tags. A piece with markup in it (`<` or `&`) goes into an HTML
    document that the markup scanner reads; any other piece is plain text, added as it is."""

    def __init__(self, page: str) -> None:
        self.scanner = MarkupScanner(page)
        self.lines: list[str] = []
        self.origin: list[int] = []

    def add(self, line: int, text: str) -> None:
        if "<" in text or "&" in text:
            self.lines.append(text.replace("\r", " ").replace("\n", " "))
            self.origin.append(line)
        else:
            self.scanner.text.add(line, text)

    def tag(self, line: int, name: str, attributes: dict[str, str]) -> None:
        self.scanner.start_tag(name.lower(), list(attributes.items()), line)
        if name.lower().rpartition(":")[2] == "script":
            self.scanner.problems.append((line, f"<{name}> element in content where no script belongs"))

    def scan(self) -> MarkupScanner:
        if self.lines:
            inner = scan_markup("\n".join(self.lines) + "\n", self.scanner.page, None, self.origin)
            self.scanner.problems += inner.problems
            for mine, theirs in ((self.scanner.text, inner.text), (self.scanner.attrs, inner.attrs),
                                 (self.scanner.phone_links, inner.phone_links)):
                for line, part in zip(theirs.lines, theirs.parts):
                    mine.add(line, part)
        return self.scanner


def scan_xml(text: str, page: str) -> MarkupScanner:
    fragment = _Fragment(page)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    pending: list = []  # [line, pieces] of the text node being read (expat gives it in pieces)

    def flush(*_):
        if pending:
            line, pieces = pending
            pending.clear()
            node = "".join(pieces)
            if node.strip():
                fragment.add(line, node)

    def start(name, attributes):
        flush()
        fragment.tag(parser.CurrentLineNumber, name, attributes)

    def characters(data):
        if pending:
            pending[1].append(data)
        else:
            pending.extend((parser.CurrentLineNumber, [data]))

    def instruction(target, data):
        flush()
        attributes = {m[1]: m[2] if m[2] is not None else m[3] for m in _PSEUDO_ATTRIBUTE.finditer(data)}
        fragment.tag(parser.CurrentLineNumber, target, attributes)

    parser.StartElementHandler, parser.EndElementHandler = start, flush
    parser.CharacterDataHandler, parser.ProcessingInstructionHandler = characters, instruction
    parser.CommentHandler = flush
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return _decoded_lines(text, page, html.unescape)  # not well-formed: decode what can be decoded
    flush()
    return fragment.scan()


def scan_json(text: str, page: str) -> MarkupScanner:
    try:
        data = json.loads(text)
    except ValueError:
        return _decoded_lines(text, page, _json_unescape)
    fragment = _Fragment(page)
    single = text.count("\n", 0, len(text.rstrip("\n"))) == 0
    cursor, line = 0, 1
    for value in _strings(data):
        if not single:  # find the string in the file, from where the previous one was, for its line
            for encoded in (json.dumps(value, ensure_ascii=False), json.dumps(value)):
                found = text.find(encoded, cursor)
                if found >= 0:
                    line += text.count("\n", cursor, found)
                    cursor = found
                    break
        fragment.add(line, value)
    return fragment.scan()


def _strings(data, key: str | None = None):
    """Every string value of a JSON document, in document order (stack-based: no recursion limit)."""
    stack = [(data, key)]
    while stack:
        value, key = stack.pop()
        if isinstance(value, str):
            if key not in SKIPPED_JSON_KEYS:
                yield value
        elif isinstance(value, dict):
            stack.extend(reversed([(item, name) for name, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(item, key) for item in value]))


def _json_unescape(line: str) -> str:
    def replace(match: re.Match) -> str:
        if match[1]:
            return chr(int(match[1], 16))
        return {"n": " ", "r": " ", "t": "\t", "b": " ", "f": " "}.get(match[2], match[2])
    return _JSON_ESCAPE.sub(replace, line)


def _decoded_lines(text: str, page: str, decode) -> MarkupScanner:
    """A file that does not parse: each line decoded once and read as HTML (its own tags included)."""
    fragment = _Fragment(page)
    for number, line in enumerate(text.split("\n"), 1):
        fragment.lines.append(decode(line).replace("\r", " ").replace("\n", " "))
        fragment.origin.append(number)
    return fragment.scan()
