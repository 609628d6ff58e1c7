"""Benchmark the Explore-an-image page: a 4000 × 3000 upload against a 400 × 400 one.

Run from the repository root:

    python benchmarks/image_page.py [--repeats 3]

For each upload it drives the real page with AppTest (app.py, then pages/image.py)
and measures, taking the median of the repeats:

- first render: upload and render with an empty cache (decode, analysis, figures);
- pixel rerun: the rerun after changing the pixel row (the decoded image is cached);
- payload: bytes of the plotly figures' JSON the page sends (sum over all charts).

The 400 × 400 sample is the baseline, measured in the same run. Figures go to
stdout; the last line is one JSON object with everything. No thresholds here:
compare the ratios between commits.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from PIL import Image  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from components import state_keys as keys  # noqa: E402
from model.image_math import analyse_image  # noqa: E402
from model.images import decode_image  # noqa: E402
from model.photo_samples import SAMPLES_DIR  # noqa: E402

TIMEOUT_S = 300


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


def measure(name: str, data: bytes, repeats: int) -> dict:
    first, rerun = [], []
    for _ in range(repeats):
        st.cache_data.clear()  # a first render decodes from scratch
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    open_page()  # warm up imports, so the first measurement is not penalised
    baseline = measure(
        "astronaut_400.jpg", (SAMPLES_DIR / "astronaut_400.jpg").read_bytes(), args.repeats
    )
    big = measure("photo_4000x3000.jpg", big_photo_jpeg(), args.repeats)
    result = {
        "benchmark": "image_page",
        "python": platform.python_version(),
        "repeats": args.repeats,
        "baseline_400x400": baseline,
        "upload_4000x3000": big,
        "ratio_first_render": round(big["first_render_s"] / baseline["first_render_s"], 2),
        "ratio_pixel_rerun": round(big["pixel_rerun_s"] / baseline["pixel_rerun_s"], 2),
        "ratio_payload": round(big["plot_payload_bytes"] / baseline["plot_payload_bytes"], 2),
    }
    for label, row in (("400 × 400 (baseline)", baseline), ("4000 × 3000", big)):
        print(
            f"{label:>22}: first render {row['first_render_s']:.3f} s, pixel rerun "
            f"{row['pixel_rerun_s']:.3f} s, decode+analyse {row['decode_and_analyse_s']:.3f} s, "
            f"{row['charts']} charts, plot payload {row['plot_payload_bytes']:,} bytes"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
