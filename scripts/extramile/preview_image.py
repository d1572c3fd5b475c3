"""Preview images for sharing: a 1200×630 PNG per story (its title, who tells it, the site's name).

Both engines call this one generator at build time and publish its card at `stories/<slug>/preview.png`, which
the pages name in og:image, twitter:image and the story's JSON-LD; the site's own card (no story) is the
image of every other page. The same story gives the same file on both sites.

The same card always gives the same bytes, on any machine with the locked Pillow wheel (which bundles its
FreeType): the font is the one Pillow ships inside itself (`ImageFont.load_default(size=…)`, Pillow >= 10.1, no
system font looked up, its basic layout engine), and the PNG is written without a timestamp or any other
metadata. That font covers ASCII and
curly quotes only, so other characters are drawn as their closest ASCII (Café as Cafe): the card is a
thumbnail, the page itself keeps the exact title.

Drawing a card takes about 30 ms, which at 10,000 stories would be minutes on every build: each card is kept in
a cache folder (`.cache/extramile/previews/` in the project, gitignored) under the hash of what it shows and how
it is drawn, so an unchanged story is never drawn twice; many new cards are drawn in two processes.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont
from unidecode import unidecode

from extramile import forking
from extramile.atomic import replace_bytes
from extramile.schema import PERSPECTIVES

WIDTH, HEIGHT = 1200, 630
FILE_NAME = "preview.png"  # beside the story's page: stories/<slug>/preview.png
CACHE_DIR = ".cache/extramile/previews"  # relative to the project root
# Part of every cache key: change it whenever the drawing below changes, so no stale card is reused.
DRAWING = "1"

# The site's identity (theme/material/assets/stylesheets/extramile.css).
TEAL, TEAL_DARK, AMBER, PALE = (15, 118, 110), (17, 94, 89), (253, 230, 138), (255, 255, 255)
INK = (17, 24, 39)
BADGE = {"customer": (29, 78, 216), "business": (180, 83, 9)}

MARGIN = 48  # around the white panel
PADDING = 56  # inside it
TITLE_SIZES = (72, 64, 56, 50, 44)  # the largest whose lines fit is used
# Typographic characters the built-in font lacks, drawn as their nearest ASCII; unidecode does the rest.
_NEAREST = {"\u2014": "-", "\u2013": "-", "\u2212": "-", "\u00a0": " ", "\u00a3": "GBP ", "\u20ac": "EUR "}


@dataclass(frozen=True)
class Card:
    """What a preview image shows."""

    title: str
    site_name: str
    badge: str = ""  # "Told by the customer"; empty for the site's own card
    perspective: str = ""  # "customer" or "business": the badge's colour

    def key(self) -> str:
        """The cache key: everything that decides the bytes."""
        recipe = {**asdict(self), "drawing": DRAWING, "pillow": PIL.__version__, "size": [WIDTH, HEIGHT]}
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode("utf-8")).hexdigest()


@lru_cache(maxsize=None)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow < 10.1, or built without FreeType
        raise RuntimeError("preview images need Pillow >= 10.1 with FreeType (pip install -c requirements.lock -e .)")
    return font


@lru_cache(maxsize=None)
def _missing_glyph() -> tuple[bytes, tuple[int, int]]:
    mask = _font(40).getmask2("\uffff")[0]  # a code point no font has: the font's "missing" box
    return bytes(mask), mask.size


@lru_cache(maxsize=4096)
def _drawable(char: str) -> str:
    """`char`, or the nearest ASCII when the built-in font has no glyph for it."""
    if char.isascii() or char == " ":
        return char
    mask = _font(40).getmask2(char)[0]
    if (bytes(mask), mask.size) != _missing_glyph():
        return char
    return _NEAREST.get(char) or unidecode(char) or "?"


def drawable(text: str) -> str:
    return "".join(_drawable(char) for char in " ".join(text.split()))


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` in lines no wider than `width` pixels, broken between words (a word too long alone is cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:  # a single word wider than the panel
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit_title(title: str, width: int, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size whose lines fit `width` and `height`; at the smallest, as many lines as fit, the
    last one ending with an ellipsis."""
    for size in TITLE_SIZES:
        font = _font(size)
        lines = wrap(title, font, width)
        if len(lines) * _line_height(size) <= height:
            return font, lines
    lines = lines[:max(1, height // _line_height(font.size))]
    last = lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return font, lines


def _line_height(size: int) -> int:
    return round(size * 1.2)


def _logo(draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """The site's logo (theme/material/assets/images/logo.svg), drawn at (x, y), `size` pixels square."""
    scale = size / 64
    draw.rounded_rectangle((x + 4 * scale, y + 4 * scale, x + 60 * scale, y + 60 * scale), radius=14 * scale,
                           fill=TEAL)
    point = lambda px, py: (x + px * scale, y + py * scale)  # noqa: E731
    draw.line([point(18, 46), point(32, 14), point(46, 46)], fill=PALE, width=round(5 * scale), joint="curve")
    for top in (26, 38):
        draw.line([point(32, top), point(32, top + 6)], fill=AMBER, width=round(4 * scale))


def render(card: Card) -> bytes:
    """The card as PNG bytes: deterministic (see the module's docstring)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), TEAL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=AMBER)  # the accent along the bottom
    left, top, right, bottom = MARGIN, MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN - 14
    draw.rounded_rectangle((left, top, right, bottom), radius=28, fill=PALE)
    inner_left, inner_right = left + PADDING, right - PADDING
    width = inner_right - inner_left

    # The site: logo and name, at the top.
    _logo(draw, inner_left, top + 36, 56)
    brand = _font(30)
    draw.text((inner_left + 72, top + 64), drawable(card.site_name), font=brand, fill=TEAL_DARK, anchor="lm")

    # Who tells it: a pill in the perspective's colour, at the bottom.
    base = bottom - 44
    if card.badge:
        badge_font = _font(28)
        text = drawable(card.badge)
        pill = badge_font.getlength(text) + 44
        colour = BADGE.get(card.perspective, TEAL_DARK)
        draw.rounded_rectangle((inner_left, base - 26, inner_left + pill, base + 26), radius=26, fill=colour)
        draw.text((inner_left + 22, base), text, font=badge_font, fill=PALE, anchor="lm")

    # The title: as large as fits in the space between, centred in it.
    space_top, space_bottom = top + 116, base - 44
    font, lines = _fit_title(drawable(card.title), width, space_bottom - space_top)
    line_height = _line_height(font.size)
    y = space_top + (space_bottom - space_top - line_height * len(lines)) // 2
    for line in lines:
        draw.text((inner_left, y + line_height // 2), line, font=font, fill=INK, anchor="lm")
        y += line_height

    # A few flat colours and their anti-aliasing: 64 colours keep it sharp at a third of the size, and the
    # octree method (no dithering) is deterministic and quick. No metadata chunk (no time, no software name):
    # the bytes depend on the pixels alone.
    quantized = image.quantize(64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


class PreviewCache:
    """Cards by their key, as PNG files in `folder`; a card not there yet is drawn and kept."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def for_project(cls, root: Path) -> "PreviewCache":
        return cls(Path(root) / CACHE_DIR)

    def path(self, card: Card) -> Path:
        return self.folder / f"{card.key()}.png"

    def ensure(self, cards: Sequence[Card], workers: int = 1) -> list[Path]:
        """The cached file of each card, drawing those not there yet (in `workers` processes when many are)."""
        paths = [self.path(card) for card in cards]
        missing = list({path: card for path, card in zip(paths, cards) if not path.is_file()}.items())
        if len(missing) >= PARALLEL_FROM and workers > 1 and forking.may_fork():
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                list(pool.map(_draw_into, missing, chunksize=16))
        else:
            for job in missing:
                _draw_into(job)
        return paths

    def image(self, card: Card) -> bytes:
        return self.ensure([card])[0].read_bytes()


PARALLEL_FROM = 64  # cards to draw before a second process is worth starting


def _draw_into(job: tuple[Path, Card]) -> None:
    path, card = job
    replace_bytes(path, render(card))  # whole or not at all: two builds at once may draw the same card


def image_path(page_url: str) -> str:
    """Where a page's preview image is published, relative to the site: beside the page's index.html."""
    if page_url.endswith(".html"):  # stories/x.html (no directory URLs): stories/x/preview.png
        page_url = page_url[: -len(".html")] + "/"
    elif page_url and not page_url.endswith("/"):
        page_url += "/"
    return page_url + FILE_NAME


def story_card(title: str, perspective: str, site_name: str) -> Card:
    """A story's card: its title, and who tells it as the badge the site shows ("Told by the customer")."""
    return Card(title=title, site_name=site_name, badge=PERSPECTIVES[perspective], perspective=perspective)
