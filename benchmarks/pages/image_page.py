"""Benchmark the Explore-an-image page: on the server (AppTest) and in Chromium.

Run from the repository root:

    python benchmarks/pages/image_page.py [--repeats 3] [--typed 15] [--switches 12]

Server side, with AppTest (app.py, then app_pages/image.py), median of the repeats,
for a 400 × 400 sample (the baseline) and a 4000 × 3000 upload:

- first render: upload and render with empty caches (decode, analysis, figures);
- pixel rerun: the rerun after changing the pixel row (the image is cached);
- payload: bytes of the plotly figures' JSON the page sends (sum over all charts).

In Chromium, against a real `streamlit run` of the app and, as the in-run
baseline, a bare app with the same two widgets and nothing else:

- new pixel: with chelsea.png (300 × 451) uploaded, type a new row into the
  row input at a person's pace (120 ms between keys) and press Enter; the time
  runs from the Enter keydown to the first animation frame after the pixel box
  shows `>>> image[row][col]`. p50 of --typed values, after two untimed ones.
- back to the page: with the page loaded, open Draw a digit, wait until it is
  drawn, then click Explore an image in the navigation; the time runs from the
  click to the first frame after the script has finished and every plotly chart
  on the page has drawn. p50 of --switches, after one untimed round trip.

Figures go to stdout; the last line is one JSON object with everything. No
thresholds here: compare with the baseline and between commits.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import streamlit as st  # noqa: E402
from PIL import Image  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.pages.page_timers import AWAIT_LATENCY_JS, SWITCH_TIMER_JS, TYPED_TIMER_JS  # noqa: E402
from components.common.keys import css  # noqa: E402
from components.image import keys  # noqa: E402
from components.image import store as image_store  # noqa: E402
from model.images.analysis import analyse_image  # noqa: E402
from model.images.decoding import decode_image  # noqa: E402
from model.images.samples import SAMPLES_DIR  # noqa: E402
from tests.live_server import CHROMIUM, CHROMIUM_FLAGS, START_TIMEOUT_S, streamlit_server  # noqa: E402

TIMEOUT_S = 300
TYPING_DELAY_MS = 120  # between keys: a person typing a number
UPLOAD = SAMPLES_DIR / "chelsea.png"  # 451 × 300: the figure in the issue
UPLOAD_SHAPE = "(300, 451, 3)"
IMAGE_TITLE, DRAW_TITLE = "Explore an image", "Draw a digit"

# The baseline: the same widgets and boxes, keyed alike, so the same driver runs
# both apps; a second page to switch to. Each rerun does next to nothing.
BARE_APP = f"""
import streamlit as st

def explore():
    st.title({IMAGE_TITLE!r})
    st.file_uploader("Upload an image", key={keys.IMAGE_UPLOAD!r})
    with st.container(key={keys.IMAGE_SHAPE_BOX!r}):
        st.code(">>> image.shape\\n{UPLOAD_SHAPE}")
    row = st.number_input("Row r", 0, 299, key={keys.PIXEL_ROW!r})
    col = st.number_input("Column c", 0, 450, key={keys.PIXEL_COL!r})
    with st.container(key={keys.PIXEL_VALUE_BOX!r}):
        st.code(f">>> image[{{row}}][{{col}}]")

def draw():
    st.title({DRAW_TITLE!r})

st.navigation([st.Page(explore, title={IMAGE_TITLE!r}, default=True),
               st.Page(draw, title={DRAW_TITLE!r})]).run()
