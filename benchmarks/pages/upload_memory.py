"""Server memory while people upload large and hostile images to the image page.

Starts a real `streamlit run app.py` on 127.0.0.1 and drives it from Chromium:

1. one session opens Draw a digit, so the server has TensorFlow and the model
   loaded, as a classroom server would;
2. that session uploads, one after another, a sequence of large and
   pathological files on the image page (49-megapixel RGBA, 16-bit and float
   PNG/TIFF, a 50-megapixel 1-bit file, a 12-megapixel photo, PNG text and
   colour-profile bombs);
3. four sessions upload two different 49-megapixel RGBA files each, in turn;
4. all sessions close.

After each step it prints the server's resident memory (VmRSS) and its peak so
far (VmHWM), both from /proc, and how long the upload took: from handing the
file to the uploader to the page fully drawn (script finished, every chart
drawn) or the error shown. A step whose page shows a traceback box is marked
"exception" and counted in the JSON. The last line is one JSON object with every step.

    python benchmarks/pages/upload_memory.py

The baseline is the first figure: the server with TensorFlow and the model
loaded and no image uploaded. No thresholds here: the target in issue 11 is
RSS under 1.5 GB and a 49-megapixel upload drawn in under 10 s.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
import zlib
from contextlib import ExitStack
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from components.common.keys import css  # noqa: E402
from components.draw import keys as draw_keys  # noqa: E402
from components.image import keys  # noqa: E402
from model.images.samples import SAMPLES_DIR  # noqa: E402
from tests.live_server import CHROMIUM, CHROMIUM_FLAGS, START_TIMEOUT_S, streamlit_server  # noqa: E402

SIDE = 7000  # 49 megapixels, just under the app's limit of 50
SESSIONS = 4
UPLOADS_PER_SESSION = 2
STEP_TIMEOUT_MS = 300_000  # before the fix one upload took up to a minute

# True when the page has charts and each has drawn its SVG.
CHARTS_DRAWN = """
() => {
  const charts = document.querySelectorAll("[data-testid=stPlotlyChart]");
  return charts.length > 0 && [...charts].every((chart) => chart.querySelector(".main-svg"));
}
"""

# Done when the script has finished and the page shows either every chart drawn
# with the expected shape, or an error, naming this file. The name matters: a tick
# of the sidebar's fragment is a script run too, and after it the previous file's
# page, with the same shape, would pass for this one's.
PAGE_DONE_JS = """
([shapeSelector, expected, name]) => {
  if (!window.__sawRun) return false;
  if (!document.querySelector("[data-test-script-state=notRunning]")) return false;
  const error = document.querySelector("[data-testid=stAlertContentError]");
  if (error && error.innerText.includes(name)) return "error";
  const shape = document.querySelector(shapeSelector);
  if (!shape || !shape.innerText.includes(name) || !shape.innerText.includes(expected)) {
    return false;
  }
  return (CHARTS_DRAWN)() ? "drawn" : false;
}
""".replace("CHARTS_DRAWN", CHARTS_DRAWN.strip())

# Notes when the upload's run starts, so that the old page is not taken for the new one.
WATCH_RUN_JS = """
() => {
  window.__sawRun = false;
  const observer = new MutationObserver(() => {
    if (!document.querySelector("[data-test-script-state=notRunning]")) {
      window.__sawRun = true;
      observer.disconnect();
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
}
"""


# --- The files ----------------------------------------------------------------------------


def _png(img: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", **params)
    return buffer.getvalue()


def _blocky(seed: int, shape: tuple[int, ...], dtype=np.uint8) -> np.ndarray:
    """A 70 × 70 random picture: enlarged 100 times it compresses to almost nothing."""
    high = 65536 if dtype == np.uint16 else 256
    return np.random.default_rng(seed).integers(0, high, (70, 70, *shape), dtype=dtype)


def rgba_png(seed: int) -> bytes:
    """7000 × 7000 RGBA, about 0.2 MB on disk and 196 MB decoded."""
    small = Image.fromarray(_blocky(seed, (4,)))
    return _png(small.resize((SIDE, SIDE), Image.Resampling.NEAREST), compress_level=6)


def gray16_png() -> bytes:
    small = Image.fromarray(_blocky(1, (), np.uint16))
    return _png(small.resize((SIDE, SIDE), Image.Resampling.NEAREST), compress_level=6)


def float_tiff() -> bytes:
    values = np.random.default_rng(2).normal(0, 1, (70, 70)).astype(np.float32)
    values[0, 0], values[0, 1] = np.inf, np.nan  # non-finite values, as scientific files have
    img = Image.fromarray(values).resize((SIDE, SIDE), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    img.save(buffer, format="TIFF", compression="tiff_adobe_deflate")
    return buffer.getvalue()


def one_bit_png() -> bytes:
    """7071 × 7071 on/off pixels: 50 megapixels, converted to 8 bits on decoding."""
    small = Image.fromarray(_blocky(3, ()) > 127)
    return _png(small.resize((7071, 7071), Image.Resampling.NEAREST))


def photo_jpeg() -> bytes:
    """A 12-megapixel phone-like JPEG, enlarged from a sample photo."""
    photo = Image.open(SAMPLES_DIR / "coffee.jpg").resize((4000, 3000), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def chunk_bomb_png(kind: bytes) -> bytes:
    """A small PNG whose zTXt or iCCP chunk unpacks to 200 MB of zeros."""
    plain = _png(Image.new("RGB", (64, 64), (200, 30, 30)))
    compressor = zlib.compressobj(9)
    zeros = bytes(1 << 20)
    packed = b"".join(compressor.compress(zeros) for _ in range(200)) + compressor.flush()
    body = (b"Comment" if kind == b"zTXt" else b"icc") + b"\x00\x00" + packed
    ihdr_end = 8 + 25  # signature, then the 13-byte IHDR chunk with its 12 bytes of framing
    return plain[:ihdr_end] + _chunk(kind, body) + plain[ihdr_end:]


def make_files(folder: Path) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """(the one-session sequence, the multi-session uploads): each (file, expected shape)."""
    made = {
        "rgba_7000.png": (rgba_png(100), f"({SIDE}, {SIDE}, 4)"),
        "photo_12mp.jpg": (photo_jpeg(), "(3000, 4000, 3)"),
        "gray16_7000.png": (gray16_png(), f"({SIDE}, {SIDE})"),
        "float_7000.tif": (float_tiff(), f"({SIDE}, {SIDE})"),
        "bits_7071.png": (one_bit_png(), "(7071, 7071)"),
        "ztxt_bomb.png": (chunk_bomb_png(b"zTXt"), "error"),
        "iccp_bomb.png": (chunk_bomb_png(b"iCCP"), "error"),
    }
    for i in range(SESSIONS * UPLOADS_PER_SESSION):
        made[f"session_rgba_{i}.png"] = (rgba_png(i), f"({SIDE}, {SIDE}, 4)")
    paths = {}
    for name, (data, shape) in made.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = (path, shape)
    names = list(paths)
    return [paths[n] for n in names[:7]], [paths[n] for n in names[7:]]


# --- The server's memory ---------------------------------------------------------------------


def server_pid(url: str) -> int:
    """The process serving this URL: the `streamlit run` with its port on the command line."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\x00")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(proc.name)
    raise RuntimeError(f"no streamlit process for {url}")


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident so far) in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


# --- Driving the page ---------------------------------------------------------------------


def open_session(browser, url: str):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    expect(page.locator(css(keys.IMAGE_SHAPE_BOX))).to_be_visible(timeout=START_TIMEOUT_S * 1000)
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)
    # ...and every chart drawn, as the person who opened it sees it. Each person's
    # browser runs on their own machine; here all of them share the server's two
    # cores, and a tab still drawing its charts would slow the next upload's page.
    page.wait_for_function(CHARTS_DRAWN, timeout=STEP_TIMEOUT_MS, polling=50)
    return page


