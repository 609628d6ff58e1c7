"""Runs on RQ and Redis: a real redis-server, real queue worker processes, real training.

Needs Debian's redis-server (`make test` and .ci/run install it) and the rq and
redis packages of requirements.txt. Every process started here is stopped by
its pid.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from model.runs.messages import FAILED, FINISHED, STOPPED, RunJob
from model.runs.view import TRAINING
from model.training.recipes import Recipe
from tests.helpers import tiny_mnist

pytest.importorskip("rq", reason="rq is in requirements.txt")
pytestmark = pytest.mark.slow  # starts Redis and workers that load TensorFlow

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
WAIT_S = 240


def wait_for(condition, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        if not Path(REDIS_SERVER).exists():
            pytest.fail("redis-server not found: install Debian's redis-server")
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), timeout=20)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    server = Redis(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def data_path(tmp_path_factory):
    data = tiny_mnist(n_train=400, n_test=100)
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    np.savez(
        path, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test
    )
    return path


class Workers:
    """Queue worker processes (python -m model.runs.queue_worker URL), stopped by pid."""

    def __init__(self, url: str, data_path: Path):
        self.url, self.env = url, {**os.environ, "MNIST_PATH": str(data_path)}
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "model.runs.queue_worker", self.url], cwd=ROOT, env=self.env
        )
        self.processes.append(process)
        return process

    def running(self) -> list[subprocess.Popen]:
        return [process for process in self.processes if process.poll() is None]

    def at_least_one(self) -> None:
        """A worker taking runs, whatever the tests before this one left."""
        if not self.running():
            self.start()

    def stop_all(self) -> None:
        for process in self.running():
            process.kill()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def workers(redis, data_path):
    started = Workers(f"redis://127.0.0.1:{redis.port}/0", data_path)
    yield started
    started.stop_all()


@pytest.fixture(scope="module")
def manager(redis, workers):
    from model.runs.queue_manager import QueueRunManager

    made = QueueRunManager(workers.url, heartbeat_timeout_s=3600)
    yield made
    made.close()


def make_job(tmp_path, epochs=1, train_size=None) -> RunJob:
    run_id = os.urandom(6).hex()
    return RunJob(
        run_id=run_id,
        number=1,
        preset="seed",
        recipe=Recipe(epochs=epochs, batch_size=16, train_size=train_size),
        out_path=str(tmp_path / f"{run_id}.keras"),  # a folder every server and worker shares
        previous_model="seed",
        previous_label="seed",
    )


def collected(manager, owner, run_id):
    ended = manager.collect(owner, run_id)
    return ended[0] if ended else None


def test_a_queue_worker_trains_one_epoch(manager, workers, tmp_path):
    workers.at_least_one()
    info = wait_for(manager.data_info)
    assert info.words == "MNIST from MNIST_PATH"
    job = make_job(tmp_path)
    manager.submit("ann", job)
    ended = wait_for(lambda: collected(manager, "ann", job.run_id))
    assert ended.status == FINISHED, ended.status_text()
    assert ended.end.evaluation.test_accuracy > 0 and ended.epochs[0].val_accuracy is not None
    assert Path(ended.end.model_path).exists()


def test_stop_ends_a_queued_run_within_a_batch(manager, workers, tmp_path):
    workers.at_least_one()
    job = make_job(tmp_path, epochs=50)
    manager.submit("amy", job)
    wait_for(lambda: manager.view(job.run_id).status == TRAINING)
    stop_pressed = time.monotonic()
    manager.stop("amy", job.run_id)
    ended = wait_for(lambda: collected(manager, "amy", job.run_id), timeout=60)
    assert ended.status == STOPPED and ended.end.train_seconds > 0
    print(f"Stop -> run ended through Redis: {time.monotonic() - stop_pressed:.2f} s")


def test_a_killed_queue_worker_fails_its_run_and_the_app_goes_on(manager, workers, tmp_path):
    workers.at_least_one()
    job = make_job(tmp_path, epochs=50)
    manager.submit("bob", job)
    wait_for(lambda: manager.view(job.run_id).status == TRAINING)
    for process in workers.running():
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
    ended = wait_for(lambda: collected(manager, "bob", job.run_id), timeout=60)
    assert ended.status == FAILED
    assert "training worker stopped answering" in ended.status_text()
    assert manager.data_error() is None, "the app keeps serving"


def test_a_restarted_redis_is_said_in_words_and_its_lost_runs_queued_again(
    manager, redis, workers, tmp_path
):
    # No worker: the run waits in the queue when Redis goes down.
    workers.stop_all()
    job = make_job(tmp_path)
    manager.submit("cat", job)
    assert manager.view(job.run_id).place == 1
    redis.stop()
    error = wait_for(manager.data_error, timeout=30)
    assert error.startswith("The training queue (Redis) is not answering")
    with pytest.raises(Exception, match="not answering"):
        manager.submit("dan", make_job(tmp_path))
    redis.start()  # empty: it keeps nothing on disk
    wait_for(lambda: manager.data_error() is None, timeout=30)
    assert manager.view(job.run_id).place == 1, "queued again"
    workers.start()
    ended = wait_for(lambda: collected(manager, "cat", job.run_id))
    assert ended.status == FINISHED, ended.status_text()


def test_a_waiting_run_is_told_its_wait_from_every_servers_runs_ahead(redis, tmp_path):
    from rq import Queue, Worker

    from model.runs.estimate import Pace
    from model.runs.queue_manager import PACE_KEY, QueueRunManager
    from model.runs.queue_worker import QUEUE_NAME

    # Two app servers on database 1: a line of their own, with one worker that is
    # registered but takes no run (with no worker at all, no wait is estimated).
    url = f"redis://127.0.0.1:{redis.port}/1"
    first, second = (QueueRunManager(url, heartbeat_timeout_s=3600) for _ in range(2))
    first.redis.flushdb()
    idle = Worker([Queue(QUEUE_NAME, connection=first.redis)], connection=first.redis)
    ahead = make_job(tmp_path, epochs=5, train_size=1000)
    behind = [make_job(tmp_path, epochs=1, train_size=1000) for _ in range(2)]
    try:
        first.submit("ann", ahead)
        first.poll_once()
        assert first.view(ahead.run_id).wait_s is None, "no worker: no estimate"
        idle.register_birth()
        second.submit("bob", behind[0])
        second.submit("cat", behind[1])
        # The second server knows the first one's run only from Redis.
        pace = Pace()  # no run has ended yet: the prior pace
        ahead_s = pace.seconds_for("seed", 5000)
        waits = [ahead_s, ahead_s + pace.seconds_for("seed", 1000)]
        views = wait_for(lambda: _waiting_views(second, behind), timeout=30)
        assert [v.place for v in views] == [2, 3]
        assert [v.wait_s for v in views] == pytest.approx(waits)
        assert re.fullmatch(
            r"waiting: number 2 in line \(starts in about 10 s\)", views[0].status_text()
        )
        # A pace measured on another server, shared through Redis, is used at once.
        first.redis.set(PACE_KEY, json.dumps({"per_digit_epoch": {"seed": 0.01}, "overhead": 1.0}))
        shared = 1.0 + 0.01 * 5000
        wait_for(lambda: (_waiting_views(second, behind) or [views[0]])[0].wait_s == shared, 30)
    finally:
        for manager, owner, job in [(first, "ann", ahead), (second, "bob", behind[0])]:
            manager.stop(owner, job.run_id)
        second.stop("cat", behind[1].run_id)
        idle.register_death()
        first.close()
        second.close()
        first.redis.flushdb()


def _waiting_views(manager, jobs):
    views = [manager.view(job.run_id) for job in jobs]
    return views if all(v.wait_s is not None for v in views) else None
