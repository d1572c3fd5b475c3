"""One pass of the stdlib HTML parser over a page (or over the HTML inside a feed or JSON file): the active
content rules of `scripts.py` on every tag, and the page's text and attribute values for the text rules."""

from __future__ import annotations

from html.parser import HTMLParser

from extramile.audit import scripts
from extramile.audit.findings import TextChunks
from extramile.audit.scripts import SiteRef

_URL_ATTRIBUTES = scripts.URL_ATTRIBUTES


class MarkupScanner(HTMLParser):
    """Collects (line, message) problems, the text nodes and the attribute values of one document.

    `site` is given for the site's own pages, whose theme scripts are allowed; without it (feeds, JSON strings,
    SVG files) any script is a problem. `lines` maps the document's lines to the file's (for fragments)."""

    def __init__(self, page: str, site: SiteRef | None = None, lines: list[int] | None = None):
        super().__init__(convert_charrefs=True)
        self.page, self.site, self.map = page, site, lines
        self.problems: list[tuple[int, str]] = []
        self.text = TextChunks()
        self.attrs = TextChunks(TextChunks.APART)
        self.phone_links = TextChunks()  # tel: addresses, which the phone rule reads as page text
        self._script: tuple[int, dict, list[str]] | None = None
        self._style: tuple[int, list[str]] | None = None

    def _line(self) -> int:
        line = self.getpos()[0]
        if self.map is not None:
            return self.map[min(line, len(self.map)) - 1]
        return line

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self._line()
        raw = self.get_starttag_text() or ""
        self.start_tag(tag, attrs, line, _attribute_lines(raw, attrs, line) if "\n" in raw and not self.map else None)
        if tag == "script":
            self._finish_script()
            self._script = (self._line(), dict(attrs), [])
        elif tag == "style":
            self._style = (self._line(), [])

    def start_tag(self, tag: str, attrs: list[tuple[str, str | None]], line: int,
                  lines: list[int] | None = None) -> None:
        """The rules for one tag and its attributes (also called for the elements of an XML file); `lines` is
        the line of each attribute, when the tag spans lines."""
        problem = scripts.element_problem(tag)
        if problem:
            self.problems.append((line, problem))
        start = line
        for index, (name, value) in enumerate(attrs):
            line = lines[index] if lines else start
            if name.startswith("on") and value is not None:  # with no value (`<a onclick>`) nothing runs
                self.problems.append((line, f"event handler attribute {name}= on <{tag}>"))
            if not value:
                continue
            self.attrs.add(line, value)
            if name in _URL_ATTRIBUTES or name.endswith(":href"):
                problem = scripts.url_problem(name, value)
                if problem:
                    self.problems.append((line, f"{problem} on <{tag}>"))
                elif name == "href" and value.lstrip()[:4].lower() == "tel:":
                    self.phone_links.add(line, value.lstrip()[4:])
            elif name == "style":
                problem = scripts.css_problem(value)
                if problem:
                    self.problems.append((line, f"{problem} in style= on <{tag}>"))
            elif name == "srcdoc":
                self.problems.append((line, f"srcdoc= on <{tag}>: a document inside an attribute"))
        if tag == "meta":
            problem = scripts.refresh_problem(dict(attrs))
            if problem:
                self.problems.append((start, problem))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._finish_script()
        elif tag == "style":
            self._finish_style()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._finish_script()
        elif tag == "style":
            self._finish_style()

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[2].append(data)
        elif self._style is not None:
            self._style[1].append(data)
        else:
            self.text.add(self._line(), data)

    def handle_comment(self, data: str) -> None:
        self._nested(data)

    def unknown_decl(self, data: str) -> None:  # <![CDATA[...]]>, real in SVG and MathML
        self._nested(data)

    def _nested(self, data: str) -> None:
        """Markup in a comment or a marked section is read as live markup: browsers and the parser do not always
        agree on where a comment ends (`<!--><script>` runs in a browser), so nothing hides in one."""
        if "<" not in data and "&" not in data:
            self.text.add(self._line(), f"<!--{data}-->")  # with its marks: no phrase runs on into the page's text
            return
        start = self._line()
        inner = MarkupScanner(self.page, None, None)
        inner.feed(data)
        inner.close()
        self.problems += [(start + line - 1, message) for line, message in inner.problems]
        for mine, theirs in ((self.text, inner.text), (self.attrs, inner.attrs), (self.phone_links, inner.phone_links)):
            for line, part in zip(theirs.lines, theirs.parts):
                mine.add(start + line - 1, part)

    def _finish_script(self) -> None:
        if self._script is not None:
            line, attrs, parts = self._script
            self._script = None
            text = "".join(parts)
            self.attrs.add(line, text)  # published too (JSON-LD, settings): addresses, drafts, stored values
            problem = scripts.script_problem(attrs, text, self.page, self.site)
            if problem:
                self.problems.append((line, problem))

    def _finish_style(self) -> None:
        if self._style is not None:
            line, parts = self._style
            self._style = None
            problem = scripts.css_problem("".join(parts))
            if problem:
                self.problems.append((line, f"{problem} in a <style> element"))

    def close(self) -> None:
        super().close()
        self._finish_script()  # a script left open runs to the end of the file
        self._finish_style()


def _attribute_lines(raw: str, attrs: list[tuple[str, str | None]], line: int) -> list[int]:
    """The line of each attribute of a start tag that spans lines (`raw` is the tag's text, from line `line`)."""
    lower, position, lines = raw.lower(), 1, []
    for name, _ in attrs:
        found = lower.find(name, position)
        if found >= 0:
            position = found + len(name)
        lines.append(line + raw.count("\n", 0, position))
    return lines


def scan_markup(text: str, page: str, site: SiteRef | None = None, lines: list[int] | None = None) -> MarkupScanner:
    scanner = MarkupScanner(page, site, lines)
    scanner.feed(text)
    scanner.close()
    return scanner


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[dict, str]] = []
        self._current: tuple[dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = (dict(attrs), [])

    def handle_data(self, data):
        if self._current is not None:
            self._current[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            attrs, parts = self._current
            if "src" not in attrs:
                self.found.append((attrs, "".join(parts)))
            self._current = None


def inline_scripts(html: str) -> list[tuple[dict, str]]:
    """Every inline script of a page, as (attributes, text): for updating the allow-list."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return parser.found