"""

# --- Server side, AppTest -------------------------------------------------------------


def big_photo_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel JPEG made by enlarging a sample photo (quality 90, like a phone)."""
    photo = Image.open(SAMPLES_DIR / "coffee.jpg").resize((width, height), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("app_pages/image.py")
    at.run()
    return at


def plot_payload(at: AppTest) -> tuple[int, int]:
    """(number of plotly charts, total bytes of their figure JSON)."""
    charts = at.get("plotly_chart")
    return len(charts), sum(len(chart.proto.spec.encode()) for chart in charts)


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    image_store.clear()


def measure(name: str, data: bytes, repeats: int) -> dict:
    first, rerun = [], []
    for _ in range(repeats):
        clear_caches()  # a first render decodes from scratch
        at = open_page()
        at.file_uploader(key=keys.IMAGE_UPLOAD).set_value((name, data, "image/jpeg"))
        started = time.perf_counter()
        at.run()
        first.append(time.perf_counter() - started)
        if at.exception or at.error:
            raise SystemExit(f"{name}: the page failed: {at.exception or at.error[0].value}")
        row = at.number_input(key=keys.PIXEL_ROW)
        row.set_value(int(row.value) + 1)  # row 0 -> 1: inside any image here
        started = time.perf_counter()
        at.run()
        rerun.append(time.perf_counter() - started)
    charts, payload = plot_payload(at)
    shape_box = at.main.get_by_key(keys.IMAGE_SHAPE_BOX)
    shape_text = next(n.value for n in shape_box if getattr(n, "type", "") == "code")
    started = time.perf_counter()
    analyse_image(decode_image(data, name))
    decode_s = time.perf_counter() - started
    return {
        "file": name,
        "bytes": len(data),
        "shape": shape_text.split(">>> image.shape\n")[1].split("\n")[0],
        "first_render_s": round(statistics.median(first), 3),
        "pixel_rerun_s": round(statistics.median(rerun), 3),
        "decode_and_analyse_s": round(decode_s, 3),
        "charts": charts,
        "plot_payload_bytes": payload,
    }


# --- In Chromium ------------------------------------------------------------------------


def wait_until_idle(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1, timeout=60_000)


def open_with_upload(browser, url: str):
    """The image page with chelsea.png uploaded through the real uploader."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    shape = page.locator(css(keys.IMAGE_SHAPE_BOX))
    expect(shape).to_be_visible(timeout=START_TIMEOUT_S * 1000)
    wait_until_idle(page)
    page.locator(f"{css(keys.IMAGE_UPLOAD)} input[type=file]").set_input_files(UPLOAD)
    expect(shape).to_contain_text(UPLOAD_SHAPE, timeout=60_000)
    wait_until_idle(page)
    return page


def timed_row(page, row: int) -> float:
    """Type `row` into the row input like a person; ms from Enter to the new readout."""
    field = page.locator(f"{css(keys.PIXEL_ROW)} input")
    col = int(page.locator(f"{css(keys.PIXEL_COL)} input").input_value())
    field.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(str(row), delay=TYPING_DELAY_MS)
    page.evaluate(TYPED_TIMER_JS, [css(keys.PIXEL_VALUE_BOX), f">>> image[{row}][{col}]"])
    page.keyboard.press("Enter")
    elapsed = page.evaluate(AWAIT_LATENCY_JS)
    wait_until_idle(page)
    return float(elapsed)


def nav_link(page, title: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)


def timed_switch_back(page) -> float:
    """Open Draw a digit, then come back; ms from the click to the page fully drawn."""
    from playwright.sync_api import expect

    nav_link(page, DRAW_TITLE).click()
    expect(page.get_by_role("heading", name=DRAW_TITLE).first).to_be_visible(timeout=120_000)
    wait_until_idle(page)
    page.evaluate(SWITCH_TIMER_JS, [IMAGE_TITLE])
    nav_link(page, IMAGE_TITLE).click()
    elapsed = page.evaluate(AWAIT_LATENCY_JS)
    wait_until_idle(page)
    return float(elapsed)


def spread(values: list[float]) -> dict:
    p50, p95 = np.percentile(values, [50, 95])
    return {
        "p50_ms": round(float(p50), 1),
        "p95_ms": round(float(p95), 1),
        "min_ms": round(min(values), 1),
        "max_ms": round(max(values), 1),
        "n": len(values),
    }


def measure_in_chromium(typed: int, switches: int) -> dict:
    from playwright.sync_api import sync_playwright

    # Rows 1..298 in a fixed random order: each differs from the one before.
    rows = [int(r) for r in np.random.default_rng(0).permutation(np.arange(1, 299))[: typed + 2]]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP)
        urls = {
            "app": stack.enter_context(streamlit_server(ROOT / "app.py", Path(tmp) / "app.log")),
            "bare": stack.enter_context(streamlit_server(bare, Path(tmp) / "bare.log")),
        }
        playwright = stack.enter_context(sync_playwright())
        pages = {
            name: open_with_upload(
                playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS), url
            )
            for name, url in urls.items()
        }
        typed_ms: dict[str, list[float]] = {name: [] for name in pages}
        # Alternate between the apps, so that a busy moment on a shared machine
        # falls on both alike. The first two of each are not timed.
        for i, row in enumerate(rows):
            for name, page in pages.items():
                elapsed = timed_row(page, row)
                print(f"row {row} on {name}: {elapsed:.0f} ms", flush=True)
                if i >= 2:
                    typed_ms[name].append(elapsed)
        switch_ms: dict[str, list[float]] = {name: [] for name in pages}
        for i in range(switches + 1):
            for name, page in pages.items():
                elapsed = timed_switch_back(page)
                print(f"back to the image page on {name}: {elapsed:.0f} ms", flush=True)
                if i >= 1:
                    switch_ms[name].append(elapsed)
        for page in pages.values():
            page.context.browser.close()
    return {
        "new_pixel": {name: spread(values) for name, values in typed_ms.items()},
        "switch_back": {name: spread(values) for name, values in switch_ms.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="AppTest repeats")
    parser.add_argument("--typed", type=int, default=15, help="timed typed rows per app")
    parser.add_argument("--switches", type=int, default=12, help="timed switches per app")
    parser.add_argument("--skip-apptest", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()

    result: dict = {
        "benchmark": "image_page",
        "python": platform.python_version(),
        "repeats": args.repeats,
    }
    if not args.skip_apptest:
        open_page()  # warm up imports, so the first measurement is not penalised
        baseline = measure(
            "astronaut_400.jpg", (SAMPLES_DIR / "astronaut_400.jpg").read_bytes(), args.repeats
        )
        big = measure("photo_4000x3000.jpg", big_photo_jpeg(), args.repeats)
        result |= {
            "baseline_400x400": baseline,
            "upload_4000x3000": big,
            "ratio_first_render": round(big["first_render_s"] / baseline["first_render_s"], 2),
            "ratio_pixel_rerun": round(big["pixel_rerun_s"] / baseline["pixel_rerun_s"], 2),
            "ratio_payload": round(big["plot_payload_bytes"] / baseline["plot_payload_bytes"], 2),
        }
        for label, row in (("400 × 400 (baseline)", baseline), ("4000 × 3000", big)):
            print(
                f"{label:>22}: first render {row['first_render_s']:.3f} s, pixel rerun "
                f"{row['pixel_rerun_s']:.3f} s, decode+analyse "
                f"{row['decode_and_analyse_s']:.3f} s, {row['charts']} charts, "
                f"plot payload {row['plot_payload_bytes']:,} bytes"
            )
    if not args.skip_browser:
        chromium = measure_in_chromium(args.typed, args.switches)
        result["chromium"] = chromium
        for figure, words in (
            ("new_pixel", "Enter to new pixel readout"),
            ("switch_back", "click to image page drawn"),
        ):
            for name, row in chromium[figure].items():
                print(
                    f"{name:>4} {words}: p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms "
                    f"(n {row['n']}, min {row['min_ms']:.0f}, max {row['max_ms']:.0f})"
                )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
