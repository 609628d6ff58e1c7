"""Benchmark the Inside-the-CNN page: its first open with a drawn digit, and a panel rerun.

Run from the repository root:

    python benchmarks/pages/network_page.py [--repeats 5] [--models seed default]

Every repeat is a fresh Python process, so that "first open" means first: no
page module imported, no figure type used yet. Each one drives the real app
with AppTest, the canvas replaced by a drawn 7:

1. opens the draw page, which loads TensorFlow and the model (not timed);
2. baseline: reruns the draw page with the same drawing (median of 3);
3. (a) opens the network page: the whole script run, as AppTest times it;
4. times how long after that the 2,000 test digits of the digit space are
   placed (this runs in the background; the rest of the page does not wait);
5. (b) reruns one panel as its fragment would after a click: the
   convolution explorer with another cell, the filter explorer with another
   filter (median of 3 each). Timed inside the script around the panel call,
   which is what a fragment rerun runs; AppTest's own overhead is left out.

Medians over the repeats go to stdout; the last line is one JSON object.
No thresholds: compare with the draw page's rerun measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TIMEOUT_S = 300
PANEL_RERUNS = 3


def drawn_seven() -> np.ndarray:
    """What the canvas sends for a 7: (280, 280, 4) uint8, white strokes on black."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    ImageDraw.Draw(picture).line(
        [(70, 50), (210, 50), (120, 240)], fill=(255, 255, 255, 255), width=20, joint="curve"
    )
    return np.asarray(picture)


def panel_script(panel: str) -> None:
    """An AppTest script that runs one network-page panel, as its fragment rerun does."""
    import time

    import streamlit as st

    from components.common.model_store import active_classifier
    from components.network.arithmetic_panels import convolution_explorer
    from components.network.panels import filter_explorer

    classifier, _ = active_classifier()
    digit = st.session_state["bench_digit"]
    forward = classifier.forward(digit)  # a fragment gets this from the last full run
    started = time.perf_counter()
    if panel == "conv":
        convolution_explorer(classifier.model, forward, digit)
    else:
        filter_explorer(classifier.model, forward)
    st.session_state["bench_seconds"] = time.perf_counter() - started


def child(model: str) -> dict:
    from streamlit.testing.v1 import AppTest

    import components.draw.canvas
    from components.common import keys as common_keys
    from components.network import keys
    from model.inside import embedding

    picture = drawn_seven()
    components.draw.canvas.read_canvas = lambda key, stroke_width: picture

    def timed(at: AppTest) -> float:
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{model}: the page failed: {at.exception[0].value}")
        return elapsed

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state[common_keys.ACTIVE_MODEL] = model
    at.run()
    at.switch_page("app_pages/draw.py")
    timed(at)  # TensorFlow and the model load here
    draw_rerun = statistics.median(timed(at) for _ in range(3))
    digit = at.session_state[common_keys.CURRENT_DIGIT].pixels

    at.switch_page("app_pages/network.py")
    started = time.perf_counter()
    first_open = timed(at)
    shown = at.get_by_key(keys.NETWORK_INPUT_BOX).get("markdown")[0].value
    if "from the Draw page" not in shown:
        raise SystemExit(f"{model}: the network page did not show the drawn digit: {shown}")
    for future in list(embedding._SPACES.values()):  # the background placement of 2,000 digits
        future.result(TIMEOUT_S)
    space_ready = time.perf_counter() - started
    network_rerun = statistics.median(timed(at) for _ in range(3))

    panels = {}
    for panel, key in (("conv", keys.CONV_ROW), ("filter", keys.FILTER_OUT)):
        harness = AppTest.from_function(panel_script, args=(panel,), default_timeout=TIMEOUT_S)
        harness.session_state[common_keys.ACTIVE_MODEL] = model
        harness.session_state["bench_digit"] = digit
        timed(harness)
        seconds = []
        for step in range(1, PANEL_RERUNS + 1):
            harness.number_input(key=key).set_value(step)
            timed(harness)
            seconds.append(harness.session_state["bench_seconds"])
        panels[panel] = statistics.median(seconds)
    return {
        "draw_rerun_s": draw_rerun,
        "network_first_open_s": first_open,
        "digit_space_ready_s": space_ready,
        "network_full_rerun_s": network_rerun,
        "conv_cell_panel_s": panels["conv"],
        "filter_panel_s": panels["filter"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["seed", "default"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return

    result = {
        "benchmark": "network_page",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    result["repeats"] = args.repeats
    for model in args.models:
        runs = []
        for repeat in range(args.repeats):
            out = subprocess.run(
                [sys.executable, __file__, "--child", model],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if out.returncode != 0:
                raise SystemExit(f"{model}, repeat {repeat + 1} failed:\n{out.stderr[-2000:]}")
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"{model} repeat {repeat + 1}: {runs[-1]}", flush=True)
        medians = {key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]}
        spread = {
            key: [round(min(run[key] for run in runs), 3), round(max(run[key] for run in runs), 3)]
            for key in runs[0]
        }
        result[model] = {"median": medians, "min_max": spread}
        print(
            f"{model}: first open {medians['network_first_open_s']:.2f} s, conv cell panel "
            f"{1000 * medians['conv_cell_panel_s']:.0f} ms, filter panel "
            f"{1000 * medians['filter_panel_s']:.0f} ms; draw page rerun (baseline) "
            f"{medians['draw_rerun_s']:.2f} s; digit space ready after "
            f"{medians['digit_space_ready_s']:.1f} s"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
