"""Drawing on the real canvas in Chromium, at a person's pace.

Shared by the browser tests (tests/draw/test_draw_browser.py) and the latency
benchmark (benchmarks/pages/draw_latency.py). A person draws where they see the
canvas, as soon as the page shows that its script run is over (the "Running…"
indicator is gone); nothing here waits for anything a person cannot see, such
as the canvas being ready for strokes. Points are in canvas pixels: the canvas
is 280 × 280, (0, 0) at its top left.
"""

from __future__ import annotations

from collections.abc import Callable

from components.common.keys import css
from components.draw import keys

CANVAS = f"{css(keys.DIGIT_CANVAS_BOX)} canvas.upper-canvas"  # Fabric's canvas that takes the mouse
LOWER_CANVAS = (
    f"{css(keys.DIGIT_CANVAS_BOX)} canvas.dc-canvas.lower-canvas"  # and the one it paints on
)
PREDICTION = css(keys.PREDICTION_BOX)
# Streamlit marks its root with the state of the script run.
RUN_OVER = "[data-test-script-state=notRunning]"

# Resolves after the next two animation frames: by then Fabric has painted a
# finished stroke, and the page has painted whatever just changed.
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

HAS_INK = """canvas => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < pixels.length; i += 4 * 5) if (pixels[i] > 128) return true;
  return false;
}"""

# Notes when the page shows a script running. A run of a few milliseconds may start and
# end between two frames and leave no mark: enough for read_while_still, whose reads such
# a run cannot fade.
_WATCH_RUNS = """() => {
  const app = document.querySelector("[data-testid=stApp]");
  window.__cnnLensRan = false;
  window.__cnnLensRunWatch?.disconnect();
  window.__cnnLensRunWatch = new MutationObserver(() => {
    if (app.dataset.testScriptState === "running") window.__cnnLensRan = true;
  });
  window.__cnnLensRunWatch.observe(app, { attributes: true });
}"""


def wait_until_run_over(page, timeout_ms: float) -> None:
    """Until the page shows no script running, as a person waits before clicking."""
    page.locator(RUN_OVER).wait_for(state="attached", timeout=timeout_ms)


def read_while_still(page, read: Callable[[], object], timeout_ms: float, tries: int = 5):
    """`read()` of a page no script run changed while it was read, as a person reads it.

    A run that starts during the read fades the page's elements (and may redraw
    them): the read is repeated once that run is over.
    """
    for _ in range(tries):
        wait_until_run_over(page, timeout_ms)
        page.evaluate(_WATCH_RUNS)
        found = read()
        if not page.evaluate("() => window.__cnnLensRan"):
            return found
    raise AssertionError(f"the page kept rerunning through {tries} reads")


def act_when_still(page, act: Callable[[], None], timeout_ms: float) -> None:
    """Act (a click, a double-click, a stroke) once the page shows no script running, as a
    person waits for it to settle.

    What it did is then checked by what a person sees (the prediction, the canvas),
    never by watching for the run it starts: a run of a few milliseconds starts and
    ends between two frames, and the page never marks it as running.
    """
    wait_until_run_over(page, timeout_ms)
    act()


def canvas_box(page) -> dict:
    """The canvas's bounding box on the page: where a person sees it."""
    return page.locator(CANVAS).first.bounding_box()


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


def pen_stroke(page, box: dict, points: list[tuple[float, float]], steps: int = 4) -> None:
    """drag_stroke with a stylus: the same press, moves and release, as pen pointer events
    (CDP Input.dispatchMouseEvent with pointerType "pen"), which Playwright's mouse cannot make.
    """
    cdp = page.context.new_cdp_session(page)
    on_page = [(box["x"] + x, box["y"] + y) for x, y in points]

    def send(kind: str, x: float, y: float, buttons: int) -> None:
        event = {"type": kind, "x": x, "y": y, "button": "left", "buttons": buttons}
        event |= {"clickCount": 0 if kind == "mouseMoved" else 1, "pointerType": "pen"}
        cdp.send("Input.dispatchMouseEvent", event)

    send("mousePressed", *on_page[0], 1)
    for (x0, y0), (x1, y1) in zip(on_page[:-1], on_page[1:], strict=True):
        for k in range(1, steps + 1):
            send("mouseMoved", x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps, 1)
    send("mouseReleased", *on_page[-1], 0)
    cdp.detach()


def canvas_has_ink(page) -> bool:
    """Whether the canvas shows any white ink now."""
    return page.locator(LOWER_CANVAS).first.evaluate(HAS_INK)
