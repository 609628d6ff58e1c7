"""The run manager's watchdog: what it checks once a second, apart from what sessions ask.

A browser tab that closes says nothing, a worker can ignore Stop, a worker can die
while warming up: none of these arrives as a call. So a thread looks once a second
(`RunManager` starts it; tests call `watch_once()` to know that it looked) and
- stops the runs of owners whose heartbeats stopped (their tab closed),
- kills a worker that has not stopped within its grace after Stop,
- forgets ended runs nobody collected, and owners gone quiet,
- refills the pool and hands waiting runs to it, or ends the line with the reason
  when workers keep failing to start.

`Watchdog` is mixed into `RunManager` and works on its state, under its lock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from model.runs.messages import FAILED, RunEnd
from model.runs.record import RunRecord
from model.runs.view import EVALUATING
from model.runs.worker_process import WorkerProcess

# The sidebar sends a heartbeat every second while a run is on. A session silent
# this long has closed its tab: its run is stopped (within 60 s of the closing, with
# the watchdog's second and the worker's last batch). A reloaded tab beats again
# under the same browser, so a reload never stops its run.
HEARTBEAT_TIMEOUT_S = 45.0
WATCH_EVERY_S = 1.0  # how often the watchdog looks
STOP_GRACE_S = 10.0  # a worker that has not stopped this long after Stop is killed
# ... unless it stopped training and is measuring the model it keeps on the test set.
EVALUATING_GRACE_S = 180.0
UNCOLLECTED_TTL_S = 600.0  # an ended run nobody collected is dropped after this
TAB_CLOSED = "this browser tab stopped answering, as when it is closed"


class Watchdog:
    """The periodic checks of `RunManager`; every attribute used here is set there."""

    mode: str
    heartbeat_timeout_s: float
    _lock: threading.RLock
    _closed: threading.Event
    _clock: Callable[[], float]
    _stop_grace_s: float
    _waiting: deque[RunRecord]
    _ended: dict[str, RunRecord]
    _pool: list[WorkerProcess]
    _beats: dict[str, float]
    _spawn_failures: int
    _data_error: str | None

    # Defined by RunManager.
    def _active(self) -> list[RunRecord]: ...
    def _request_stop(self, run: RunRecord, reason: str) -> None: ...
    def _finish(self, run: RunRecord, end: RunEnd) -> None: ...
    def _fill_pool(self) -> None: ...
    def _dispatch(self) -> None: ...

    def _watch(self, every_s: float) -> None:
        while not self._closed.wait(every_s):
            self.watch_once()

    def watch_once(self) -> None:
        """What the watchdog does each time it looks: closed tabs, ignored Stops, the pool."""
        with self._lock:
            self._check_owners()
            self._check_stops()
            if self.mode != "process" or self._closed.is_set():
                return
            if self._spawn_failures < 3:
                self._fill_pool()
                self._dispatch()
            elif not self._pool and self._waiting:
                for run in list(self._waiting):
                    self._waiting.remove(run)
                    self._finish(run, RunEnd(FAILED, reason=self._data_error or ""))

    def _check_owners(self) -> None:
        now = self._clock()
        for run in self._active():
            if now - self._beats.get(run.session_id, now) > self.heartbeat_timeout_s:
                self._request_stop(run, TAB_CLOSED)
        for run_id, run in list(self._ended.items()):
            if run.ended_at and time.time() - run.ended_at > UNCOLLECTED_TTL_S:
                del self._ended[run_id]
        # Owners with no run are forgotten once silent: the dict stays small.
        busy = {run.session_id for run in self._active()}
        for owner, beat in list(self._beats.items()):
            if owner not in busy and now - beat > self.heartbeat_timeout_s:
                del self._beats[owner]

    def _check_stops(self) -> None:
        for worker in list(self._pool):
            run = worker.run
            if run is None or run.stop_requested is None:
                continue
            grace = EVALUATING_GRACE_S if run.status == EVALUATING else self._stop_grace_s
            if self._clock() - run.stop_requested > grace:
                worker.kill()  # the reader thread then ends the run as stopped
