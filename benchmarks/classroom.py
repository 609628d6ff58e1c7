"""A class at once: N students open /draw and draw, at the protocol level.

One real Chromium session is recorded first: the messages the browser sends to
the server when it opens /draw and when a 7 is drawn on the canvas. Then N
simulated students replay them over Streamlit's own websocket protocol, each a
session of its own, each checked to receive "Prediction: 7" for every drawing
(anything else, an error element or a timeout counts as an error):

- open: all N connect and ask for /draw at the same instant; page ready is the
  end of the first script run (p50 / p95);
- same beat: all N send their drawing at the same instant, `--beats` times;
  request -> prediction is until the run that shows "Prediction: 7" ends;
- spread out: each draws every `--every` s, the N students spread over that period.

Each N runs on a freshly started server that has served one drawing first (the
teacher tried the app before class), printed beside N = 1, run the same way in
the same run.
With `--servers 2`, two app processes serve the students, each student sticking
to one (as a proxy with sticky sessions would); the proxy itself is not measured.

    python benchmarks/classroom.py [--students 1 10 30 60] [--servers 1]

Prints a table, then one JSON object as the last line.
Targets (2-core machine): 30 opening together p95 <= 3 s; 30 on the same beat
p95 <= 1 s; 60 spread out p95 <= 1 s; 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.canvas_driver import CANVAS, PREDICTION, canvas_box, drag_stroke  # noqa: E402
from tests.live_server import CHROMIUM, CHROMIUM_FLAGS, START_TIMEOUT_S, streamlit_server  # noqa: E402

SEVEN = [(70, 50), (210, 50), (120, 240)]
EXPECTED = b"Prediction: 7"
STEP_TIMEOUT_S = 60.0
TARGETS = {"open_p95_s": 3.0, "draw_p95_s": 1.0, "spread_p95_s": 1.0}


def record(url: str) -> tuple[bytes, bytes]:
    """A real browser's messages: (open /draw, the drawing of a 7), as sent on the wire."""
    from playwright.sync_api import expect, sync_playwright

    sent: list[bytes] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on(
            "Network.webSocketFrameSent",
            lambda e: sent.append(base64.b64decode(e["response"]["payloadData"])),
        )
        page.goto(f"{url}/draw")
        expect(page.locator(CANVAS)).to_be_visible(timeout=START_TIMEOUT_S * 1000)
        expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
        page.wait_for_timeout(1000)  # a person looks before drawing
        drag_stroke(page, canvas_box(page), SEVEN, steps=4)
        expect(page.locator(PREDICTION)).to_contain_text("Prediction: 7")
        browser.close()
    reruns = []
    for raw in sent:
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "rerun_script":
            # A new session has no cached messages: the server must send everything.
            del msg.rerun_script.cached_message_hashes[:]
            reruns.append(msg.SerializeToString())
    opening = reruns[0]
    (drawing,) = [m for m in reruns if b"data:image/png" in m][-1:]
    return opening, drawing


