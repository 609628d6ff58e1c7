"""The run manager for several app servers: runs go to RQ on Redis, trained by queue workers.

Chosen by one setting, CNN_LENS_REDIS_URL (components/training/run_store.py);
without it the local pool (manager.py) is the app's own. It offers the same
calls as RunManager, so the sidebar cannot tell them apart. RQ keeps the line
(one queue, first in first out, shared by every server); Redis carries each
run's messages, its stop flag and its worker's "alive" mark
(model/runs/queue_worker.py). This server keeps the runs its own users
submitted (sticky sessions bring a browser back to the same server) and reads
their messages four times a second.

A waiting run's estimated wait comes from every server's runs ahead of it in
the line (each run's "plan", its preset and digit-epochs, is a Redis key set
when it is queued), the runs training now (this server's from their views,
another server's from its last message) and the pace of runs so far, shared
through Redis by every server (estimate.py).

When Redis does not answer, the sidebar says so in words and Train is refused;
when it is back, runs whose queued job was lost with it (a Redis restarted
without persistence) are queued again, in their order.
"""

from __future__ import annotations

import json
import pickle
import threading
import time
from collections.abc import Callable

from model.runs.estimate import Pace, line_waits, recipe_digit_epochs
from model.runs.manager import MAX_WAITING, RunRefused
from model.runs.messages import FAILED, FINISHED, STOPPED, DataInfo, Progress, RunEnd, RunJob
from model.runs.queue_worker import DATA_KEY, QUEUE_NAME, run_key, train_job
from model.runs.record import RunRecord, hand_over
from model.runs.view import WAITING, RunView
from model.runs.watchdog import HEARTBEAT_TIMEOUT_S, TAB_CLOSED

POLL_S = 0.25
# A run whose worker's "alive" mark has been gone this long has failed: the worker
# was killed or its machine went away.
SILENT_WORKER_S = 8.0
JOB_TIMEOUT_S = 4 * 3600
DOWN = "The training queue (Redis) is not answering"
PACE_KEY = "cnn-lens:pace"  # the shared averages of estimate.Pace, as JSON
# A queued run whose plan is unknown (queued by an older server) counts as a run of
# the seed preset's own recipe on all the digits.
UNKNOWN_PLAN = ("seed", 5 * 50_000)


