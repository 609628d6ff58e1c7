"""One training run at a time for the whole server, each in its own worker process.

Why a process and not a thread: a process gives all its memory back when it
ends and cannot take the server down when it crashes; a thread would start
faster, so one *warm spare* process that has already imported TensorFlow and
loaded the digits waits for the next job. After each run it exits and a fresh
spare is started. benchmarks/thread_vs_process.py measures both ways.

Threads in the server (this module never imports TensorFlow or streamlit):
- sessions' script threads call submit / stop / view / collect / heartbeat;
- one reader thread per worker turns its messages into the run's record;
- a watchdog, once a second, stops the runs of sessions that stopped sending
  heartbeats (their tab closed), kills a worker that ignores Stop, and keeps
  the spare.
All shared state is behind one lock; views handed out are immutable copies.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import deque
from collections.abc import Callable

from model.runs.messages import FAILED, STOPPED, DataInfo, RunEnd, RunJob
from model.runs.record import RunRecord
from model.runs.view import STARTING, WAITING, RunView
from model.runs.worker import execute, load_data
from model.runs.worker_process import WorkerProcess, exit_words

MAX_WAITING = 3  # runs waiting behind the one training; more are refused with the reason
# The sidebar sends a heartbeat every second while a run is on. A session silent
# this long has closed its tab: its run is stopped (within 60 s of the closing,
# with the watchdog's second and the worker's last batch).
HEARTBEAT_TIMEOUT_S = 45.0
WATCH_EVERY_S = 1.0  # how often the watchdog looks
STOP_GRACE_S = 10.0  # a worker that has not stopped this long after Stop is killed
UNCOLLECTED_TTL_S = 600.0  # an ended run nobody collected is dropped after this
TAB_CLOSED = "this browser tab stopped answering, as when it is closed"


class RunRefused(Exception):
    """Train was pressed but no run was queued; the message says why, for people."""


class RunManager:
    def __init__(
        self,
        *,
        mode: str = "process",
        max_waiting: int = MAX_WAITING,
        heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S,
        stop_grace_s: float = STOP_GRACE_S,
        clock: Callable[[], float] = time.monotonic,
        watch_every_s: float | None = WATCH_EVERY_S,
    ):
        """mode: "process" (the app) or "thread" (only to measure the difference).

        clock: seconds, for heartbeats and Stop's grace (tests pass a fake one).
        watch_every_s: the watchdog's period; None starts no watchdog thread, and
        whoever made the manager calls watch_once() (tests, to know that it looked).
        """
        if mode not in ("process", "thread"):
            raise ValueError(f"mode must be 'process' or 'thread', not {mode!r}")
        self.mode = mode
        self.heartbeat_timeout_s = heartbeat_timeout_s
        self._max_waiting, self._stop_grace_s, self._clock = max_waiting, stop_grace_s, clock
        self._lock = threading.RLock()
        self._running: RunRecord | None = None
        self._waiting: deque[RunRecord] = deque()
        self._ended: dict[str, RunRecord] = {}
        self._worker: WorkerProcess | None = None  # the one training, or the spare
        self._data: DataInfo | None = None
        self._data_error: str | None = None
        self._spawn_failures = 0
        self._beats: dict[str, float] = {}  # session -> clock() of its last sign of life
        self._closed = threading.Event()
        self._thread_data = None  # thread mode: the digits, loaded in this process
        if mode == "process":
            atexit.register(self.close)  # the workers are processes of their own
            with self._lock:
                self._start_spare()
        if watch_every_s is not None:
            threading.Thread(
                target=self._watch, args=(watch_every_s,), name="cnn-lens-watchdog", daemon=True
            ).start()

    # --- what sessions call --------------------------------------------------------
    def data_info(self) -> DataInfo | None:
        """The digits runs train on, once a worker has loaded them."""
        with self._lock:
            return self._data

    def data_error(self) -> str | None:
        with self._lock:
            return self._data_error

    def submit(self, session_id: str, job: RunJob) -> RunView:
        """Start `job` now or queue it; RunRefused says why when neither is possible."""
        with self._lock:
            self._beats[session_id] = self._clock()
            mine = [r for r in self._active() if r.session_id == session_id]
            if mine:
                raise RunRefused(
                    "Your previous run is still "
                    + ("waiting" if mine[0].status == WAITING else "training")
                    + ": stop it first, or wait until it ends."
                )
            if self._data_error and self.mode == "process" and self._worker is None:
                raise RunRefused(f"Training is not available: {self._data_error}")
            if self._running is not None and len(self._waiting) >= self._max_waiting:
                raise RunRefused(
                    f"The server is busy: one run is training and {len(self._waiting)} more "
                    "are waiting, and only one run trains at a time. Try again in a few minutes."
                )
            run = RunRecord(job, session_id)
            self._waiting.append(run)
            self._dispatch()
            return self._view(run)

    def stop(self, session_id: str, run_id: str, reason: str = "you pressed Stop") -> None:
        with self._lock:
            for run in self._active():
                if run.job.run_id == run_id and run.session_id == session_id:
                    self._request_stop(run, reason)

    def view(self, run_id: str) -> RunView | None:
        with self._lock:
            run = self._find(run_id)
            return self._view(run) if run else None

    def collect(self, session_id: str, run_id: str) -> RunView | None:
        """The ended run, handed to its session once; None while it is not over."""
        with self._lock:
            run = self._ended.get(run_id)
            if run is None or run.session_id != session_id:
                return None
            del self._ended[run_id]
            return self._view(run)

    def activity(self) -> list[RunView]:
        """The run training now and those waiting, in order: what every user may see."""
        with self._lock:
            return [self._view(run) for run in self._active()]

    def heartbeat(self, session_id: str) -> None:
        """A sign of life from a session's open tab; its run goes on while these come."""
        with self._lock:
            self._beats[session_id] = self._clock()

    def spare_ready(self) -> bool:
        """Whether a warm worker waits for the next job (process mode)."""
        with self._lock:
            worker = self._worker
            return worker is not None and worker.ready and not worker.used

    def worker_pid(self) -> int | None:
        with self._lock:
            return self._worker.pid if self._worker else None

    def close(self) -> None:
        """Stop everything: for tests and benchmarks (the app's workers die with it)."""
        self._closed.set()
        with self._lock:
            for run in self._active():
                self._request_stop(run, "the server is shutting down")
            worker = self._worker
        if worker is not None:
            worker.kill()
            worker.process.wait(timeout=10)

    # --- internals (call with the lock held) -----------------------------------------
    def _active(self) -> list[RunRecord]:
        return ([self._running] if self._running else []) + list(self._waiting)

    def _find(self, run_id: str) -> RunRecord | None:
        for run in [*self._active(), *self._ended.values()]:
            if run.job.run_id == run_id:
                return run
        return None

    def _view(self, run: RunRecord) -> RunView:
        place = None
        if run.status == WAITING:
            place = next(i for i, r in enumerate(self._waiting, start=1) if r is run)
        ready = self.mode == "thread" or bool(self._worker and self._worker.ready)
        return run.view(place, ready, self._data.test_description if self._data else None)

    def _start_spare(self) -> None:
        if self._closed.is_set():
            return
        worker = WorkerProcess()
        self._worker = worker
        threading.Thread(
            target=self._read, args=(worker,), name="cnn-lens-reader", daemon=True
        ).start()

    def _dispatch(self) -> None:
        """Give the first waiting run to the worker when nothing is training."""
        if self._running is not None or not self._waiting:
            return
        if self.mode == "process" and (self._worker is None or self._worker.used):
            return  # the next spare starts when the used worker has exited
        run = self._waiting.popleft()
        run.status, run.started_at, self._running = STARTING, time.time(), run
        if self.mode == "process":
            self._worker.give(run)
        else:
            run.cancel = threading.Event()
            threading.Thread(target=self._thread_main, args=(run,), daemon=True).start()

    def _request_stop(self, run: RunRecord, reason: str) -> None:
        if run.stop_requested is not None:
            return
        run.stop_requested, run.stop_reason = self._clock(), reason
        if run.status == WAITING:
            self._waiting.remove(run)
            self._finish(run, RunEnd(STOPPED))
        elif self.mode == "process" and self._worker is not None:
            self._worker.cancel()
        elif run.cancel is not None:
            run.cancel.set()

    def _finish(self, run: RunRecord, end: RunEnd) -> None:
        run.finish(end)
        if run is self._running:
            self._running = None
        # Kept for its session to collect, even after its tab was judged closed: a tab
        # that comes back (a laptop waking up) learns what happened to its run.
        self._ended[run.job.run_id] = run

    def _on_message(self, run: RunRecord, kind: str, payload: object) -> None:
        if run.ended:
            return  # e.g. a worker that reports after it was killed for ignoring Stop
        if kind == "end":
            self._finish(run, payload)
        else:
            run.apply(kind, payload)

    # --- the worker's side ----------------------------------------------------------
    def _read(self, worker: WorkerProcess) -> None:
        """Reader thread: the worker's messages, until its process ends (end of file)."""
        while True:
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                if kind == "ready":
                    worker.ready, self._data, self._data_error = True, payload, None
                    self._spawn_failures = 0
                elif kind == "broken":
                    self._data_error = payload
                elif worker.run is not None:
                    self._on_message(worker.run, kind, payload)
        exitcode = worker.process.wait()
        worker.conn.close()
        with self._lock:
            self._worker_ended(worker, exitcode)

    def _worker_ended(self, worker: WorkerProcess, exitcode: int | None) -> None:
        run = worker.run
        if run is not None and not run.ended:
            epochs_done = len(run.epochs)
            if run.stop_requested is not None:
                self._finish(run, RunEnd(STOPPED, epochs_done=epochs_done))
            else:
                reason = exit_words(exitcode)
                self._finish(run, RunEnd(FAILED, reason=reason, epochs_done=epochs_done))
        if not worker.ready:
            self._spawn_failures += 1
            self._data_error = self._data_error or exit_words(exitcode)
        if self._worker is worker:
            self._worker = None
            # A worker that broke while warming up is retried by the watchdog, slowly.
            if worker.ready:
                self._start_spare()
        self._dispatch()

    def _thread_main(self, run: RunRecord) -> None:
        if self._thread_data is None:
            self._thread_data = load_data()
            with self._lock:
                self._data = DataInfo.of(self._thread_data)

        def emit(message: tuple) -> None:
            with self._lock:
                self._on_message(run, *message)

        execute(run.job, self._thread_data, emit, run.cancel)
        with self._lock:
            self._dispatch()

    # --- the watchdog ---------------------------------------------------------------
    def _watch(self, every_s: float) -> None:
        while not self._closed.wait(every_s):
            self.watch_once()

    def watch_once(self) -> None:
        """What the watchdog does each time it looks: closed tabs, ignored Stops, the spare."""
        with self._lock:
            self._check_sessions()
            self._check_stops()
            if self.mode == "process" and self._worker is None and not self._closed.is_set():
                if self._spawn_failures < 3:
                    self._start_spare()
                    self._dispatch()
                elif self._waiting:
                    for run in list(self._waiting):
                        self._waiting.remove(run)
                        self._finish(run, RunEnd(FAILED, reason=self._data_error or ""))

    def _check_sessions(self) -> None:
        now = self._clock()
        for run in self._active():
            if now - self._beats.get(run.session_id, now) > self.heartbeat_timeout_s:
                self._request_stop(run, TAB_CLOSED)
        for run_id, run in list(self._ended.items()):
            if run.ended_at and time.time() - run.ended_at > UNCOLLECTED_TTL_S:
                del self._ended[run_id]
        # Sessions with no run are forgotten once silent: the dict stays small.
        busy = {run.session_id for run in self._active()}
        for session, beat in list(self._beats.items()):
            if session not in busy and now - beat > self.heartbeat_timeout_s:
                del self._beats[session]

    def _check_stops(self) -> None:
        run, worker = self._running, self._worker
        if run is None or run.stop_requested is None or worker is None:
            return
        if self._clock() - run.stop_requested > self._stop_grace_s:
            worker.kill()  # the reader thread then ends the run as stopped
