"""Hand-written stories with unsafe reference definitions in every container, and copies of a draft under
other names, through both engines' real builds: no unsafe URL, no event handler and no copy of the draft
reaches any file of either site (pages, listings, feeds, search records, sitemap)."""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import pytest
from bs4 import BeautifulSoup

from extramile.urls import is_safe_url
from tests.conftest import mkdocs_build
from tests.ingest.conftest import STORY_TEXT, run_ingest, submission, write_jsonl
from tests.pelican.conftest import copy_pelican_site, pelican_build, story_text

pytestmark = pytest.mark.slow

POSTS = Path("content/stories/posts")
# Each body: a teaser that uses reference `r` (or the empty label), defined unsafely where the parser finds it.
TEASER = "The baker opened early so we could [collect the cake][r] before the drive.\n\n"
VARIANTS = {
    "in-a-quote": TEASER + "> [r]: javascript:alert(document.domain)\n",
    "in-a-bullet": TEASER + "- [r]: javascript:alert(1)\n",
    "in-a-numbered-list": TEASER + "1. We drove.\n\n    [r]: vbscript:msgbox(1)\n",
    "in-an-admonition": TEASER + "!!! note\n    [r]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\n",
    "after-a-footnote": TEASER + "More.[^1]\n\n[^1]: A note.\n    [r]: javascript:alert(1)\n",
    "with-an-empty-label": "We could [][] collect the cake.\n\n[]: javascript:alert(1)\n",
    "with-the-url-on-the-next-line": TEASER + "[r]:\n    javascript:alert(1)\n",
    "in-a-quote-spelled-with-entities": TEASER + "> [r]: jav&#x61;script:alert(1)\n",
}
COPIES = ["{}.md~", "{}.md.orig", "{}.md.bak", "#{}.md#", "{}.MD", "{}.mkd", "{}.mdown", "{}.mkdn"]
DRAFT_TEXT = "A sentence that only the unpublished draft contains, copied under other names."
UNSAFE = re.compile(r"(?:java|vb)script:|data:text|\bon[a-z]+\s*=", re.I)


def _sources(root: Path) -> Path:
    copy_pelican_site(root)
    posts = root / POSTS
    for name, body in VARIANTS.items():
        (posts / f"reference-{name}.md").write_text(
            story_text(body, title=f"Reference {name}", tags=["mistake-recovery"]), encoding="utf-8")
    _ingest_and_publish_the_variants(root)
    draft = story_text(DRAFT_TEXT + "\n", title="The unpublished draft", draft=True)
    (posts / "the-unpublished-draft.md").write_text(draft, encoding="utf-8")
    for pattern in COPIES:
        (posts / pattern.format("the-unpublished-draft")).write_text(draft, encoding="utf-8")
    return root


def _ingest_and_publish_the_variants(root: Path) -> None:
    """The same variants sent through the form: ingested as drafts, then published unread."""
    export = write_jsonl(root.parent / "variants.jsonl", [
        submission(number, title=f"Submitted reference {name}", story=f"{STORY_TEXT}\n\n{body}")
        for number, (name, body) in enumerate(VARIANTS.items(), 1)])
    result = run_ingest(root, "--json", export)
    assert result.code == 0 and len(result.report["new"]) == len(VARIANTS), result.out
    for item in result.report["new"]:
        post = frontmatter.load(root / item["path"])
        post["draft"] = False
        (root / item["path"]).write_text(frontmatter.dumps(post, sort_keys=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    root = _sources(tmp_path_factory.mktemp("untrusted") / "src")
    material, pelican = tmp_path_factory.mktemp("material"), tmp_path_factory.mktemp("pelican") / "output"
    mkdocs_build(root, material)
    pelican_build(root, pelican)
    return {"material": material, "pelican": pelican}


def _text_files(site: Path):
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".txt", ".js", ""}:
            yield path, path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_every_variant_is_published_as_a_story(sites, engine):
    for name in VARIANTS:
        assert (sites[engine] / f"stories/reference-{name}/index.html").is_file(), name
        assert (sites[engine] / f"stories/submitted-reference-{name}/index.html").is_file(), name


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_no_unsafe_url_or_handler_anywhere_in_the_output(sites, engine):
    for path, text in _text_files(sites[engine]):
        if path.suffix == ".js":
            continue  # the theme's own scripts
        hits = [m[0] for m in UNSAFE.finditer(text)]
        assert not hits, f"{path.relative_to(sites[engine])}: {hits[:3]}"
        if path.suffix == ".html":
            for element in BeautifulSoup(text, "html.parser").find_all(True):
                for attribute in ("href", "src", "action", "formaction"):
                    value = element.get(attribute)
                    if isinstance(value, str):
                        assert is_safe_url(value), f"{path}: {element.name} {attribute}={value!r}"


def test_material_listings_show_the_teaser_with_the_link_text_but_no_address(sites):
    listing = BeautifulSoup((sites["material"] / "stories/index.html").read_text(encoding="utf-8"), "html.parser")
    teasers = [p for p in listing.find_all("p") if "collect the cake" in p.get_text()]
    assert teasers, "the teasers are shown on the listing"
    for teaser in teasers:
        for link in teaser.find_all("a"):
            assert "href" not in link.attrs or is_safe_url(link["href"]), link


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_copies_of_a_draft_under_other_names_are_not_published(sites, engine):
    site = sites[engine]
    for path, text in _text_files(site):
        assert DRAFT_TEXT not in text, path.relative_to(site)
        assert "The unpublished draft" not in text, path.relative_to(site)
    names = {path.name for path in site.rglob("*")}
    for pattern in COPIES:
        assert pattern.format("the-unpublished-draft") not in names
    assert not (site / "stories/the-unpublished-draft").exists()


def test_check_names_every_copy_and_a_dangling_link(tmp_path):
    from extramile.check import check_collection
    from extramile.vocabulary import load_vocabulary

    root = _sources(tmp_path / "src")
    (root / POSTS / "gone.md").symlink_to(root / POSTS / "no-such-story.md")
    (root / POSTS / "photo.jpg").write_bytes(b"a photo")
    findings, _ = check_collection([root / POSTS], load_vocabulary(root / "content/vocabulary.yml"), root)
    named = {Path(f.path).name for f in findings}
    for pattern in COPIES:
        assert pattern.format("the-unpublished-draft") in named
    assert "gone.md" in named
    assert "photo.jpg" not in named
    assert not [f for f in findings if "reference-" in Path(f.path).name], findings


def test_reference_links_read_as_their_text_in_descriptions():
    from extramile.sanitize import plain_text

    words = plain_text(TEASER + "> [r]: https://example.org/cake\n")
    assert "collect the cake before the drive" in words
    assert "caker" not in words and "example.org" not in words
    assert plain_text("We [said thanks][] twice.\n\n[said thanks]: https://a.example/\n").strip() == "We said thanks twice."

