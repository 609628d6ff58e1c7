"""A reload in the middle of a run: how soon the run shows live again, in Chromium.

Starts the app on 127.0.0.1 and, on the Retrain page:

1. baseline: reloads the page with no run going, `--reloads` times, each timed from
   the reload to the sidebar's Train button shown and the page's script over;
2. presses Train (50 epochs of 1,000 digits, batches of 8: minutes of training), waits
   for "epoch k of 50", then reloads `--reloads` times, each timed from the reload to
   "epoch k of 50" shown again in the sidebar's progress box (what a student sees);
3. presses Stop.

    python benchmarks/pages/reload_run.py [--reloads 5]

Prints p50 / p95 of each, then one JSON object as the last line. Target: the run
shown again within 2 s of the reload. Run it three times for the spread.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from components.common.keys import css  # noqa: E402
from components.training import keys  # noqa: E402
from tests.live_server import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402
from tests.training.test_training_browser import press, set_recipe, settled  # noqa: E402

TARGET_S = 2.0
WAIT_MS = 120_000  # the first run waits for a worker to load TensorFlow
RUNNING = re.compile(r"epoch \d+ of 50")


def timed_reload(page, ready) -> float:
    started = time.perf_counter()
    page.reload()
    ready(page)
    return time.perf_counter() - started


def train_button_ready(page) -> None:
    expect(page.locator(f"{css(keys.TRAIN_BUTTON)} button")).to_be_enabled(timeout=WAIT_MS)
    settled(page)


def run_shown(page) -> None:
    expect(page.locator(css(keys.TRAIN_PROGRESS_BOX))).to_contain_text(RUNNING, timeout=WAIT_MS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=5)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        streamlit_server(ROOT / "app.py", Path(tmp) / "server.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/training")
        train_button_ready(page)
        plain = [timed_reload(page, train_button_ready) for _ in range(args.reloads)]
        set_recipe(page, epochs=50, digits=1000, batch=8)
        press(page, keys.TRAIN_BUTTON)
        run_shown(page)
        mid_run = [timed_reload(page, run_shown) for _ in range(args.reloads)]
        press(page, keys.STOP_BUTTON)
        expect(page.locator(css(keys.TRAIN_RESULT_BOX))).to_contain_text("stopped", timeout=WAIT_MS)
        if page.get_by_test_id("stException").count():
            raise SystemExit("an error box appeared on the page")
        browser.close()
    figures = {}
    for name, times in (("plain_reload", plain), ("run_shown_again", mid_run)):
        p50, p95 = (float(np.percentile(times, q)) for q in (50, 95))
        print(f"{name}: p50 {p50:.2f} s, p95 {p95:.2f} s ({len(times)} reloads)")
        figures[name] = {"p50_s": round(p50, 3), "p95_s": round(p95, 3)}
    print(json.dumps({**figures, "reloads": args.reloads, "target_s": TARGET_S}))


if __name__ == "__main__":
    main()
