"""Bytes the browser sends per stroke on the draw page, today's way against this tree's.

Chromium draws the same strokes on /draw of two servers started in the same run:
one serving a baseline commit of the app (by default the last one before light
strokes), one serving this working tree. Every frame the page sends on its
websocket (CDP Network.webSocketFrameSent: the payload, before any
permessage-deflate) is counted, from the press of each stroke to the end of the
script run it causes. Beside the payload, its size once deflated (zlib level 6,
one message at a time: what `server.enableWebsocketCompression` would send at
most, as it keeps a window shared between messages that saves more).

    python benchmarks/pages/strokes_bytes.py [--baseline REF] [--repeats 3]
    python benchmarks/pages/strokes_bytes.py --record tests/draw/recorded_strokes.json.gz

Prints a table, then one JSON object as the last line, with `stroke_bytes`: the
largest mean bytes per stroke of this tree's way, over the drawings (and
`largest_stroke_bytes`: its largest single stroke).
Target (issue 23): <= 20 KB per stroke for drawings of up to ~10 strokes.
`drawing_frames(url, strokes)` is for other benchmarks (benchmarks/classroom.py):
the frames one drawing sends, stroke by stroke; `canvas_value(frames)` the
canvas's value among them.

With `--record`, it draws each drawing once on both servers and writes the
fixture of tests/draw/test_recorded_strokes.py instead: for each stroke, the
28x28 input today's way made of the PNG the canvas sent (and a hash of its
pixels), and the light-strokes value this tree's canvas sent.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import math
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.canvas_driver import (  # noqa: E402
    CANVAS,
    PREDICTION,
    act_when_still,
    canvas_box,
    drag_stroke,
    wait_until_run_over,
)
from tests.live_server import START_TIMEOUT_S, recording_browser, streamlit_server  # noqa: E402

# The last commit before light strokes: the canvas sent its whole drawing on every stroke.
BASELINE_REF = "5958999"
TARGET_STROKE_BYTES = 20_000
RERUN_TIMEOUT_MS = 60_000

Stroke = list[tuple[float, float]]


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    """Points along an ellipse's arc, angles in turns (0 at the top, clockwise)."""
    steps = 12
    return [
        (
            cx + rx * math.sin(2 * math.pi * (start + (end - start) * i / steps)),
            cy - ry * math.cos(2 * math.pi * (start + (end - start) * i / steps)),
        )
        for i in range(steps + 1)
    ]


DRAWINGS: dict[str, list[Stroke]] = {
    "seven, 1 stroke": [[(70, 50), (210, 50), (120, 240)]],
    "eight, 5 strokes": [
        _arc(140, 85, 45, 45, -0.5, 0.0),
        _arc(140, 85, 45, 45, 0.0, 0.5),
        _arc(140, 185, 55, 55, 0.0, 0.5),
        _arc(140, 185, 55, 55, 0.5, 1.0),
        [(130, 120), (145, 140), (150, 150)],
    ],
    "scribble, 10 strokes": [
        [(30 + 22 * i, 40), (50 + 20 * i, 140), (30 + 24 * i, 250)] for i in range(10)
    ],
}


