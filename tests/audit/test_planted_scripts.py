"""A script, event handler or script-bearing URL planted in a copy of each engine's real build is found, in any
spelling a browser would run, and named by file and line; the themes' own scripts pass, and only they do."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.audit.conftest import audit, found, plant, story_page

INJECTIONS = {
    "inline script": ("<script>alert(1)</script>", "inline <script>"),
    "upper-case script": ("<SCRIPT>alert(1)</SCRIPT>", "inline <script>"),
    "foreign script file": ('<script src="https://cdn.example.net/x.js"></script>', "not one of the theme's scripts"),
    "script beside the theme's": ('<script src="/assets/javascripts/evil.js"></script>', "not one of the theme's"),
    "svg script": ("<svg><script href='data:text/javascript,alert(1)'></script></svg>", "<script"),
    "onclick": ('<a href="#" onclick="alert(1)">x</a>', "event handler attribute onclick="),
    "onerror": ("<img src=x onerror=alert(1)>", "event handler attribute onerror="),
    "svg onload": ("<svg/onload=alert(1)>", "event handler attribute onload="),
    "entity in scheme": ('<a href="jav&#x61;script:alert(1)">x</a>', "javascript: URL in href="),
    "decimal entities": ('<a href="&#106;&#97;vascript:alert(1)">x</a>', "javascript: URL in href="),
    "named entities": ('<a href="java&Tab;script&colon;alert(1)">x</a>', "javascript: URL in href="),
    "mixed case": ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript: URL in href="),
    "control characters": ('<a href="&#x01; java\tscr\nipt:alert(1)">x</a>', "javascript: URL in href="),
    "vbscript": ('<a href="vbscript:msgbox(1)">x</a>', "vbscript: URL in href="),
    "data src": ('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', "data: URL in src="),
    "data in srcset": ('<img src="a.png" srcset="b.png 1x, data:image/png;base64,AAAA 2x">', "data: URL in srcset="),
    "form action": ('<form action="javascript:alert(1)"><button>go</button></form>', "javascript: URL in action="),
    "formaction": ('<button formaction="javascript:alert(1)">go</button>', "javascript: URL in formaction="),
    "xlink:href": ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
                   "javascript: URL in xlink:href="),
    "object data": ('<object data="data:text/html,<script>alert(1)</script>"></object>', "data: URL in data="),
    "iframe srcdoc": ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc="),
    "style url": ("<div style=\"background:url('javascript:alert(1)')\">x</div>", "CSS with javascript"),
    "style escapes": ('<div style="background:url(j\\61vascript:alert(1))">x</div>', "CSS with javascript"),
    "style element": ("<style>body{background:url(data:image/png;base64,AAAA)}</style>", "CSS with a data: URL"),
    "meta refresh": ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', "<meta http-equiv=refresh>"),
    "comment trick": ("<!--><script>alert(1)</script>-->", "<script"),
}


@pytest.mark.parametrize("name", sorted(INJECTIONS))
def test_an_injection_in_a_page(site, name):
    fragment, message = INJECTIONS[name]
    rel = story_page(site)
    line = plant(site, rel, f"<p>Before.</p>\n{fragment}")
    findings = audit(site)
    assert found(findings, rel, line + 1, message), findings


def test_a_safe_page_is_not_a_finding(site):
    """What looks like an injection but is text, or an ordinary link, is not one."""
    rel = story_page(site)
    plant(site, rel, '<p>Typing &lt;script&gt; or javascript:alert(1) into a form did nothing.</p>\n'
                     '<a href="https://example.org/javascript:notes" title="onclick=">safe</a>')
    assert audit(site) == []


def test_a_changed_theme_script_is_a_finding(site):
    """The inline scripts are allowed by their exact text: one character changed and it is someone else's."""
    rel = story_page(site)
    text = (site / rel).read_text(encoding="utf-8")
    if "<script>" not in text:
        pytest.skip("this engine's pages have no inline script")
    changed = text.replace("target.checked=", "target.checked=!", 1)
    assert changed != text
    (site / rel).write_text(changed, encoding="utf-8")
    assert found(audit(site), rel, None, "inline <script> the theme did not put there")


