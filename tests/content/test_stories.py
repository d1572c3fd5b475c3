"""The real collection reads like real people: varied lengths, two dates, every term covered, honest retellings.

Each property is a small function that lists what is wrong; the tests run it on the real stories, and run it
again on a made-up counter-example to show that it can fail.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import frontmatter
import pytest

from . import seeds

SITE_OPENED = dt.date(2026, 11, 2)  # the collection was assembled in November 2026: nothing went up before
BAND = 100  # words: no more than half of the stories may fall within one band this wide
SEEDS_DIR = Path(os.environ.get("EXTRAMILE_SEEDS", "/work/shared/seeds"))


def word_count(body: str) -> int:
    """Words as a reader counts them: the teaser marker and bare Markdown marks (#, -, >, ---) are not words."""
    return sum(bool(re.search(r"[^\W_]", token)) for token in body.replace("<!-- more -->", " ").split())


def paragraphs(body: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", body.strip()) if block.strip()]


# --- the properties ----------------------------------------------------------------------------------------


def length_problems(counts: dict[str, int]) -> list[str]:
    problems = []
    if min(counts.values()) >= 150:
        problems.append(f"no story under 150 words (shortest: {min(counts.values())})")
    if max(counts.values()) <= 800:
        problems.append(f"no story over 800 words (longest: {max(counts.values())})")
    for low in sorted(set(counts.values())):
        inside = sorted(slug for slug, n in counts.items() if low <= n < low + BAND)
        if len(inside) > len(counts) / 2:
            problems.append(f"{len(inside)} of {len(counts)} stories have {low}-{low + BAND - 1} words: {inside}")
            break
    return problems


def date_problems(slug: str, post: frontmatter.Post, today: dt.date) -> list[str]:
    keys = list(post.metadata)
    published = post.get("published")
    if published is None:
        return [f"{slug}: no published date"]
    if not isinstance(published, dt.date) or isinstance(published, dt.datetime):
        return [f"{slug}: published is not a YYYY-MM-DD date: {published!r}"]
    problems = []
    if keys.index("published") != keys.index("date") + 1:
        problems.append(f"{slug}: published is not placed right after date")
    if not post["date"] <= published:
        problems.append(f"{slug}: published {published} is before it happened ({post['date']})")
    if not SITE_OPENED <= published <= today:
        problems.append(f"{slug}: published {published} is outside {SITE_OPENED} .. {today}")
    return problems


def uncovered(posts: dict[str, frontmatter.Post], vocabulary, kind: str) -> set[str]:
    field = {"tags": "tags", "industries": "industry", "channels": "channel"}[kind]
    used = set()
    for post in posts.values():
        value = post[field]
        used.update(value if isinstance(value, list) else [value])
    return set(vocabulary.slugs(kind)) - used


def retold_line(body: str) -> str | None:
    """The story's last paragraph if it is a "Retold from ..." line (plain or in *italics*), else None."""
    last = paragraphs(body)[-1].strip("*_ \n")
    return last if last.startswith("Retold from ") and "\n" not in last else None


def retelling_problems(slug: str, post: frontmatter.Post, names: list[str]) -> list[str]:
    line = retold_line(post.content)
    if line is None:
        return [f"{slug}: a retold blog post must end with a 'Retold from ...' line"]
    missing = [name for name in names if name not in line]
    url = post["source"].get("url")
    if url and url not in line and url not in post.content:
        missing.append(url)
    if not names and not url and not re.search(r"[“\"].+?[”\"]|\b[A-Z][a-z]+\b", line[len("Retold from "):]):
        missing.append("a title, site or author")
    return [f"{slug}: the 'Retold from' line does not name {', '.join(missing)}"] if missing else []


def teaser_problems(slug: str, body: str) -> list[str]:
    blocks = paragraphs(body)
    if len(blocks) < 3 or blocks[1] != "<!-- more -->":
        return [f"{slug}: the first paragraph is not followed by <!-- more -->"]
    if re.match(r"(#|- |\* |\d+\. |> )", blocks[0]):
        return [f"{slug}: the teaser is not a paragraph of prose"]
    return []


def copying_problems(slug: str, body: str, prints: dict[str, dict]) -> list[str]:
    return [f"{slug} holds {what} of {seed}" for seed, print_ in prints.items() for what in seeds.copied(body, print_)]


# --- on the real collection --------------------------------------------------------------------------------


def test_word_counts_vary(published):
    counts = {slug: word_count(post.content) for slug, post in published.items()}
    problems = length_problems(counts)
    assert not problems, (problems, counts)


def test_every_published_story_has_a_publication_date(published):
    problems = [p for slug, post in published.items() for p in date_problems(slug, post, dt.date.today())]
    assert not problems, problems


@pytest.mark.parametrize("kind", ["tags", "industries", "channels"])
def test_every_vocabulary_term_is_used_by_a_published_story(published, vocabulary, kind):
    missing = uncovered(published, vocabulary, kind)
    assert not missing, f"{kind} used by no published story: {sorted(missing)}"


def test_blog_retellings_end_by_naming_their_source(published):
    names = {story: names for story, names in ((s["story"], s["names"]) for s in seeds.load().values())}
    blog = {slug: post for slug, post in published.items() if post["source"]["kind"] == "blog"}
    assert set(names) <= set(blog), "every seed's retelling is a published blog story"
    problems = [p for slug, post in blog.items() for p in retelling_problems(slug, post, names.get(slug, []))]
    assert not problems, problems


def test_only_retellings_say_retold_from(published):
    claims = [slug for slug, post in published.items()
              if post["source"]["kind"] != "blog" and retold_line(post.content)]
    assert not claims, f"not blog retellings, yet they say 'Retold from': {claims}"


def test_every_story_has_a_prose_teaser(stories):
    problems = [p for slug, post in stories.items() for p in teaser_problems(slug, post.content)]
    assert not problems, problems


def test_no_story_copies_a_seed(stories):
    prints = seeds.load()
    assert len(prints) == 4
    problems = [p for slug, post in stories.items() for p in copying_problems(slug, post.content, prints)]
    assert not problems, problems


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"the seed posts are not in {SEEDS_DIR} (set EXTRAMILE_SEEDS)")
def test_the_fingerprints_are_those_of_the_seed_posts():
    assert seeds.load() == seeds.build(SEEDS_DIR)["seeds"]
    assert (seeds.FINGERPRINTS.read_text(encoding="utf-8") == seeds.dumps(seeds.build(SEEDS_DIR)))


# --- each property can fail ---------------------------------------------------------------------------------


def story(body: str, **metadata) -> frontmatter.Post:
    defaults = {"title": "T", "date": dt.date(2020, 1, 1), "published": dt.date(2026, 11, 9),
                "source": {"kind": "interview"}, "industry": "retail", "channel": "post", "tags": ["family"]}
    return frontmatter.Post(body, **{**defaults, **metadata})


def test_lengths_that_do_not_vary_fail():
    assert length_problems({"a": 120, "b": 900, "c": 300, "d": 500}) == []
    assert "no story under 150 words" in length_problems({"a": 400, "b": 900})[0]
    assert "no story over 800 words" in length_problems({"a": 100, "b": 800})[0]
    bunched = {"a": 100, "b": 900, "c": 400, "d": 420, "e": 450, "f": 499}
    assert length_problems(bunched) == ["4 of 6 stories have 400-499 words: ['c', 'd', 'e', 'f']"]
    assert word_count("One two.\n\n<!-- more -->\n\n## Three\n\n- four\n\n---\n\n**Five:** six") == 6


def test_missing_or_misplaced_publication_dates_fail():
    today = dt.date(2026, 11, 30)
    assert date_problems("s", story("x"), today) == []
    assert date_problems("s", story("x", published=None), today) == ["s: no published date"]
    moved = story("x")
    moved.metadata = {k: v for k, v in moved.metadata.items() if k != "published"} | {"published": dt.date(2026, 11, 9)}
    assert date_problems("s", moved, today) == ["s: published is not placed right after date"]
    assert "before it happened" in date_problems("s", story("x", date=dt.date(2026, 11, 20)), today)[0]
    assert "outside" in date_problems("s", story("x", published=dt.date(2026, 12, 1)), today)[0]
    assert date_problems("s", story("x", date=dt.date(2018, 1, 1), published=dt.date(2019, 5, 1)), today) == [
        f"s: published 2019-05-01 is outside {SITE_OPENED} .. {today}"]
    assert "not a YYYY-MM-DD date" in date_problems("s", story("x", published="soon"), today)[0]


def test_an_unused_vocabulary_term_fails(vocabulary):
    posts = {"a": story("x", tags=["family", "loyalty"])}
    assert uncovered(posts, vocabulary, "tags") == vocabulary.slugs("tags") - {"family", "loyalty"}
    assert "post" not in uncovered(posts, vocabulary, "channels")


def test_a_retelling_without_its_source_fails():
    blog = {"kind": "blog"}
    told = "It happened.\n\n<!-- more -->\n\nThe end.\n\n*Retold from a post on the Example Blog by Ann.*\n"
    assert retelling_problems("s", story(told, source=blog), ["Example Blog"]) == []
    assert "must end with" in retelling_problems("s", story("It happened.\n\nThe end.\n", source=blog), [])[0]
    assert "does not name Other Blog" in retelling_problems("s", story(told, source=blog), ["Other Blog"])[0]
    vague = "It happened.\n\n*Retold from a post on a blog.*\n"
    assert "a title, site or author" in retelling_problems("s", story(vague, source=blog), [])[0]
    linked = {"kind": "blog", "url": "https://example.org/post"}
    assert "https://example.org/post" in retelling_problems("s", story(told, source=linked), [])[0]
    ended_late = told + "\nAnd then a moral.\n"
    assert "must end with" in retelling_problems("s", story(ended_late, source=blog), ["Example Blog"])[0]


def test_a_missing_teaser_fails():
    assert teaser_problems("s", "Teaser.\n\n<!-- more -->\n\nRest.\n") == []
    assert teaser_problems("s", "Teaser.\n\nRest.\n\n<!-- more -->\n\nMore.\n")
    assert teaser_problems("s", "## Heading\n\n<!-- more -->\n\nRest.\n")


def test_a_copied_sentence_or_run_is_found():
    seed = ("We waited in the rain for an hour, and the driver never came back for any of us. Short one.\n"
            "Then a stranger with a green umbrella walked all of us to the station at the end of the road.")
    print_ = seeds.fingerprint(seed)
    assert copying_problems("s", "Nothing like it at all.", {"seed": print_}) == []
    copied = "Story. WE WAITED in the rain -- for an hour; and the driver never came back for ANY of us! Fin."
    assert copying_problems("s", copied, {"seed": print_})[0] == "s holds a 18-word sentence of seed"
    partial = "A stranger with a green umbrella walked all of us to the station, kindly."
    assert copying_problems("s", partial, {"seed": print_}) == [
        f"s holds 4 run(s) of {seeds.RUN} consecutive words of seed"]
    assert seeds.words("Don’t  café—£35") == ["dont", "cafe", "35"]


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"the seed posts are not in {SEEDS_DIR} (set EXTRAMILE_SEEDS)")
def test_a_real_seed_sentence_pasted_into_a_story_is_found(stories):
    prints = seeds.load()
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        long = [s for s in seeds.sentences(path.read_text(encoding="utf-8")) if len(seeds.words(s)) >= 12]
        slug = prints[path.name]["story"]
        body = stories[slug].content.replace("<!-- more -->", long[len(long) // 2].upper() + "\n\n<!-- more -->")
        assert copying_problems(slug, body, prints)
