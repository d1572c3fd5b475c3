"""The preview image generator both engines call: 1200×630 PNGs, the same bytes for the same card, drawn once
and then taken from the cache."""

from __future__ import annotations

import struct

from extramile import preview_image
from extramile.preview_image import Card, PreviewCache, drawable, image_path, render, story_card, wrap

SITE = "Extra Mile — stories of exceptional service"


def size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_a_card_is_a_1200_by_630_png_with_no_metadata():
    data = render(story_card("Free chocolates after a checkout bug", "customer", SITE))
    assert size(data) == (1200, 630)
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME", b"eXIf"):  # no time, no software name: pixels only
        assert chunk not in data


def test_the_same_card_gives_the_same_bytes_and_another_card_other_bytes():
    card = story_card("The watch came back with a letter", "business", SITE)
    assert render(card) == render(card)
    assert render(card) != render(story_card("The watch came back with a letter", "customer", SITE))
    assert render(card) != render(story_card("The watch came back with two letters", "business", SITE))
    assert card.key() == story_card("The watch came back with a letter", "business", SITE).key()


def test_long_titles_wrap_and_never_overflow():
    font = preview_image._font(64)
    lines = wrap("A very long title " * 10 + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, font, 900)
    assert len(lines) > 3 and all(font.getlength(line) <= 900 for line in lines)
    assert size(render(story_card("word " * 24 + "x" * 120, "customer", SITE))) == (1200, 630)


def test_characters_the_built_in_font_lacks_are_drawn_as_their_nearest_ascii():
    assert drawable("Café — £5 “to go”") == "Cafe - GBP 5 “to go”"
    assert drawable("Кофе") == "Kofe"


def test_a_card_is_drawn_once_then_read_from_the_cache(tmp_path, monkeypatch):
    cache = PreviewCache(tmp_path / "cache")
    cards = [story_card(f"Story {n}", "customer", SITE) for n in range(3)] + [Card(title="The site", site_name=SITE)]
    drawn = []
    real = preview_image.render
    monkeypatch.setattr(preview_image, "render", lambda card: drawn.append(card) or real(card))
    paths = cache.ensure(cards)
    assert len(drawn) == 4 and len(set(paths)) == 4 and all(p.is_file() for p in paths)
    assert cache.ensure(cards) == paths and len(drawn) == 4  # unchanged stories: nothing drawn again
    edited = story_card("Story 1, edited", "customer", SITE)
    assert cache.ensure([edited, *cards])[1:] == paths and drawn[-1] == edited and len(drawn) == 5
    assert cache.image(cards[0]) == real(cards[0])


def test_many_cards_are_drawn_by_two_processes_with_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setenv("EXTRAMILE_WORKERS", "2")
    cards = [story_card(f"Story number {n}", "business", SITE) for n in range(preview_image.PARALLEL_FROM)]
    paths = PreviewCache(tmp_path / "two").ensure(cards, workers=2)
    assert [p.read_bytes() for p in paths[:3]] == [render(card) for card in cards[:3]]


def test_the_image_is_published_beside_its_page():
    assert image_path("stories/free-cake/") == "stories/free-cake/preview.png"
    assert image_path("stories/free-cake.html") == "stories/free-cake/preview.png"
