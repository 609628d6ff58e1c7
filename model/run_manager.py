"""One training run at a time for the whole server, each in its own worker process.

Why a process and not a thread: a process gives all its memory back when it
ends and cannot take the server down when it crashes; a thread would start
faster, so one *warm spare* process that has already imported TensorFlow and
loaded the digits waits for the next job. After each run it exits and a fresh
spare is started. benchmarks/thread_vs_process.py measures both ways.

Threads in the server (this module never imports TensorFlow or streamlit):
- sessions' script threads call submit / stop / view / collect / heartbeat;
- one reader thread per worker turns its messages into the run's state;
- a watchdog stops runs whose browser tab is gone, kills a worker that
  ignores Stop, and keeps the spare.
All shared state is behind one lock; views handed out are immutable copies.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from model.run_types import FAILED, STOPPED, DataInfo, Progress, RunEnd, RunJob
from model.run_view import (
    ENDED,
    EVALUATING,
    STARTING,
    TRAINING,
    WAITING,
    EpochPoint,
    RunView,
)
from model.run_worker import execute, load_data

PROJECT_ROOT = Path(__file__).resolve().parents[1]

MAX_WAITING = 3  # runs waiting behind the one training; more are refused with the reason
HEARTBEAT_TIMEOUT_S = 30.0  # a session silent this long (and not known connected) is gone
DISCONNECT_GRACE_S = 10.0  # a disconnected session may reconnect within this
STOP_GRACE_S = 10.0  # a worker that has not stopped this long after Stop is killed
UNCOLLECTED_TTL_S = 600.0  # an ended run nobody collected is dropped after this


class RunRefused(Exception):
    """Train was pressed but no run was queued; the message says why, for people."""


@dataclass
class _Run:
    job: RunJob
    session_id: str
    status: str = WAITING
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    ended_at: float | None = None
    last: Progress | None = None
    batch_loss: list[float] = field(default_factory=list)
    batch_accuracy: list[float] = field(default_factory=list)
    epochs: list[EpochPoint] = field(default_factory=list)
    end: RunEnd | None = None
    stop_requested: float | None = None  # time.monotonic() of the Stop
    stop_reason: str | None = None
    abandoned: bool = False  # its session is gone: nobody will collect it
    cancel: threading.Event | None = None  # thread mode


class _Worker:
    """A worker process (python -m model.run_worker) and the socket to it."""

    def __init__(self):
        self.conn, child_end = mp.Pipe(duplex=True)  # a Unix socket pair
        fd = child_end.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "model.run_worker", str(fd)],
            pass_fds=(fd,),
            cwd=PROJECT_ROOT,
        )
        child_end.close()  # the child holds it now; its exit closes the socket
        self.ready = False
        self.used = False  # it was given a job: it exits after that one
        self.run: _Run | None = None
        self.cancelled = False

    def send(self, message: tuple) -> None:
        with contextlib.suppress(OSError):  # a dead worker is noticed by its reader
            self.conn.send(message)

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.send(("cancel", None))


class RunManager:
    def __init__(
        self,
        *,
        mode: str = "process",
        liveness: Callable[[str], bool | None] | None = None,
        max_waiting: int = MAX_WAITING,
        heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S,
        disconnect_grace_s: float = DISCONNECT_GRACE_S,
        stop_grace_s: float = STOP_GRACE_S,
    ):
        """mode: "process" (the app) or "thread" (only to measure the difference).

        liveness(session_id) says whether a session's browser is still connected,
        or None when it cannot tell; then heartbeats decide.
        """
        if mode not in ("process", "thread"):
            raise ValueError(f"mode must be 'process' or 'thread', not {mode!r}")
        self.mode = mode
        self._liveness = liveness or (lambda session_id: None)
        self._max_waiting, self._heartbeat_timeout_s = max_waiting, heartbeat_timeout_s
        self._disconnect_grace_s, self._stop_grace_s = disconnect_grace_s, stop_grace_s
        self._lock = threading.RLock()
        self._running: _Run | None = None
        self._waiting: deque[_Run] = deque()
        self._ended: dict[str, _Run] = {}
        self._worker: _Worker | None = None  # the one training, or the spare
        self._data: DataInfo | None = None
        self._data_error: str | None = None
        self._spawn_failures = 0
        self._beats: dict[str, float] = {}
        self._gone_since: dict[str, float] = {}
        self._closed = threading.Event()
        self._thread_data = None  # thread mode: the digits, loaded in this process
        if mode == "process":
            atexit.register(self.close)  # the workers are processes of their own
            with self._lock:
                self._start_spare()
        threading.Thread(target=self._watch, name="cnn-lens-watchdog", daemon=True).start()

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
            self._beats[session_id] = time.monotonic()
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
            run = _Run(job, session_id)
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
        with self._lock:
            self._beats[session_id] = time.monotonic()

    def spare_ready(self) -> bool:
        """Whether a warm worker waits for the next job (process mode)."""
        with self._lock:
            worker = self._worker
            return worker is not None and worker.ready and not worker.used

    def worker_pid(self) -> int | None:
        with self._lock:
            return self._worker.process.pid if self._worker else None

    def close(self) -> None:
        """Stop everything: for tests and benchmarks (the app's workers die with it)."""
        self._closed.set()
        with self._lock:
            for run in self._active():
                self._request_stop(run, "the server is shutting down")
            worker = self._worker
        if worker is not None:
            worker.process.kill()
            worker.process.wait(timeout=10)

    # --- internals (call with the lock held) -----------------------------------------
    def _active(self) -> list[_Run]:
        return ([self._running] if self._running else []) + list(self._waiting)

    def _find(self, run_id: str) -> _Run | None:
        for run in [*self._active(), *self._ended.values()]:
            if run.job.run_id == run_id:
                return run
        return None

    def _view(self, run: _Run) -> RunView:
        place = None
        if run.status == WAITING:
            place = next(i for i, r in enumerate(self._waiting, start=1) if r is run)
        worker_ready = self.mode == "thread" or bool(self._worker and self._worker.ready)
        return RunView(
            job=run.job,
            status=run.status,
            place=place,
            worker_ready=worker_ready or run.status not in (WAITING, STARTING),
            last=run.last,
            batch_loss=tuple(run.batch_loss),
            batch_accuracy=tuple(run.batch_accuracy),
            epochs=tuple(run.epochs),
            submitted_at=run.submitted_at,
            started_at=run.started_at,
            ended_at=run.ended_at,
            end=run.end,
            stop_reason=run.stop_reason,
            test_description=self._data.test_description if self._data else None,
        )

    def _start_spare(self) -> None:
        if self._closed.is_set():
            return
        worker = _Worker()
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
            self._worker.run, self._worker.used = run, True
            self._worker.send(("job", run.job))  # read once the worker is warm
        else:
            run.cancel = threading.Event()
            threading.Thread(target=self._thread_main, args=(run,), daemon=True).start()

    def _request_stop(self, run: _Run, reason: str) -> None:
        if run.stop_requested is not None:
            return
        run.stop_requested, run.stop_reason = time.monotonic(), reason
        if run.status == WAITING:
            self._waiting.remove(run)
            self._finish(run, RunEnd(STOPPED))
        elif self.mode == "process" and self._worker is not None:
            self._worker.cancel()
        elif run.cancel is not None:
            run.cancel.set()

    def _on_event(self, run: _Run | None, kind: str, payload) -> None:
        if run is None or run.status in ENDED:
            return
        if kind == "status":
            run.status = STARTING if payload == "starting" else EVALUATING
        elif kind == "progress":
            run.status, run.last = TRAINING, payload
            if payload.epoch_done:
                run.epochs.append(
                    EpochPoint(
                        payload.epoch,
                        payload.loss,
                        payload.accuracy,
                        payload.val_loss,
                        payload.val_accuracy,
                    )
                )
            else:
                run.batch_loss.append(payload.batch_loss)
                run.batch_accuracy.append(payload.batch_accuracy)
        elif kind == "end":
            self._finish(run, payload)

    def _finish(self, run: _Run, end: RunEnd) -> None:
        run.end, run.status, run.ended_at = end, end.outcome, time.time()
        if run is self._running:
            self._running = None
        if not run.abandoned:
            self._ended[run.job.run_id] = run

    # --- the worker's side ----------------------------------------------------------
    def _read(self, worker: _Worker) -> None:
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
                else:
                    self._on_event(worker.run, kind, payload)
        exitcode = worker.process.wait()
        worker.conn.close()
        with self._lock:
            self._worker_ended(worker, exitcode)

    def _worker_ended(self, worker: _Worker, exitcode: int | None) -> None:
        run = worker.run
        if run is not None and run.status not in ENDED:
            if run.stop_requested is not None:
                self._finish(run, RunEnd(STOPPED, epochs_done=len(run.epochs)))
            else:
                self._finish(
                    run,
                    RunEnd(FAILED, reason=_exit_words(exitcode), epochs_done=len(run.epochs)),
                )
        if run is not None and run is self._running:
            self._running = None
        if not worker.ready:
            self._spawn_failures += 1
            self._data_error = self._data_error or _exit_words(exitcode)
        if self._worker is worker:
            self._worker = None
            # A worker that broke while warming up is retried by the watchdog, slowly.
            if worker.ready:
                self._start_spare()
        self._dispatch()

    def _thread_main(self, run: _Run) -> None:
        if self._thread_data is None:
            self._thread_data = load_data()
            with self._lock:
                self._data = DataInfo.of(self._thread_data)

        def emit(message) -> None:
            with self._lock:
                self._on_event(run, *message)

        execute(run.job, self._thread_data, emit, run.cancel)
        with self._lock:
            self._dispatch()

    # --- the watchdog ---------------------------------------------------------------
    def _watch(self) -> None:
        while not self._closed.wait(1.0):
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
        now = time.monotonic()
        for run in self._active():
            if not self._alive(run.session_id, now):
                run.abandoned = True
                self._request_stop(run, "the browser tab closed")
        for run_id, run in list(self._ended.items()):
            if run.ended_at and time.time() - run.ended_at > UNCOLLECTED_TTL_S:
                del self._ended[run_id]

    def _alive(self, session_id: str, now: float) -> bool:
        connected = self._liveness(session_id)
        if connected is True:
            self._gone_since.pop(session_id, None)
            return True
        if connected is False:
            return now - self._gone_since.setdefault(session_id, now) < self._disconnect_grace_s
        return now - self._beats.get(session_id, now) < self._heartbeat_timeout_s

    def _check_stops(self) -> None:
        run, worker = self._running, self._worker
        if run is None or run.stop_requested is None or worker is None:
            return
        if time.monotonic() - run.stop_requested > self._stop_grace_s:
            worker.process.kill()  # the reader thread then ends the run as stopped


def _exit_words(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the training process was killed ({name})"
    return f"the training process ended unexpectedly (exit code {exitcode})"