class QueueRunManager:
    def __init__(
        self,
        redis_url: str,
        *,
        heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
        poll_s: float = POLL_S,
    ):
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(redis_url, socket_timeout=3, socket_connect_timeout=2)
        self._queue = Queue(QUEUE_NAME, connection=self.redis)
        self.heartbeat_timeout_s, self._clock = heartbeat_timeout_s, clock
        self._lock = threading.RLock()
        self._runs: dict[str, RunRecord] = {}  # this server's active runs, by run id
        self._ended: dict[str, RunRecord] = {}
        self._seen: dict[str, int] = {}  # run id -> messages read
        self._silent_since: dict[str, float] = {}
        self._line: list[str] = []  # the queue's job ids, every server's
        self._beats: dict[str, float] = {}
        self._data: DataInfo | None = None
        self._error: str | None = None
        self.workers = 1
        self._pace = Pace()
        self._pace_learned = False  # this server learned from a run: share it
        self._waits: dict[str, float] = {}  # this server's waiting runs: seconds until they start
        self._closed = threading.Event()
        threading.Thread(target=self._poll_forever, args=(poll_s,), daemon=True).start()

    # --- what sessions call (as RunManager) ----------------------------------------------
    def data_info(self) -> DataInfo | None:
        with self._lock:
            return self._data

    def data_error(self) -> str | None:
        with self._lock:
            return self._error

    def submit(self, owner: str, job: RunJob) -> RunView:
        with self._lock:
            self._beats[owner] = self._clock()
            if any(r.session_id == owner for r in self._runs.values()):
                raise RunRefused("Your previous run is still on: stop it first, or wait.")
            if self._error:
                raise RunRefused(f"{self._error}: try again in a moment.")
            if len(self._line) >= MAX_WAITING:
                raise RunRefused(
                    f"The line is full: {len(self._line)} runs are waiting, the most the "
                    "training queue keeps. Try again in a few minutes."
                )
            run = RunRecord(job, owner)
            self._runs[job.run_id] = run
            try:
                self._enqueue(job)
            except Exception as err:  # noqa: BLE001 - any Redis trouble, said in words
                del self._runs[job.run_id]
                raise RunRefused(f"{DOWN} ({type(err).__name__}): try again in a moment.") from err
            self._line.append(job.run_id)
            return self._view(run)

    def stop(self, owner: str, run_id: str, reason: str = "you pressed Stop") -> None:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.session_id != owner or run.stop_requested is not None:
                return
            run.stop_requested, run.stop_reason = self._clock(), reason
            try:
                self.redis.set(run_key(run_id, "stop"), 1, ex=JOB_TIMEOUT_S)
                if run.status == WAITING:
                    from rq.job import Job

                    Job.fetch(run_id, connection=self.redis).cancel()
            except Exception:  # noqa: BLE001 - the poll retries; the flag is read later
                pass
            if run.status == WAITING:
                self._finish(run, RunEnd(STOPPED))

    def view(self, run_id: str) -> RunView | None:
        with self._lock:
            run = self._runs.get(run_id) or self._ended.get(run_id)
            return self._view(run) if run else None

    def active_of(self, owner: str) -> RunView | None:
        with self._lock:
            run = next((r for r in self._runs.values() if r.session_id == owner), None)
            return self._view(run) if run else None

    def collect(self, owner: str, run_id: str | None = None) -> list[RunView]:
        with self._lock:
            mine = [
                r
                for r in self._ended.values()
                if r.session_id == owner and run_id in (None, r.job.run_id)
            ]
            for run in mine:
                del self._ended[run.job.run_id]
            return [self._view(r) for r in sorted(mine, key=lambda r: r.ended_at or 0)]

    def activity(self) -> list[RunView]:
        with self._lock:
            return [self._view(run) for run in self._runs.values()]

    def heartbeat(self, owner: str) -> None:
        with self._lock:
            self._beats[owner] = self._clock()

    def hand_over(self, old: str, new: str) -> None:
        """`old`'s runs become `new`'s (a session's, once its browser is known)."""
        with self._lock:
            hand_over([*self._runs.values(), *self._ended.values()], self._beats, old, new)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            for run in list(self._runs.values()):
                self.stop(run.session_id, run.job.run_id, "the server is shutting down")

    # --- internals -------------------------------------------------------------------
    def _enqueue(self, job: RunJob) -> None:
        trainable = self._data.trainable_digits if self._data else None
        plan = {"preset": job.preset, "digit_epochs": recipe_digit_epochs(job.recipe, trainable)}
        self.redis.set(run_key(job.run_id, "plan"), json.dumps(plan), ex=JOB_TIMEOUT_S)
        self._queue.enqueue(
            train_job,
            job,
            job_id=job.run_id,
            job_timeout=JOB_TIMEOUT_S,
            result_ttl=600,
            failure_ttl=3600,
        )

    def _view(self, run: RunRecord) -> RunView:
        place = None
        if run.status == WAITING and run.job.run_id in self._line:
            place = self._line.index(run.job.run_id) + 1
        description = self._data.test_description if self._data else None
        wait = self._waits.get(run.job.run_id) if place is not None else None
        return run.view(place, self._data is not None, description, wait)

    def _finish(self, run: RunRecord, end: RunEnd) -> None:
        run.finish(end)
        self._runs.pop(run.job.run_id, None)
        self._seen.pop(run.job.run_id, None)
        self._ended[run.job.run_id] = run
        self._waits.pop(run.job.run_id, None)
        self._pace.learn(self._view(run), self._data.trainable_digits if self._data else None)
        self._pace_learned |= run.status == FINISHED

    def _poll_forever(self, every_s: float) -> None:
        while not self._closed.wait(every_s):
            try:
                self.poll_once()
            except Exception as err:  # noqa: BLE001 - Redis away: said in words, retried
                with self._lock:
                    self._error = f"{DOWN} ({type(err).__name__})"

    def poll_once(self) -> None:
        """Read every active run's new messages, the line, the workers; recover lost jobs."""
        from rq import Worker
        from rq.job import Job

        line = self._queue.get_job_ids()
        workers = Worker.count(queue=self._queue)
        raw = self.redis.get(DATA_KEY)
        with self._lock:
            recovering = self._error is not None
            self._error, self._line, self.workers = None, line, max(1, workers)
            if raw and self._data is None:
                self._data = pickle.loads(raw)
            self._check_owners()
            for run_id, run in list(self._runs.items()):
                self._read(run_id, run)
                if run.ended:
                    continue
                if run.status == WAITING and run_id not in line:
                    if recovering and not Job.exists(run_id, connection=self.redis):
                        self._enqueue(run.job)  # lost with a restarted Redis: queued again
                        self._line.append(run_id)
                    continue
                self._check_alive(run_id, run)
            waiting = any(run.status == WAITING for run in self._runs.values())
        self._share_pace()
        if waiting:
            # With no worker at all, nobody knows when one comes: no estimate is said.
            waits = self._estimate_waits(line) if workers else {}
            with self._lock:
                self._waits = waits

    def _share_pace(self) -> None:
        """This server's newest pace goes to Redis; otherwise it takes the shared one."""
        with self._lock:
            learned, self._pace_learned = self._pace_learned, False
        if learned:
            self.redis.set(PACE_KEY, json.dumps(self._pace.state()))
        elif raw := self.redis.get(PACE_KEY):
            self._pace.adopt(json.loads(raw))

    def _estimate_waits(self, line: list[str]) -> dict[str, float]:
        """Seconds until each queued run starts, by run id: every server's runs ahead of it."""
        from rq.registry import StartedJobRegistry

        training = StartedJobRegistry(queue=self._queue).get_job_ids()
        if not training + line:
            return {}
        plans = self.redis.mget([run_key(run_id, "plan") for run_id in training + line])
        plans = [_plan(raw) for raw in plans]
        busy = [
            self._seconds_left(run_id, plan) for run_id, plan in zip(training, plans, strict=False)
        ]
        costs = [self._pace.seconds_for(*plan) for plan in plans[len(training) :]]
        return dict(zip(line, line_waits(busy, costs, self.workers), strict=True))

    def _seconds_left(self, run_id: str, plan: tuple[str, int]) -> float:
        """Of a run training now: this server's from its view, another's from its last message."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is not None:
                trainable = self._data.trainable_digits if self._data else None
                return self._pace.remaining_seconds(self._view(run), trainable)
        last = self.redis.lindex(run_key(run_id, "events"), -1)
        kind, payload = pickle.loads(last) if last else ("status", "starting")
        if kind == "end":
            return 0.0
        if kind == "progress" and isinstance(payload, Progress) and payload.fraction > 0:
            rate = payload.elapsed_s / payload.fraction
            return max(0.0, rate * (1 - payload.fraction)) + self._pace.overhead_s
        if kind == "status" and payload == "evaluating":
            return self._pace.overhead_s
        return self._pace.seconds_for(*plan)

    def _read(self, run_id: str, run: RunRecord) -> None:
        start = self._seen.get(run_id, 0)
        messages = self.redis.lrange(run_key(run_id, "events"), start, -1)
        self._seen[run_id] = start + len(messages)
        for raw in messages:
            kind, payload = pickle.loads(raw)
            if kind == "end":
                self._finish(run, payload)
                return
            if run.status == WAITING:
                run.started_at = time.time()
            run.apply(kind, payload)

    def _check_alive(self, run_id: str, run: RunRecord) -> None:
        if run.status == WAITING or self.redis.exists(run_key(run_id, "alive")):
            self._silent_since.pop(run_id, None)
            return
        since = self._silent_since.setdefault(run_id, self._clock())
        if self._clock() - since > SILENT_WORKER_S:
            reason = "the training worker stopped answering (it was killed, or its machine left)"
            end = RunEnd(FAILED, reason=reason, epochs_done=len(run.epochs))
            self._finish(run, end if run.stop_requested is None else RunEnd(STOPPED))

    def _check_owners(self) -> None:
        now = self._clock()
        for run in list(self._runs.values()):
            if now - self._beats.get(run.session_id, now) > self.heartbeat_timeout_s:
                self.stop(run.session_id, run.job.run_id, TAB_CLOSED)


def _plan(raw: bytes | None) -> tuple[str, int]:
    """(preset, digit-epochs) of a queued run, from its Redis key."""
    try:
        plan = json.loads(raw)
        return str(plan["preset"]), int(plan["digit_epochs"])
    except (TypeError, ValueError, KeyError):
        return UNKNOWN_PLAN