def upload(page, path: Path, expected: str) -> tuple[float, str]:
    """Seconds from handing over the file to the page done, and what it showed."""
    page.evaluate(WATCH_RUN_JS)
    started = time.perf_counter()
    uploader = page.locator(f"{css(keys.IMAGE_UPLOAD)} input[type=file]")
    uploader.set_input_files(path, timeout=STEP_TIMEOUT_MS)
    outcome = page.wait_for_function(
        PAGE_DONE_JS,
        # The shape's line ends where the dtype's begins: (7000, 7000) is not (7000, 7000, 4).
        arg=[
            css(keys.IMAGE_SHAPE_BOX),
            "" if expected == "error" else f"{expected}\n>>>",
            path.name,
        ],
        timeout=STEP_TIMEOUT_MS,
        polling=50,
    ).json_value()
    # A traceback box anywhere on the page (or the sidebar) counts against the step.
    if page.locator("[data-testid=stException]").count():
        return time.perf_counter() - started, "exception"
    return time.perf_counter() - started, str(outcome)


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT_MS)  # this machine's two cores are shared
    steps: list[dict] = []

    def record(step: str, file: str = "", seconds: float | None = None, shown: str = "") -> None:
        rss, peak = memory_mb(pid)
        steps.append(
            {
                "step": step,
                "file": file,
                "seconds": None if seconds is None else round(seconds, 2),
                "shown": shown,
                "rss_mb": round(rss),
                "peak_mb": round(peak),
            }
        )
        took = "" if seconds is None else f"{seconds:6.1f} s  "
        print(f"{step:<22} {file:<22} {took}{shown:<7} RSS {rss:6.0f} MB, peak {peak:6.0f} MB")

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        sequence, per_session = make_files(Path(tmp))
        url = stack.enter_context(streamlit_server(ROOT / "app.py", Path(tmp) / "server.log"))
        pid = server_pid(url)
        record("server started")
        browser = stack.enter_context(sync_playwright()).chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        draw = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        draw.goto(f"{url}/draw")
        expect(draw.locator(css(draw_keys.PREDICTION_BOX))).to_be_visible(
            timeout=START_TIMEOUT_S * 1000
        )
        expect(draw.locator("[data-test-script-state=notRunning]")).to_have_count(1)
        record("TF and model loaded")

        first = open_session(browser, url)
        for path, expected in sequence:
            seconds, shown = upload(first, path, expected)
            record("one session", path.name, seconds, shown)

        sessions = [first] + [open_session(browser, url) for _ in range(SESSIONS - 1)]
        for i, (path, expected) in enumerate(per_session):
            seconds, shown = upload(sessions[i % SESSIONS], path, expected)
            record(f"session {i % SESSIONS + 1} of {SESSIONS}", path.name, seconds, shown)

        for page in [draw, *sessions]:
            page.context.close()
        time.sleep(5)
        record("sessions closed")
        log_tail = (Path(tmp) / "server.log").read_text()[-2000:]
    if "Traceback" in log_tail:
        print("server log ends with:\n" + log_tail)
    uploads = [s for s in steps if s["seconds"] is not None]
    print(
        json.dumps(
            {
                "benchmark": "upload_memory",
                "baseline_rss_mb": steps[1]["rss_mb"],
                "max_rss_mb": max(s["rss_mb"] for s in steps),
                "peak_rss_mb": steps[-1]["peak_mb"],
                "slowest_upload_s": max(s["seconds"] for s in uploads),
                "steps_with_a_traceback_box": sum(s["shown"] == "exception" for s in steps),
                "steps": steps,
            }
        )
    )


if __name__ == "__main__":
    main()