def drawing_frames(url: str, strokes: list[Stroke]) -> list[list[bytes]]:
    """The websocket frames the page sends for each stroke of one drawing on /draw.

    A stroke's frames are those from its press to the end of the script run it
    causes; the page is opened fresh, so the drawing starts on an empty canvas.
    """
    from playwright.sync_api import expect

    sent: list[bytes] = []
    per_stroke: list[list[bytes]] = []
    with recording_browser(sent) as page:
        page.goto(f"{url}/draw")
        expect(page.locator(CANVAS)).to_be_visible(timeout=START_TIMEOUT_S * 1000)
        expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
        box = canvas_box(page)
        for count, points in enumerate(strokes, start=1):
            sent.clear()
            act_when_still(page, lambda p=points: drag_stroke(page, box, p), RERUN_TIMEOUT_MS)
            # Wait for the stroke's own send (a sidebar fragment's send can come first).
            for _ in range(RERUN_TIMEOUT_MS // 50):
                if stroke_count(canvas_value(sent)) == count:
                    break
                page.wait_for_timeout(50)
            wait_until_run_over(page, RERUN_TIMEOUT_MS)
            per_stroke.append(list(sent))
        expect(page.get_by_test_id("stException")).to_have_count(0)
    return per_stroke


def canvas_value(frames: list[bytes]) -> dict | None:
    """The drawing canvas's value in the last of these frames that carries it."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    found = None
    for raw in frames:
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") != "rerun_script":
            continue
        for widget in msg.rerun_script.widget_states.widgets:
            if widget.id.endswith("-digit_canvas_widget") and widget.json_value:
                found = json.loads(widget.json_value).get("drawing")
    return found


def stroke_count(value: dict | None) -> int:
    """How many strokes a canvas value holds, sent today's way or the light way."""
    if not value:
        return 0
    if "raw" in value:
        return len((value["raw"] or {}).get("objects", []))
    return value["objects"]["keep"] + len(value["objects"]["add"])


def record(out: Path, baseline_script: Path, logs: Path) -> None:
    """Each drawing once today's way and once this tree's way: the fixture for the tests."""
    import numpy as np
    from PIL import Image

    from model.preprocess.digit import prepare_for_ink

    today: dict[str, list[dict]] = {}
    with streamlit_server(baseline_script, logs / "base.log") as url:
        for name, strokes in DRAWINGS.items():
            today[name] = []
            for frames in drawing_frames(url, strokes):
                png = canvas_value(frames)["data"].split(";base64,", 1)[1]
                pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))))
                prepared = prepare_for_ink(pixels, "light-on-dark").input
                today[name].append(
                    {
                        "pixels_sha256": hashlib.sha256(pixels.tobytes()).hexdigest(),
                        "input": base64.b64encode(prepared.tobytes()).decode(),
                    }
                )
    fixture = {}
    with streamlit_server(ROOT / "app.py", logs / "light.log") as url:
        for name, strokes in DRAWINGS.items():
            light = [canvas_value(frames) for frames in drawing_frames(url, strokes)]
            fixture[name] = {"strokes": strokes, "today": today[name], "light": light}
    out.write_bytes(gzip.compress(json.dumps(fixture).encode(), mtime=0))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


def _sizes(per_stroke: list[list[bytes]]) -> tuple[list[int], list[int]]:
    """Payload bytes per stroke, and the same once each message is deflated."""
    raw = [sum(len(f) for f in frames) for frames in per_stroke]
    deflated = [sum(len(zlib.compress(f, 6)) for f in frames) for frames in per_stroke]
    return raw, deflated


def _baseline_tree(ref: str, into: Path) -> Path:
    """The app as it was at `ref`, exported into a folder; its app.py."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "app.py"


def _measure(script: Path, log: Path, repeats: int) -> dict[str, dict[str, list[int]]]:
    figures: dict[str, dict[str, list[int]]] = {}
    with streamlit_server(script, log) as url:
        for name, strokes in DRAWINGS.items():
            raws, deflateds = [], []
            for _ in range(repeats):
                raw, deflated = _sizes(drawing_frames(url, strokes))
                raws.append(raw)
                deflateds.append(deflated)
            figures[name] = {"raw": raws, "deflated": deflateds}
    return figures


def _mean_per_stroke(runs: list[list[int]]) -> float:
    return sum(sum(r) / len(r) for r in runs) / len(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE_REF, help="commit of today's way")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--record", type=Path, help="write the tests' fixture here instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "base").mkdir()
        base_script = _baseline_tree(args.baseline, tmp_path / "base")
        if args.record:
            record(args.record, base_script, tmp_path)
            return
        results = {
            "baseline": _measure(base_script, tmp_path / "base.log", args.repeats),
            "light": _measure(ROOT / "app.py", tmp_path / "light.log", args.repeats),
        }
    print(f"{'drawing':24} {'way':9} {'mean B/stroke':>14} {'max':>8} {'deflated mean':>14}")
    summary: dict[str, dict[str, float]] = {}
    largest: dict[str, int] = {}
    for way, figures in results.items():
        for name, runs in figures.items():
            mean = _mean_per_stroke(runs["raw"])
            biggest = max(max(r) for r in runs["raw"])
            largest[way] = max(largest.get(way, 0), biggest)
            deflated = _mean_per_stroke(runs["deflated"])
            spread = [round(sum(r) / len(r)) for r in runs["raw"]]
            print(f"{name:24} {way:9} {mean:14.0f} {biggest:8d} {deflated:14.0f}  runs {spread}")
            summary.setdefault(way, {})[name] = round(mean)
    stroke_bytes = max(summary["light"].values())
    print(
        json.dumps(
            {
                "stroke_bytes": stroke_bytes,
                "stroke_bytes_baseline": max(summary["baseline"].values()),
                "largest_stroke_bytes": largest["light"],
                "largest_stroke_bytes_baseline": largest["baseline"],
                "per_drawing": summary,
                "target_stroke_bytes": TARGET_STROKE_BYTES,
                "meets_target": largest["light"] <= TARGET_STROKE_BYTES,
            }
        )
    )


if __name__ == "__main__":
    main()
