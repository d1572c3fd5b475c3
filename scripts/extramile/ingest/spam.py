"""Is it spam? The backend's own verdict, a filled honeypot, or the look of a link farm."""

from __future__ import annotations

import re

from extramile.ingest.records import RawRecord

# A web address: http://, https:// or www. at the start of a word, in any case (as (?i)\b(?:https?://|www\.)
# would say; "ſ" is an "s" to that flag), spelled out so the regex engine can skip to an h or a w.
_URL = re.compile(r"[HhWw](?<!\w[HhWw])(?:(?<=[Hh])[Tt][Tt][Pp][Ss\u017f]?://|(?<=[Ww])[Ww][Ww]\.)[^\s<>()\[\]\"']+")
# Each of these runs in linear time: a scan that can fail stops at the next `[` or `<`, where the next try starts
# (`<a\s[^>]*href` ran from every `<a ` to the end of `<a <a <a …`: quadratic).
_BBCODE = re.compile(r"(?i)\[(?:url|link)=|\[url\][^\[]*\[/url\]")
_HTML_LINK = re.compile(r"(?i)<a\s[^<>]*href")
MAX_LINKS = 8  # more than this in one story is a link farm, however long the story
MAX_LINK_SHARE = 0.35  # links making up more than this share of the text
MIN_LINKS_FOR_SHARE = 3


def spam_reason(record: RawRecord, title: str, story: str) -> str | None:
    """Why the submission is spam, or None."""
    if record.spam:
        return record.spam
    if record.honeypot.strip():
        return "honeypot field filled in"
    return link_farm(title, story)


def link_farm(title: str, story: str) -> str | None:
    if _URL.search(title):
        return "link farm: a web address in the title"
    if _BBCODE.search(story) or _BBCODE.search(title):
        return "link farm: forum link markup ([url=…])"
    links = _URL.findall(story)
    count = len(links) + len(_HTML_LINK.findall(story))
    if count > MAX_LINKS:
        return f"link farm: {count} links"
    if count >= MIN_LINKS_FOR_SHARE:
        share = sum(len(link) for link in links) / max(len(story), 1)
        if share > MAX_LINK_SHARE:
            return f"link farm: links make up {share:.0%} of the story"
    return None


def backend_says_spam(value: object) -> bool:
    """A backend's spam flag: true/yes/1, or a state named spam."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return text in {"true", "yes", "1", "spam", "y"}