class Student:
    def __init__(self, url: str, opening: bytes, drawing: bytes):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.opening, self.drawing = opening, drawing
        self.ws = None
        self.errors = 0

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60
        )

    async def _until_finished(self, needs: bytes | None) -> bool:
        """Read messages until a script run ends; whether `needs` was seen (no error)."""
        seen, failed = needs is None, False
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), STEP_TIMEOUT_S)
            if needs is not None and needs in raw:
                seen = True
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                failed = True
            if kind == "script_finished" and (seen or failed):
                return seen and not failed

    async def timed(self, message: bytes, needs: bytes | None) -> float | None:
        """Seconds from sending `message` to the end of the run it causes; None on error."""
        start = time.perf_counter()
        try:
            await self.ws.send(message)
            ok = await self._until_finished(needs)
        except (TimeoutError, websockets.WebSocketException, OSError):
            ok = False
        if not ok:
            self.errors += 1
            return None
        return time.perf_counter() - start

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def one_class(
    urls: list[str], opening: bytes, drawing: bytes, n: int, beats: int, every: float, rounds: int
) -> dict:
    # The teacher tried the app before class: each server has served one drawing.
    for url in urls:
        teacher = Student(url, opening, drawing)
        await teacher.connect()
        if (
            await teacher.timed(opening, None) is None
            or await teacher.timed(drawing, EXPECTED) is None
        ):
            raise RuntimeError(f"the warm-up drawing on {url} was not read as a 7")
        await teacher.close()
    students = [Student(urls[i % len(urls)], opening, drawing) for i in range(n)]
    await asyncio.gather(*(s.connect() for s in students))
    opened = await asyncio.gather(*(s.timed(s.opening, None) for s in students))
    same_beat = []
    for _ in range(beats):
        await asyncio.sleep(1.0)
        same_beat += await asyncio.gather(*(s.timed(s.drawing, EXPECTED) for s in students))

    async def spread(i: int, student: Student) -> list[float | None]:
        await asyncio.sleep(every * i / n)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            times.append(await student.timed(student.drawing, EXPECTED))
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - start)))
        return times

    spread_out = [t for ts in await asyncio.gather(*map(spread, range(n), students)) for t in ts]
    await asyncio.gather(*(s.close() for s in students))
    ok = lambda xs: [x for x in xs if x is not None]  # noqa: E731
    return {
        "open": ok(opened),
        "beat": ok(same_beat),
        "spread": ok(spread_out),
        "errors": sum(s.errors for s in students),
        "requests": len(opened) + len(same_beat) + len(spread_out),
    }


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def server_pids() -> list[int]:
    """The app servers this script started (children of this process running streamlit)."""
    import os

    mine = str(os.getpid())
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().split()
            cmd = (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if stat[3] == mine and b"streamlit" in cmd:
            pids.append(int(proc.name))
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30, 60])
    parser.add_argument("--servers", type=int, default=1, choices=[1, 2])
    parser.add_argument("--beats", type=int, default=3, help="drawings sent on the same beat")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between drawings")
    parser.add_argument("--rounds", type=int, default=4, help="drawings each, spread out")
    args = parser.parse_args()
    if max(args.students) > 100:
        parser.error("at most 100 students: this is a bounded load test on 127.0.0.1")

    results, recorded = {}, None
    for n in sorted({1, *args.students}):
        with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
            urls = [
                stack.enter_context(streamlit_server(ROOT / "app.py", Path(tmp) / f"s{i}.log"))
                for i in range(args.servers)
            ]
            if recorded is None:
                recorded = record(urls[0])
            result = asyncio.run(one_class(urls, *recorded, n, args.beats, args.every, args.rounds))
            result["rss_mb"] = rss_mb(server_pids())
            results[n] = result
        r = results[n]
        print(
            f"N={n:>3}: open p50/p95 {pct(r['open'], 50):.2f}/{pct(r['open'], 95):.2f} s · "
            f"same beat {pct(r['beat'], 50):.2f}/{pct(r['beat'], 95):.2f} s · "
            f"spread {pct(r['spread'], 50):.2f}/{pct(r['spread'], 95):.2f} s · "
            f"errors {r['errors']} of {r['requests']} · servers' RSS {r['rss_mb']:.0f} MB",
            flush=True,
        )
    key = lambda name: {str(n): round(pct(r[name], 95), 3) for n, r in results.items()}  # noqa: E731
    summary = {
        "servers": args.servers,
        "stroke_bytes": len(recorded[1]),
        "open_p50_s": {str(n): round(pct(r["open"], 50), 3) for n, r in results.items()},
        "open_p95_s": key("open"),
        "draw_p95_s": key("beat"),
        "spread_p95_s": key("spread"),
        "errors": sum(r["errors"] for r in results.values()),
        "requests": sum(r["requests"] for r in results.values()),
        "rss_mb": {str(n): round(r["rss_mb"]) for n, r in results.items()},
        "targets": TARGETS,
    }
    print(f"stroke: {summary['stroke_bytes']:,} bytes from browser to server")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
