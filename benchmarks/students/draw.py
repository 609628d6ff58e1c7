"""The classroom benchmark's drawing part: students on /draw, replayed over the websocket.

One real Chromium session is recorded: the messages the browser sends when it
opens /draw and when a 7 is drawn on the canvas. Each student replays them as
a browser of its own (the recorded token replaced by a random one, no cookie),
and each drawing must come back as "Prediction: 7" (anything else, an error
element or a timeout counts as an error). Used by benchmarks/classroom.py.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components.common.browser import STORAGE_KEY
from tests.canvas_driver import CANVAS, PREDICTION, canvas_box, drag_stroke
from tests.live_server import START_TIMEOUT_S, recording_browser

SEVEN = [(70, 50), (210, 50), (120, 240)]
EXPECTED = b"Prediction: 7"
STEP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class DrawRecording:
    opening: bytes  # open /draw
    drawing: bytes  # the last message of the 7's stroke: the whole drawing
    stroke_bytes: int  # every message the stroke sent, as on the wire
    token: bytes  # the recorded browser's token, replaced per student


def record(url: str) -> DrawRecording:
    """A real browser's messages: open /draw, then draw a 7, as sent on the wire."""
    from playwright.sync_api import expect

    sent: list[bytes] = []
    with recording_browser(sent) as page:
        page.goto(f"{url}/draw")
        expect(page.locator(CANVAS)).to_be_visible(timeout=START_TIMEOUT_S * 1000)
        expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
        page.wait_for_timeout(1000)  # a person looks before drawing
        before_stroke = len(sent)
        drag_stroke(page, canvas_box(page), SEVEN, steps=4)
        expect(page.locator(PREDICTION)).to_contain_text("Prediction: 7")
        token = page.evaluate(f"() => window.localStorage.getItem({STORAGE_KEY!r})")
    reruns, ticking = [], set()
    for i, raw in enumerate(sent):
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") != "rerun_script":
            continue
        # A stroke reruns the page's drawing fragment; the sidebar's fragments tick on
        # their own (while the worker loads the digits): those, seen before the stroke,
        # are not the student's.
        fragment = msg.rerun_script.fragment_id
        if i < before_stroke and fragment:
            ticking.add(fragment)
        if fragment and (i < before_stroke or fragment in ticking):
            continue
        # A new session has no cached messages: the server must send everything.
        del msg.rerun_script.cached_message_hashes[:]
        reruns.append((i >= before_stroke, len(raw), msg.SerializeToString()))
    stroke = [(size, m) for after, size, m in reruns if after]
    if not stroke or not token:
        raise RuntimeError("the recorded /draw session has no stroke or no browser token")
    return DrawRecording(
        reruns[0][2], stroke[-1][1], sum(size for size, _ in stroke), token.encode()
    )


class Student:
    """One student's browser on /draw, replayed: a token of its own, no cookie."""

    def __init__(self, url: str, recording: DrawRecording):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        token = os.urandom(16).hex().encode()
        self.opening, self.drawing = (
            m.replace(recording.token, token) for m in (recording.opening, recording.drawing)
        )
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


async def open_all(students: list[Student]) -> list[float | None]:
    await asyncio.gather(*(s.connect() for s in students))
    return await asyncio.gather(*(s.timed(s.opening, None) for s in students))


async def draw_every(
    students: list[Student], every: float, rounds: int | None = None, stop=lambda: False
) -> list[float | None]:
    """Each draws every `every` s, the students spread over that period: `rounds` drawings
    each, or until `stop()`."""

    async def one(i: int, student: Student) -> list[float | None]:
        await asyncio.sleep(every * i / len(students))
        times = []
        while not stop() and (rounds is None or len(times) < rounds):
            start = time.perf_counter()
            times.append(await student.timed(student.drawing, EXPECTED))
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - start)))
        return times

    return [t for ts in await asyncio.gather(*map(one, range(len(students)), students)) for t in ts]


async def warm_up(urls: list[str], recording: DrawRecording) -> None:
    """The teacher tried the app before class: each server has served one drawing."""
    for url in urls:
        teacher = Student(url, recording)
        await teacher.connect()
        if (
            await teacher.timed(teacher.opening, None) is None
            or await teacher.timed(teacher.drawing, EXPECTED) is None
        ):
            raise RuntimeError(f"the warm-up drawing on {url} was not read as a 7")
        await teacher.close()


def ok(values: list[float | None]) -> list[float]:
    return [v for v in values if v is not None]


async def one_class(
    urls: list[str], recording: DrawRecording, n: int, beats: int, every: float, rounds: int
) -> dict:
    await warm_up(urls, recording)
    students = [Student(urls[i % len(urls)], recording) for i in range(n)]
    opened = await open_all(students)
    same_beat = []
    for _ in range(beats):
        await asyncio.sleep(1.0)
        same_beat += await asyncio.gather(*(s.timed(s.drawing, EXPECTED) for s in students))
    spread_out = await draw_every(students, every, rounds)
    await asyncio.gather(*(s.close() for s in students))
    return {
        "open": ok(opened),
        "beat": ok(same_beat),
        "spread": ok(spread_out),
        "errors": sum(s.errors for s in students),
        "requests": len(opened) + len(same_beat) + len(spread_out),
    }
