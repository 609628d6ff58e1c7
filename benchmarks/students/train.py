"""The classroom benchmark's Train part: M students press Train with a class recipe.

One real Chromium session is recorded on /training: the page opens, the
browser sends its token (components/common/browser.py), Recipe -> "Quick: ..."
(or another class recipe) and Train, then it waits for the result. That also
warms the pool: the teacher tried it before class. Each student replays the recording over
Streamlit's websocket protocol as a browser of its own: the recorded token is
replaced by a random one in every message and no cookie is sent, since the app
allows one run per browser. Like the browser, a student answers the server's
auto-rerun messages: the sidebar's live panel ticks every second while a run
is on (which is also the heartbeat that keeps the run alive).

Per student: Train -> first progress update ("epoch 1 of 1, batch 3 of 15"),
Train -> result ("**Run 1** (seed) finished."), or the refusal's sentence (a
warning or error where Train was pressed). Used by benchmarks/classroom.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.students.draw import DrawRecording, Student, draw_every, ok, open_all, pct, warm_up
from components.common.browser import STORAGE_KEY
from components.common.keys import css
from components.training import keys
from model.training.recipes import CLASS_RECIPES
from tests.live_server import recording_browser
from tests.training.test_training_browser import open_recipe

RECIPES = {recipe.name: recipe for recipe in CLASS_RECIPES}  # "Quick", "Short"
# The live panel's status of the student's own run (another's shows in other words).
PROGRESS = re.compile(rb"\*\*Run \d+\*\* \(\w+\): epoch \d+ of \d+, batch \d+ of \d+")
RESULT = re.compile(rb"\*\*Run \d+\*\* \(\w+\) finished\.")  # the sidebar's result card
FULL_RUN_S = 120.0  # one page run, under load
RESULT_TIMEOUT_S = 420.0  # Train -> result, the last of a class included
SETUP_TIMEOUT_S = 600.0  # the recording's first run waits for the pool to warm up


@dataclass(frozen=True)
class TrainRecording:
    steps: list[bytes]  # the page's runs before Train, in order (no auto-reruns)
    train: bytes  # the press of Train, with the Quick recipe chosen
    token: bytes  # the recorded browser's token, replaced per student


def record_training(url: str, recipe: str = "Quick") -> TrainRecording:
    """A real browser on /training: choose a class recipe, press Train, wait for the result."""
    from playwright.sync_api import expect

    sent: list[bytes] = []
    with recording_browser(sent) as page:
        page.goto(f"{url}/training")
        sidebar = page.locator("[data-testid=stSidebar]")
        # A person waits until the sidebar says which digits Train would use.
        expect(sidebar).to_contain_text("digits to train on", timeout=SETUP_TIMEOUT_S * 1000)
        expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)
        open_recipe(page)  # and wait until it has opened, as a person sees it
        sidebar.get_by_role("button", name=RECIPES[recipe].label).click()
        epochs = page.locator(f"{css(keys.TRAIN_EPOCHS)} input")
        expect(epochs).to_have_value(str(RECIPES[recipe].epochs))
        expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)
        page.locator(f"{css(keys.TRAIN_BUTTON)} button").click()
        result = page.locator(css(keys.TRAIN_RESULT_BOX))
        expect(result).to_contain_text("Test accuracy", timeout=SETUP_TIMEOUT_S * 1000)
        token = page.evaluate(f"() => window.localStorage.getItem({STORAGE_KEY!r})")
        expect(page.get_by_test_id("stException")).to_have_count(0)
    steps, train = [], None
    for raw in sent:
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") != "rerun_script" or msg.rerun_script.fragment_id:
            continue  # heartbeats, and the live panel's ticks: a student ticks by itself
        # A new session has no cached messages: the server must send everything.
        del msg.rerun_script.cached_message_hashes[:]
        if _pressed(msg, keys.TRAIN_BUTTON):
            train = msg.SerializeToString()
            break
        steps.append(msg.SerializeToString())
    if train is None or not token:
        raise RuntimeError("the recorded /training session has no Train press or no token")
    return TrainRecording(steps, train, token.encode())


def _pressed(msg: BackMsg, key: str) -> bool:
    return any(
        state.id.endswith(key) and state.WhichOneof("value") == "trigger_value"
        for state in msg.rerun_script.widget_states.widgets
    )


def _tick(train: bytes, fragment_id: str) -> bytes:
    """What the browser sends when the server's auto-rerun timer fires: the widgets as they
    are after the press (no button pressed), for one fragment."""
    msg = BackMsg()
    msg.ParseFromString(train)
    widgets = msg.rerun_script.widget_states.widgets
    kept = [w for w in widgets if w.WhichOneof("value") != "trigger_value"]
    del widgets[:]
    widgets.extend(kept)
    msg.rerun_script.fragment_id = fragment_id
    msg.rerun_script.is_auto_rerun = True
    return msg.SerializeToString()


@dataclass
class Trainee:
    """One student's browser on /training, replayed: a token of its own, no cookie."""

    url: str
    recording: TrainRecording
    token: bytes = field(default_factory=lambda: os.urandom(16).hex().encode())
    first_update_s: float | None = None
    result_s: float | None = None
    refused: str | None = None
    error: str | None = None

    def __post_init__(self):
        self._ws = self._reader = self._pressed_at = None
        self._ticks: dict[str, asyncio.Task] = {}
        self._runs_over: asyncio.Queue = asyncio.Queue()  # an entry per full script run ended
        self._alerts: list[str] = []  # warnings and errors since Train was pressed

    def _mine(self, message: bytes) -> bytes:
        return message.replace(self.recording.token, self.token)

    async def open(self) -> None:
        """Open /training as the recorded browser did, up to the moment before Train."""
        self._ws = await websockets.connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
        )
        self._reader = asyncio.create_task(self._read())
        for step in self.recording.steps:
            await self._ws.send(self._mine(step))
            await asyncio.wait_for(self._runs_over.get(), FULL_RUN_S)

    async def train(self) -> None:
        """Press Train; wait for the result, or note the refusal or the error."""
        try:
            self._alerts.clear()
            while not self._runs_over.empty():
                self._runs_over.get_nowait()
            self._pressed_at = time.perf_counter()
            await self._ws.send(self._mine(self.recording.train))
            await asyncio.wait_for(self._runs_over.get(), FULL_RUN_S)
            if self._alerts:
                self.refused = self._alerts[0]
                return
            deadline = time.perf_counter() + RESULT_TIMEOUT_S
            while self.result_s is None and self.error is None:
                if time.perf_counter() > deadline:
                    self.error = "no result in time"
                    return
                await asyncio.sleep(0.05)
        except (TimeoutError, websockets.WebSocketException, OSError) as err:
            self.error = self.error or f"{type(err).__name__}"

    async def close(self) -> None:
        for task in [*self._ticks.values(), self._reader]:
            if task is not None:
                task.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def _read(self) -> None:
        try:
            while True:
                self._seen(await self._ws.recv())
        except (websockets.WebSocketException, OSError) as err:
            self.error = self.error or f"connection lost ({type(err).__name__})"

    def _seen(self, raw: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if self._pressed_at is not None:
            now = time.perf_counter() - self._pressed_at
            if self.first_update_s is None and PROGRESS.search(raw):
                self.first_update_s = now
            if self.result_s is None and RESULT.search(raw):
                self.result_s = now
        if kind == "new_session" and not msg.metadata.run.fragment_ids:
            self._stop_ticks(list(self._ticks))  # the browser drops its timers on a full run
        elif kind == "auto_rerun":
            self._start_ticks(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_ticks(msg.stop_auto_rerun.fragment_ids)
        elif kind == "delta":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.error = f"exception on the page: {element.exception.message[:200]}"
            elif element.WhichOneof("type") == "alert" and element.alert.format in (
                Alert.ERROR,
                Alert.WARNING,
            ):
                self._alerts.append(element.alert.body)
        elif kind == "script_finished" and msg.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ):
            self._runs_over.put_nowait(True)

    def _start_ticks(self, fragment_id: str, every_s: float) -> None:
        self._stop_ticks([fragment_id])
        tick = self._mine(_tick(self.recording.train, fragment_id))

        async def ticking() -> None:
            while True:
                await asyncio.sleep(every_s)
                await self._ws.send(tick)

        self._ticks[fragment_id] = asyncio.create_task(ticking())

    def _stop_ticks(self, fragment_ids) -> None:
        for fragment_id in fragment_ids:
            task = self._ticks.pop(fragment_id, None)
            if task is not None:
                task.cancel()


async def press_train(url: str, recording: TrainRecording, m: int) -> list[Trainee]:
    """m students open /training, then press Train at the same instant; each until its end."""
    trainees = [Trainee(url, recording) for _ in range(m)]

    async def open_one(trainee: Trainee) -> None:
        try:
            await trainee.open()
        except (TimeoutError, websockets.WebSocketException, OSError) as err:
            trainee.error = f"/training did not open ({type(err).__name__})"

    await asyncio.gather(*map(open_one, trainees))
    await asyncio.gather(*(t.train() for t in trainees if t.error is None))
    await asyncio.gather(*(t.close() for t in trainees))
    return trainees


async def train_class(
    url: str, drawing: DrawRecording, training: TrainRecording, n: int, m: int, every: float
) -> dict:
    """One student trains alone; then n draw every `every` s while m press Train at once."""
    await warm_up([url], drawing)
    (alone,) = await press_train(url, training, 1)
    students = [Student(url, drawing) for _ in range(n)]
    opened = await open_all(students)
    all_done = asyncio.Event()
    drawing_on = asyncio.create_task(draw_every(students, every, stop=all_done.is_set))
    trainees = await press_train(url, training, m)
    all_done.set()
    drawn = await drawing_on
    await asyncio.gather(*(s.close() for s in students))
    return {
        "alone": alone,
        "trainees": trainees,
        "draw": ok(drawn),
        "errors": sum(s.errors for s in students) + sum(bool(t.error) for t in [alone, *trainees]),
        "requests": len(opened) + len(drawn) + 1 + m,
    }


def train_summary(train: dict, m: int, n: int) -> dict:
    trainees: list[Trainee] = train["trainees"]
    first = [t.first_update_s for t in trainees if t.first_update_s is not None]
    results = [t.result_s for t in trainees if t.result_s is not None]
    r2 = lambda x: round(x, 2) if x == x else None  # noqa: E731 - NaN as null
    return {
        "train_finished": len(results),
        "train_refused": sum(t.refused is not None for t in trainees),
        "last_result_s": r2(max(results, default=float("nan"))),
        "train": {
            "students": m,
            "drawing": n,
            "alone_first_update_s": r2(train["alone"].first_update_s or float("nan")),
            "alone_result_s": r2(train["alone"].result_s or float("nan")),
            "first_update_p50_s": r2(pct(first, 50)),
            "first_update_p95_s": r2(pct(first, 95)),
            "result_p50_s": r2(pct(results, 50)),
            "result_p95_s": r2(pct(results, 95)),
            "draw_p95_s": r2(pct(train["draw"], 95)),
            "errors": [t.error for t in [train["alone"], *trainees] if t.error],
            "refusals": [t.refused for t in trainees if t.refused],
            "rss_mb": round(train["rss_mb"]),
        },
    }


def print_train(train: dict, m: int, n: int, seconds: float) -> None:
    s = train_summary(train, m, n)
    t = s["train"]
    print(
        f"Train: alone first update {t['alone_first_update_s']} s, result {t['alone_result_s']} s"
        f" · {m} at once while {n} draw: first update p50/p95 {t['first_update_p50_s']}/"
        f"{t['first_update_p95_s']} s · result p50/p95 {t['result_p50_s']}/{t['result_p95_s']} s"
        f" · finished {s['train_finished']}, refused {s['train_refused']}, last result "
        f"{s['last_result_s']} s · drawing p95 {t['draw_p95_s']} s · errors {train['errors']}"
        f" · peak RSS {t['rss_mb']} MB · {seconds:.0f} s",
        flush=True,
    )
    for why in t["refusals"] + t["errors"]:
        print(f"  {why}")
