"""A training worker on RQ and Redis, for deployments with several app servers.

    python -m model.runs.queue_worker redis://host:6379/0

It warms up as the local workers do (TensorFlow, the digits, a traced model of
each preset), says which digits it trains on (a Redis key the app servers
read), then runs RQ's SimpleWorker on the "cnn-lens" queue: jobs run in this
warm process, one at a time, not in a freshly forked one. Each job is
`train_job(RunJob)`; it reports through Redis keys, one list of messages per
run (the same messages a local worker sends over its socket), reads a stop flag
after every batch, and keeps an "alive" key fresh while it trains, so an app
server learns within seconds that a killed worker's run has failed. Models are
written to the run's out_path: a folder every app server and worker shares.
"""

from __future__ import annotations

import pickle
import sys
import threading
from typing import Any

from model.runs.messages import DataInfo, RunJob
from model.runs.worker import WORKER_NICENESS, execute, load_data, reason_for_people

QUEUE_NAME = "cnn-lens"
DATA_KEY = "cnn-lens:data"  # pickled DataInfo of the workers' digits
EVENTS_TTL_S = 3600  # a run's messages are kept this long after its last one
ALIVE_TTL_S = 5  # the "alive" key expires this long after a worker stops answering
ALIVE_EVERY_S = 1.0

_warm: dict[str, Any] = {}  # this process's digits and ready models, once warm


def run_key(run_id: str, what: str) -> str:
    """The Redis key of one run's "events" (a list), "stop" flag or "alive" mark."""
    return f"cnn-lens:run:{run_id}:{what}"


def warm_up() -> None:
    """Import TensorFlow, load the digits and trace the presets, once per process."""
    if _warm:
        return
    from model.training.distribute import make_strategy
    from model.training.ready_models import ReadyModels

    data = load_data()
    ready = ReadyModels(make_strategy("auto"))
    ready.prepare()
    _warm.update(data=data, ready=ready)


def train_job(job: RunJob) -> str:
    """What the RQ worker runs for one press of Train; the run's end is its last message."""
    from rq import get_current_job

    redis = get_current_job().connection
    warm_up()
    events, stop, alive = (run_key(job.run_id, what) for what in ("events", "stop", "alive"))
    cancel, done = threading.Event(), threading.Event()

    def emit(message: tuple) -> None:
        redis.rpush(events, pickle.dumps(message))
        redis.expire(events, EVENTS_TTL_S)
        if redis.exists(stop):  # read after every batch: Stop ends the run within one
            cancel.set()

    def keep_alive() -> None:
        while not done.wait(ALIVE_EVERY_S):
            try:
                redis.set(alive, 1, ex=ALIVE_TTL_S)
                if redis.exists(stop):
                    cancel.set()
            except Exception:  # noqa: BLE001 - Redis away for a moment: try again
                pass

    redis.set(alive, 1, ex=ALIVE_TTL_S)
    threading.Thread(target=keep_alive, daemon=True).start()
    try:
        execute(job, _warm["data"], emit, cancel, _warm["ready"])
    finally:
        done.set()
        redis.delete(alive)
    return job.run_id


def main(redis_url: str) -> None:
    import os

    from redis import Redis
    from rq import Queue, SimpleWorker

    os.nice(WORKER_NICENESS)
    redis = Redis.from_url(redis_url)
    try:
        warm_up()
    except Exception as err:  # noqa: BLE001 - say why, in the worker's log
        sys.exit(f"the training worker could not start: {reason_for_people(err)}")
    redis.set(DATA_KEY, pickle.dumps(DataInfo.of(_warm["data"])))
    SimpleWorker([Queue(QUEUE_NAME, connection=redis)], connection=redis).work(with_scheduler=False)


if __name__ == "__main__":
    main(sys.argv[1])