def test_materials_config_is_allowed_by_structure_only(site):
    rel = story_page(site)
    text = (site / rel).read_text(encoding="utf-8")
    if 'id="__config"' not in text:
        pytest.skip("a Material page only")
    (site / rel).write_text(text.replace('{"annotate"', '{"onload": 1, "annotate"', 1), encoding="utf-8")
    assert found(audit(site), rel, None, "unknown keys: onload")


def test_a_script_in_a_feeds_html(site):
    """A feed carries story HTML escaped once: decoded, it is what a feed reader shows."""
    if (site / "feeds/all.atom.xml").exists():
        rel, entry, closing = ("feeds/all.atom.xml", '<entry><content type="html">&lt;p&gt;Hi&lt;script&gt;alert(1)'
                               '&lt;/script&gt;&lt;/p&gt;</content></entry>', "</feed>")
    else:
        rel, entry, closing = ("feed_rss_created.xml", "<item><description><![CDATA[<p onmouseover=alert(1)>Hi</p>]]>"
                               "</description></item>", "</channel>")
    line = plant(site, rel, entry, before=closing)
    findings = audit(site)
    assert found(findings, rel, line, "script") or found(findings, rel, line, "event handler"), findings


def test_a_script_in_the_search_index(site):
    folder = next((site / "search").glob("d.*"))
    record = {"url": "stories/x/", "meta": {"title": "x"}, "text": ["<img src=x onerror=alert(1)>",
                                                                     "<a href='javascript:alert(2)'>x</a>"]}
    (folder / "998.gz").write_bytes(gzip.compress(json.dumps(record).encode()))
    findings = audit(site)
    rel = f"search/{folder.name}/998.gz"
    assert found(findings, rel, 1, "event handler attribute onerror=")
    assert found(findings, rel, 1, "javascript: URL in href=")


def test_a_script_in_a_json_feed(engine_sites, tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(engine_sites["material"], site)
    feed = site / "feed_json_created.json"
    data = json.loads(feed.read_text(encoding="utf-8"))
    data["items"][0]["content_html"] = '<p>Hi</p><script>alert("feed")</script>'
    feed.write_text(json.dumps(data, indent=2), encoding="utf-8")
    lines = feed.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "content_html" in text)
    assert found(audit(site), "feed_json_created.json", line, "<script> in content where no script belongs")


def test_a_script_in_an_svg_file(site):
    (site / "assets").mkdir(exist_ok=True)
    (site / "assets/badge.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n</svg>\n', encoding="utf-8")
    assert found(audit(site), "assets/badge.svg", 2, "<script> in content where no script belongs")


def test_every_theme_script_in_the_real_builds_is_on_the_allow_list(engine_sites):
    """What the two builds carry today is exactly what the allow-list lets through: no stale entry."""
    from extramile.audit.markup import inline_scripts
    from extramile.audit.theme_scripts import CONFIG_ID, INLINE, STRUCTURED_DATA_TYPE, inline_hash

    seen = set()
    for folder in engine_sites.values():
        for page in folder.rglob("*.html"):  # the data blocks are allowed by structure, not by hash
            seen |= {inline_hash(text) for attrs, text in inline_scripts(page.read_text(encoding="utf-8"))
                     if attrs.get("id") != CONFIG_ID and attrs.get("type") != STRUCTURED_DATA_TYPE}
    assert seen == set(INLINE)


def test_an_absolute_script_address_counts_only_on_the_sites_own_origin(site):
    """A public build links the theme's scripts by absolute address (SITE_URL): the same path elsewhere is not
    the theme's."""
    rel = story_page(site)
    script = next(path for path in ("assets/javascripts/browse.js", "theme/js/browse.js") if (site / path).exists())
    line = plant(site, rel, f'<script defer src="http://127.0.0.1:8000/{script}"></script>\n'
                            f'<script defer src="https://cdn.example.net/{script}"></script>')
    findings = audit(site)
    assert not found(findings, rel, line, "")
    assert found(findings, rel, line + 1, "not one of the theme's scripts")
