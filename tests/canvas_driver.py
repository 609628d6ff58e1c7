"""Drawing on the real canvas in Chromium, as a person would.

Shared by the browser tests (tests/test_draw_browser.py) and the latency
benchmark (benchmarks/draw_latency.py). Points are in canvas pixels: the canvas
is 280 × 280, (0, 0) at its top left.
"""

from __future__ import annotations

from components import state_keys as keys
from components.state_keys import css

CANVAS = f"{css(keys.DIGIT_CANVAS_BOX)} canvas.upper-canvas"  # Fabric's canvas that takes the mouse
LOWER_CANVAS = (
    f"{css(keys.DIGIT_CANVAS_BOX)} canvas.dc-canvas.lower-canvas"  # and the one it paints on
)
PREDICTION = css(keys.PREDICTION_BOX)

# Resolves after the next two animation frames: by then Fabric has painted a
# finished stroke, and the page has painted whatever just changed.
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

_HAS_INK = """canvas => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < pixels.length; i += 4 * 5) if (pixels[i] > 128) return true;
  return false;
}"""

# Whether the canvas itself is the topmost thing at canvas pixel (x, y): not the
# toolbar, and not some other element because the layout is still moving. The
# canvas sits in the component's shadow root, so look inside that too.
_CANVAS_IS_ON_TOP_AT = """([box, x, y]) => {
  for (const host of document.querySelectorAll(`${box} *`)) {
    const canvas = host.shadowRoot?.querySelector("canvas.upper-canvas");
    if (!canvas) continue;
    const box = canvas.getBoundingClientRect();
    const [px, py] = [box.x + x, box.y + y];
    return document.elementFromPoint(px, py) === host
      && host.shadowRoot.elementFromPoint(px, py) === canvas;
  }
  return false;
}"""


def wait_for_canvas_at(page, point: tuple[float, float], timeout_ms: float) -> dict:
    """Wait until the canvas is what a person sees at `point`; return its bounding box.

    A person starts drawing where they see the canvas, so this waits out a
    layout that is still settling. Anything covering that point (as the
    canvas's own toolbar once did) makes it time out.
    """
    page.wait_for_function(
        _CANVAS_IS_ON_TOP_AT, arg=[css(keys.DIGIT_CANVAS_BOX), *point], timeout=timeout_ms
    )
    return page.locator(CANVAS).bounding_box()


def drag_stroke(page, box: dict, points: list[tuple[float, float]], steps: int = 4) -> None:
    """One stroke: press at the first point, move through the rest, release.

    `box` is the canvas's bounding box on the page. Playwright adds `steps`
    mouse moves between consecutive points.
    """
    on_page = [(box["x"] + x, box["y"] + y) for x, y in points]
    page.mouse.move(*on_page[0])
    page.mouse.down()
    for point in on_page[1:]:
        page.mouse.move(*point, steps=steps)
    page.mouse.up()


def canvas_has_ink(page) -> bool:
    """Whether the canvas shows any white ink now."""
    return page.locator(LOWER_CANVAS).evaluate(_HAS_INK)
