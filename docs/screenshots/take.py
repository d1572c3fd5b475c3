"""The README's screenshots: home, a story, a tag and Browse, on a desktop (1280×800) and a phone (390×844), in
both engines, from fresh builds of the real site (Debian's Chromium through Playwright, as the tests use).

    .venv/bin/python docs/screenshots/take.py

writes docs/screenshots/<engine>-<page>-<desktop|phone>.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory  # noqa: E402

PAGES = {"home": "", "story": "stories/free-chocolates-after-a-checkout-bug/", "tag": "tags/loyalty/",
         "browse": "browse/"}
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def build(folder: Path) -> dict[str, Path]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    sites = {"material": folder / "material", "pelican": folder / "pelican"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(sites["material"])],
                   cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-m", "extramile", "build", "--engine", "pelican", "--no-audit",
                    "-d", str(sites["pelican"])], cwd=ROOT, env=env, check=True, capture_output=True)
    return sites


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for engine, site in build(Path(folder)).items():
            with serve_directory(site) as url:
                for size, viewport in SIZES.items():
                    phone = size == "phone"
                    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone,
                                                  color_scheme="light")
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto(url + path, wait_until="networkidle")
                        page.screenshot(path=str(out / f"{engine}-{name}-{size}.png"))
                        print(out / f"{engine}-{name}-{size}.png")
                    context.close()
        browser.close()


if __name__ == "__main__":
    main()
