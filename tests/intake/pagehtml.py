"""Just enough HTML reading for the tests: elements by id, their attributes and text."""

from __future__ import annotations

from html.parser import HTMLParser

_VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "area", "base", "wbr", "embed", "track"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag = tag
        self.attrs = attrs
        self.text = ""

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, Element] = {}
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if element.get("id"):
            self.by_id[element.get("id")] = element
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def __getitem__(self, element_id: str) -> Element:
        return self.by_id[element_id]

    def named(self, name: str) -> list[Element]:
        return [element for element in self.elements if element.get("name") == name]

    def error(self, field: str) -> str:
        return self[f"sf-{field}-error"].text.strip()
