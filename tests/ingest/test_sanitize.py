"""The shared sanitizer: Markdown from submitters, and built story pages."""

from __future__ import annotations

import re

import markdown
import pytest
from bs4 import BeautifulSoup

from extramile.sanitize import is_safe_url, sanitize_html, sanitize_markdown

# Every way we know to run script from Markdown or HTML; each case says what must not survive.
MARKDOWN_ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<b onclick=alert(1)>bold</b>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](java\nscript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<<x>script>alert(1)<</x>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<div markdown=\"1\" onclick=\"alert(1)\">*x*</div>",
    "# Heading {: onclick=\"alert(1)\" }",
    "Paragraph\n{: style=\"background:url(javascript:alert(1))\" onmouseover=\"alert(1)\" }",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<form action=//evil.example><input name=x></form>",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<!--><script>alert(1)</script>-->",
    "<a href='x' title='>' onclick=alert(1)>x</a>",
    "<img src=\"https://tracker.example/pixel.gif\" width=1 height=1>",
]


def render(md_text: str) -> BeautifulSoup:
    html = markdown.markdown(md_text, extensions=["abbr", "admonition", "footnotes", "tables", "toc", "attr_list",
                                                  "md_in_html"])
    return BeautifulSoup(html, "html.parser")


def assert_inert(soup: BeautifulSoup, images: bool = False) -> None:
    banned = {"script", "svg", "math", "iframe", "object", "embed", "form", "input", "style"} | (set() if images else {"img"})
    for element in soup.find_all(True):
        assert element.name not in banned, element
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), element
            assert name != "style", element
            if name in {"href", "src", "action", "data", "formaction"}:
                assert is_safe_url(value), element


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_markdown_attacks_render_inert(attack):
    """Rendered with Python-Markdown (attr_list and md_in_html on, as Material sites often have them)."""
    cleaned = sanitize_markdown(f"Before.\n\n{attack}\n\nAfter.")
    assert_inert(render(cleaned))
    assert "Before." in cleaned and "After." in cleaned


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_every_remaining_tag_is_an_allowed_inline_tag(attack):
    cleaned = sanitize_markdown(attack)
    tags = re.findall(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", cleaned)
    assert {name for _, name in tags} <= {"b", "em", "strong", "i", "abbr", "code", "s", "u", "br", "sub", "sup",
                                          "kbd", "mark", "del", "ins", "small", "q", "cite"}


def test_markdown_keeps_what_a_story_needs():
    story = ("A *kind* gesture with **bold** text, `code`, a [link](https://example.com/a_(b)) and a "
             "[relative](../other-story/).\n\n> A quote\n\n- a list\n- of things\n\n1. and numbers\n\n"
             "I <3 it & so will you: 3 < 4.\n\n<!-- more -->\n\nLine<br>break and <abbr title=\"Extra Mile\">EM</abbr>.")
    cleaned = sanitize_markdown(story)
    assert "*kind*" in cleaned and "**bold**" in cleaned and "`code`" in cleaned
    assert "[link](https://example.com/a_(b))" in cleaned and "[relative](../other-story/)" in cleaned
    assert "> A quote" in cleaned and "- a list" in cleaned and "<!-- more -->" in cleaned
    assert "<br>" in cleaned and '<abbr title="Extra Mile">EM</abbr>' in cleaned
    soup = render(cleaned)
    assert "I <3 it & so will you: 3 < 4." in soup.get_text()


def test_images_become_links_and_comments_go():
    cleaned = sanitize_markdown("![pixel](https://tracker.example/p.gif) <!-- hidden note --> text")
    assert cleaned == "[pixel](https://tracker.example/p.gif)  text"


def test_snippet_and_template_syntax_are_neutralised():
    cleaned = sanitize_markdown('--8<-- "/etc/passwd"\n\n{{ config.extra }} {% include "x" %}')
    assert "--8<--" not in cleaned
    assert "{{" not in cleaned.replace("\\{", "") and "{%" not in cleaned.replace("\\{", "")


def test_unclosed_script_swallows_only_its_paragraph():
    assert sanitize_markdown("<script>alert(1)\n\nNext paragraph.") == "\n\nNext paragraph."


def test_sanitize_markdown_is_idempotent():
    for attack in MARKDOWN_ATTACKS:
        once = sanitize_markdown(attack)
        assert sanitize_markdown(once) == once, attack


def test_pathological_input_stays_fast():
    import time

    hostile = "<a " * 20000 + "<!--" * 5000 + "](" * 5000 + "<script>" * 2000
    start = time.perf_counter()
    sanitize_markdown(hostile)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("url,safe", [
    ("https://example.com", True), ("http://x", True), ("mailto:a@b.c", True), ("/path", True), ("#anchor", True),
    ("../rel", True), ("?q=1", True), ("#tag:fast-response", True), ("./a:b", True), ("javascript:alert(1)", False), (" JAVASCRIPT:x", False),
    ("java\tscript:x", False), ("&#106;avascript:x", False), ("&amp;#106;avascript:x", False),
    ("vbscript:x", False), ("data:text/html,x", False), ("file:///etc/passwd", False), ("livescript:x", False),
    ("\x01javascript:x", False),
])
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe


# -- built pages -------------------------------------------------------------------------------------------

MATERIAL_CONTENT = """\
<h1 id="title">Title<a class="headerlink" href="#title" title="Permanent link">&para;</a></h1>
<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code>, a <a href="https://example.com" title="t">link</a>
and <img alt="img" src="https://x.example/y.png" title="tt" /> and <img alt="rel" src="../assets/a.png" />.</p>
<div class="admonition note">
<p class="admonition-title">Heads up</p>
<p>Admonition text.</p>
</div>
<table>
<thead><tr><th style="text-align: left;">a</th><th style="text-align: right;">b</th></tr></thead>
<tbody><tr><td style="text-align: left;">1</td><td style="text-align: right;">2</td></tr></tbody>
</table>
<p>A footnote<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>. <abbr title="Hyper Text">HTML</abbr>.</p>
<!-- more -->
<div class="highlight"><pre><span></span><code><span class="n">x</span> <span class="o">=</span> <span class="mi">1</span>
</code></pre></div>
<p><time datetime="2024-05-01">May 2024</time></p>
<div class="footnote">
<hr />
<ol>
<li id="fn:1">
<p>The note.&#160;<a class="footnote-backref" href="#fnref:1" title="Jump back to footnote 1 in the text">&#8617;</a></p>
</li>
</ol>
</div>"""


def _shape(html: str) -> list:
    soup = BeautifulSoup(html, "html.parser")
    return [(el.name, sorted((k, " ".join(v) if isinstance(v, list) else v) for k, v in el.attrs.items()))
            for el in soup.find_all(True)]


def test_sanitize_html_keeps_what_material_emits():
    cleaned = sanitize_html(MATERIAL_CONTENT)
    shape = _shape(cleaned)
    original = [(name, [(k, v.replace(": ", ":").rstrip(";") if k == "style" else v) for k, v in attrs])
                for name, attrs in _shape(MATERIAL_CONTENT)]
    assert shape == original
    assert "<!-- more -->" in cleaned
    assert BeautifulSoup(cleaned, "html.parser").get_text() == BeautifulSoup(MATERIAL_CONTENT, "html.parser").get_text()


@pytest.mark.parametrize("attack", [
    '<p onclick="alert(1)">x</p>', "<script>alert(1)</script>", '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT&colon;alert(1)">x</a>', '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<a href="vbscript:x">x</a>', "<svg><script>alert(1)</script></svg>", '<iframe src="https://e.example"></iframe>',
    '<form action="https://e.example"><input name="q"><button>go</button></form>', '<p style="position:fixed">x</p>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', '<object data="x.swf"></object>',
    '<div class="admonition" onmouseover="alert(1)">x</div>', '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<link rel="stylesheet" href="https://e.example/x.css">',
])
def test_sanitize_html_removes_what_can_run_or_track(attack):
    assert_inert(BeautifulSoup(sanitize_html(attack), "html.parser"), images=True)
    soup = BeautifulSoup(sanitize_html(attack), "html.parser")
    assert not soup.find_all(["base", "meta", "link", "button"])
