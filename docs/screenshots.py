"""Retake the README's screenshots of the pages that need no drawing, in Chromium.

    python docs/screenshots.py

It covers the start, image, network and training pages; docs/draw.png needs strokes on
the canvas and is taken with them separately.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live_server import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

# Screenshot file name: (URL path, title). The start page is at the root URL.
PAGES = {
    "start": ("", "How a CNN reads a digit"),
    "image": ("image", "Explore an image"),
    "network": ("network", "Inside the CNN"),
    "training": ("training", "Retrain"),
}
VIEWPORT = {"width": 1400, "height": 1000}
MAX_HEIGHT = 1950  # px: the top of a long page is what a README reader needs


def main() -> None:
    log = Path(tempfile.mkdtemp()) / "streamlit.log"
    with streamlit_server(ROOT / "app.py", log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        for name, (path, title) in PAGES.items():
            page.goto(f"{url}/{path}")
            expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=90_000)
            expect(page.get_by_test_id("stSidebar").get_by_text("Test accuracy")).to_be_visible()
            # Pages that run the model finish their script run only once it is loaded.
            expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(
                1, timeout=90_000
            )
            page.wait_for_load_state("networkidle")
            # Streamlit scrolls inside its main block, so measure that, not the body.
            content = page.get_by_test_id("stMainBlockContainer").bounding_box()["height"]
            height = int(min(MAX_HEIGHT, max(VIEWPORT["height"] * 0.6, content + 120)))
            out = ROOT / "docs" / f"{name}.png"
            page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            page.screenshot(path=out)
            page.set_viewport_size(VIEWPORT)
            print(f"wrote {out.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
