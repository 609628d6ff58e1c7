"""Training runs for the whole server: a pool of warm worker processes and one fair line.

Why processes and not threads: a process gives all its memory back when it
ends and cannot take the server down when it crashes; a thread would start
faster, so each worker imports TensorFlow and loads the digits once, before
any job, and then trains run after run (benchmarks/thread_vs_process.py
measures both ways). The pool's size comes from the machine (worker_process.py,
CNN_LENS_WORKERS); runs wait in one line, first pressed first trained, one run
per session, each told its place and about how long it waits (estimate.py).

Threads in the server (this module never imports TensorFlow or streamlit):
- sessions' script threads call submit / stop / view / collect / heartbeat;
- one reader thread per worker turns its messages into the run's record;
- a watchdog, once a second, stops the runs of sessions that stopped sending
  heartbeats (their tab closed), kills a worker that ignores Stop, and keeps
  the pool full (watchdog.py).
All shared state is behind one lock; views handed out are immutable copies.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import deque
from collections.abc import Callable

from model.runs.estimate import Pace
from model.runs.messages import FAILED, STOPPED, DataInfo, RunEnd, RunJob
from model.runs.record import RunRecord, hand_over
from model.runs.view import STARTING, WAITING, RunView
from model.runs.watchdog import HEARTBEAT_TIMEOUT_S, STOP_GRACE_S, WATCH_EVERY_S, Watchdog
from model.runs.worker import execute, load_data
from model.runs.worker_process import WorkerProcess, exit_words, pool_size

# Runs waiting for a worker: a whole class pressing Train at once fits; more are
# refused with the reason.
MAX_WAITING = 80


class RunRefused(Exception):
    """Train was pressed but no run was queued; the message says why, for people."""


class RunManager(Watchdog):
    def __init__(
        self,
        *,
        mode: str = "process",
        workers: int | None = None,
        runs_per_worker: int | None = None,
        max_waiting: int = MAX_WAITING,
        heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S,
        stop_grace_s: float = STOP_GRACE_S,
        clock: Callable[[], float] = time.monotonic,
        watch_every_s: float | None = WATCH_EVERY_S,
    ):
        """mode: "process" (the app) or "thread" (only to measure the difference).

        workers: runs that train at once; pool_size() (the machine, CNN_LENS_WORKERS)
        when None. runs_per_worker: after these a worker is replaced by a fresh one.
        clock: seconds, for heartbeats and Stop's grace (tests pass a fake one).
        watch_every_s: the watchdog's period; None starts no watchdog thread, and
        whoever made the manager calls watch_once() (tests, to know that it looked).
        """
        if mode not in ("process", "thread"):
            raise ValueError(f"mode must be 'process' or 'thread', not {mode!r}")
        self.mode = mode
        self.workers = workers or pool_size()
        self._runs_per_worker = runs_per_worker
        self.heartbeat_timeout_s = heartbeat_timeout_s
        self._max_waiting, self._stop_grace_s, self._clock = max_waiting, stop_grace_s, clock
        self._lock = threading.RLock()
        self._running: list[RunRecord] = []  # in the order they started
        self._waiting: deque[RunRecord] = deque()
        self._ended: dict[str, RunRecord] = {}
        self._pool: list[WorkerProcess] = []  # process mode: warming, idle or training
        self._data: DataInfo | None = None
        self._data_error: str | None = None
        self._spawn_failures = 0
        self._beats: dict[str, float] = {}  # owner -> clock() of its last sign of life
        self._pace = Pace()
        self._closed = threading.Event()
        self._thread_data = None  # thread mode: the digits, loaded in this process
        self._thread_data_lock = threading.Lock()
        if mode == "process":
            atexit.register(self.close)  # the workers are processes of their own
            with self._lock:
                self._fill_pool()
        if watch_every_s is not None:
            threading.Thread(
                target=self._watch, args=(watch_every_s,), name="cnn-lens-watchdog", daemon=True
            ).start()

    # --- what sessions call --------------------------------------------------------
    # `owner` names whoever pressed Train: a browser, or a session when the browser is
    # not known (components/training/run_store.py). Only the owner sees or stops its runs.
    def data_info(self) -> DataInfo | None:
        """The digits runs train on, once a worker has loaded them."""
        with self._lock:
            return self._data

    def data_error(self) -> str | None:
        with self._lock:
            return self._data_error

    def submit(self, owner: str, job: RunJob) -> RunView:
        """Start `job` now or queue it; RunRefused says why when neither is possible."""
        with self._lock:
            self._beats[owner] = self._clock()
            mine = [r for r in self._active() if r.session_id == owner]
            if mine:
                raise RunRefused(
                    "Your previous run is still "
                    + ("waiting" if mine[0].status == WAITING else "training")
                    + ": stop it first, or wait until it ends."
                )
            if self._data_error and self.mode == "process" and not self._pool:
                raise RunRefused(f"Training is not available: {self._data_error}")
            if len(self._waiting) >= self._max_waiting:
                raise RunRefused(
                    f"The line is full: {len(self._running)} runs are training and "
                    f"{len(self._waiting)} more are waiting, the most this server keeps. "
                    "Try again in a few minutes."
                )
            run = RunRecord(job, owner)
            self._waiting.append(run)
            self._dispatch()
            return self._view(run)

    def stop(self, owner: str, run_id: str, reason: str = "you pressed Stop") -> None:
        with self._lock:
            for run in self._active():
                if run.job.run_id == run_id and run.session_id == owner:
                    self._request_stop(run, reason)

    def view(self, run_id: str) -> RunView | None:
        with self._lock:
            run = self._find(run_id)
            return self._view(run) if run else None

    def active_of(self, owner: str) -> RunView | None:
        """The owner's run that is waiting or training, if any: what a reloaded tab shows."""
        with self._lock:
            run = next((r for r in self._active() if r.session_id == owner), None)
            return self._view(run) if run else None

    def collect(self, owner: str, run_id: str | None = None) -> list[RunView]:
        """The owner's ended runs (or just `run_id`), each handed out once, oldest first."""
        with self._lock:
            mine = [
                run
                for run in self._ended.values()
                if run.session_id == owner and run_id in (None, run.job.run_id)
            ]
            for run in mine:
                del self._ended[run.job.run_id]
            return [self._view(run) for run in sorted(mine, key=lambda r: r.ended_at or 0)]

    def activity(self) -> list[RunView]:
        """The runs training now and those waiting, in order: what every user may see."""
        with self._lock:
            waits = self._waits()
            return [self._view(run, waits) for run in self._active()]

    def heartbeat(self, owner: str) -> None:
        """A sign of life from an owner's open tab; its run goes on while these come."""
        with self._lock:
            self._beats[owner] = self._clock()

    def hand_over(self, old: str, new: str) -> None:
        """`old`'s runs become `new`'s (a session's, once its browser is known)."""
        with self._lock:
            hand_over([*self._active(), *self._ended.values()], self._beats, old, new)

    def spare_ready(self) -> bool:
        """Whether a warm worker waits for the next job (process mode)."""
        return self.idle_workers() > 0

    def idle_workers(self) -> int:
        """Warm workers waiting for a job (process mode)."""
        with self._lock:
            return sum(1 for w in self._pool if w.idle)

    def worker_pid(self, run_id: str | None = None) -> int | None:
        """The pid of the worker training `run_id`, or of the first worker."""
        with self._lock:
            for worker in self._pool:
                if run_id is None or (worker.run and worker.run.job.run_id == run_id):
                    return worker.pid
            return None

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [worker.pid for worker in self._pool]

    def close(self) -> None:
        """Stop everything: for tests and benchmarks (the app's workers die with it)."""
        self._closed.set()
        with self._lock:
            for run in self._active():
                self._request_stop(run, "the server is shutting down")
            pool = list(self._pool)
        for worker in pool:
            worker.kill()
            worker.process.wait(timeout=10)

    # --- internals (call with the lock held) -----------------------------------------
    def _active(self) -> list[RunRecord]:
        return self._running + list(self._waiting)

    def _find(self, run_id: str) -> RunRecord | None:
        for run in [*self._active(), *self._ended.values()]:
            if run.job.run_id == run_id:
                return run
        return None

    def _view(self, run: RunRecord, waits: list[float] | None = None) -> RunView:
        place, wait = None, None
        if run.status == WAITING:
            place = next(i for i, r in enumerate(self._waiting, start=1) if r is run)
            wait = (waits or self._waits())[place - 1]
        holder = next((w for w in self._pool if w.run is run), None)
        ready = self.mode == "thread" or (
            holder.ready if holder else any(w.ready for w in self._pool)
        )
        description = self._data.test_description if self._data else None
        return run.view(place, ready, description, wait)

    def _waits(self) -> list[float]:
        """Seconds until each waiting run starts, in line order."""
        trainable = self._data.trainable_digits if self._data else None
        running = [r.view(None, True, None, curves=False) for r in self._running]
        waiting = [r.view(None, True, None, curves=False) for r in self._waiting]
        return self._pace.waits(running, waiting, self.workers, trainable)

    def _fill_pool(self) -> None:
        """Start workers until the pool has its size (they warm up in the background)."""
        while not self._closed.is_set() and len(self._pool) < self.workers:
            worker = WorkerProcess(self._runs_per_worker)
            self._pool.append(worker)
            threading.Thread(
                target=self._read, args=(worker,), name="cnn-lens-reader", daemon=True
            ).start()

    def _dispatch(self) -> None:
        """Give the first waiting runs to idle workers (or threads), first come first served."""
        while self._waiting and len(self._running) < self.workers:
            if self.mode == "process":
                # A warm worker first; else one still warming up reads the job once warm.
                idle = sorted((w for w in self._pool if w.free), key=lambda w: not w.ready)
                if not idle:
                    return  # the next worker to finish its run takes it
            run = self._waiting.popleft()
            run.status, run.started_at = STARTING, time.time()
            self._running.append(run)
            if self.mode == "process":
                idle[0].give(run)
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
        elif self.mode == "process":
            for worker in self._pool:
                if worker.run is run:
                    worker.cancel(run.job.run_id)
        elif run.cancel is not None:
            run.cancel.set()

    def _finish(self, run: RunRecord, end: RunEnd) -> None:
        run.finish(end)
        if run in self._running:
            self._running.remove(run)
        for worker in self._pool:
            if worker.run is run:
                worker.run = None  # idle again: it takes the next job
        # Kept for its owner to collect, even after its tab was judged closed: a tab
        # that comes back (a laptop waking up) learns what happened to its run.
        self._ended[run.job.run_id] = run
        self._pace.learn(self._view(run), self._data.trainable_digits if self._data else None)
        self._dispatch()

    def _on_message(self, run: RunRecord, kind: str, payload: object) -> None:
        if run.ended:
            return  # e.g. a worker that reports after it was killed for ignoring Stop
        if kind == "end":
            self._finish(run, payload)
        else:
            run.apply(kind, payload)

    # --- the workers' side ----------------------------------------------------------
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
        if worker in self._pool:
            self._pool.remove(worker)
            # A worker that broke while warming up is replaced by the watchdog, slowly.
            if worker.ready:
                self._fill_pool()
        self._dispatch()

    def _thread_main(self, run: RunRecord) -> None:
        with self._thread_data_lock:
            if self._thread_data is None:
                self._thread_data = load_data()
                with self._lock:
                    self._data = DataInfo.of(self._thread_data)

        def emit(message: tuple) -> None:
            with self._lock:
                self._on_message(run, *message)

        execute(run.job, self._thread_data, emit, run.cancel)
