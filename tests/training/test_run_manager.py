"""The run manager: a pool of workers, a fair waiting line, Stop, closed tabs and crashed workers.

The rules are tested with worker threads (fast); the worker process itself,
with a crash and a kill, at the end.
"""

import os
import re
import signal
import threading
import time
import uuid

import numpy as np
import pytest

from model.runs.manager import RunManager, RunRefused
from model.runs.messages import FAILED, FINISHED, STOPPED, RunJob
from model.runs.view import STARTING, TRAINING, WAITING
from model.training.recipes import Recipe
from tests.helpers import tiny_mnist

pytestmark = pytest.mark.slow  # worker threads and processes train real runs

WAIT_S = 180  # a worker process loads TensorFlow first: slow on a busy 2-core machine


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """MNIST_PATH at 400 training and 100 test digits, for managers and their workers."""
    data = tiny_mnist(n_train=400, n_test=100)
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    np.savez(
        path, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test
    )
    old = os.environ.get("MNIST_PATH")
    os.environ["MNIST_PATH"] = str(path)
    yield path
    if old is None:
        del os.environ["MNIST_PATH"]
    else:
        os.environ["MNIST_PATH"] = old


def make_job(tmp_path, epochs=1, number=1) -> RunJob:
    run_id = uuid.uuid4().hex[:8]
    return RunJob(
        run_id=run_id,
        number=number,
        preset="seed",
        recipe=Recipe(epochs=epochs, batch_size=16),
        out_path=str(tmp_path / f"{run_id}.keras"),
        previous_model="seed",
        previous_label="seed",
    )


def collected(manager, owner, run_id):
    """The owner's run once it has ended and been handed over, else None."""
    ended = manager.collect(owner, run_id)
    return ended[0] if ended else None


def wait_for(condition, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_one_worker_trains_one_run_under_two_concurrent_requests(tiny_data, tmp_path):
    manager = RunManager(mode="thread", workers=1, max_waiting=1, heartbeat_timeout_s=600)
    jobs = {"ann": make_job(tmp_path, epochs=50), "bob": make_job(tmp_path, epochs=50)}
    views, start = {}, threading.Barrier(2)

    def press_train(session):
        start.wait()
        views[session] = manager.submit(session, jobs[session])

    presses = [threading.Thread(target=press_train, args=(s,)) for s in jobs]
    for press in presses:
        press.start()
    for press in presses:
        press.join()
    statuses = sorted(view.status for view in views.values())
    assert statuses == [STARTING, WAITING]
    waiting = next(v for v in views.values() if v.status == WAITING)
    assert waiting.place == 1 and "number 1 in line" in waiting.status_text()
    assert [v.status for v in manager.activity()] == [STARTING, WAITING]

    with pytest.raises(RunRefused, match="still waiting|still training"):
        manager.submit("ann", make_job(tmp_path))
    with pytest.raises(RunRefused, match="line is full: 1 runs are training and 1 more"):
        manager.submit("cat", make_job(tmp_path))

    first = next(s for s, v in views.items() if v.status == STARTING)
    second = "bob" if first == "ann" else "ann"
    wait_for(lambda: manager.view(jobs[first].run_id).status == TRAINING)
    manager.stop(first, jobs[first].run_id)
    ended = wait_for(lambda: collected(manager, first, jobs[first].run_id))
    assert ended.status == STOPPED and "stopped after 0 of 50 epochs" in ended.status_text()
    # The waiting run moves up and trains.
    wait_for(lambda: manager.view(jobs[second].run_id).status == TRAINING)
    manager.stop(second, jobs[second].run_id)
    wait_for(lambda: collected(manager, second, jobs[second].run_id))
    manager.close()


def test_a_class_waits_in_one_fair_line_with_places_and_waits(tiny_data, tmp_path):
    manager = RunManager(mode="thread", workers=2, max_waiting=60, heartbeat_timeout_s=600)
    students = [f"student-{i}" for i in range(62)]
    jobs = {s: make_job(tmp_path, epochs=50) for s in students}
    for student in students[:62]:
        manager.submit(student, jobs[student])
    # Two train at once; sixty wait, in the order they pressed Train.
    line = manager.activity()
    assert [v.status for v in line[:2]] == [STARTING, STARTING]
    waiting = line[2:]
    assert [v.place for v in waiting] == list(range(1, 61))
    assert [v.job.run_id for v in waiting] == [jobs[s].run_id for s in students[2:]]
    waits = [v.wait_s for v in waiting]
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert re.fullmatch(
        r"waiting: number 60 in line \(starts in about .+\)", line[-1].status_text()
    )
    with pytest.raises(RunRefused, match="line is full: 2 runs are training and 60 more"):
        manager.submit("late", make_job(tmp_path))
    # One run per student: a second press waits for the first to end.
    with pytest.raises(RunRefused, match="still waiting"):
        manager.submit(students[10], make_job(tmp_path))
    # A waiting student who gives up leaves the line; everyone behind moves up.
    manager.stop(students[2], jobs[students[2]].run_id)
    assert manager.view(jobs[students[3]].run_id).place == 1
    for student in reversed(students):
        manager.stop(student, jobs[student].run_id)
    for student in students[:2]:
        wait_for(lambda s=student: collected(manager, s, jobs[s].run_id))
    manager.close()


class FakeClock:
    """The manager's clock for heartbeats: it moves only when a test moves it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_run_whose_tab_stopped_beating_is_stopped(tiny_data, tmp_path):
    clock = FakeClock()
    # No watchdog thread: the test makes it look, so "it looked and let the run be" is known.
    manager = RunManager(
        mode="thread", workers=1, heartbeat_timeout_s=45, clock=clock, watch_every_s=None
    )
    ann, bob = make_job(tmp_path, epochs=50), make_job(tmp_path, epochs=50)
    manager.submit("ann", ann)
    manager.submit("bob", bob)  # waits in line behind ann's
    wait_for(lambda: manager.view(ann.run_id).status == TRAINING)
    # 40 s of silence: still within the timeout, the run goes on.
    clock.now += 40
    manager.watch_once()
    assert manager.view(ann.run_id).status == TRAINING
    assert manager.view(ann.run_id).stop_reason is None
    # Bob's tab beats (its sidebar ticks while a run is on); ann's has gone quiet.
    manager.heartbeat("bob")
    clock.now += 10
    manager.watch_once()
    ended = wait_for(lambda: collected(manager, "ann", ann.run_id), timeout=30)
    assert ended.status == STOPPED
    assert ended.stop_reason == "this browser tab stopped answering, as when it is closed"
    assert re.fullmatch(
        r"stopped after \d+ of 50 epochs \(this browser tab .*\)", ended.status_text()
    )
    # Bob's run, still wanted, moves up and trains.
    wait_for(lambda: manager.view(bob.run_id).status == TRAINING)
    manager.heartbeat("bob")
    manager.stop("bob", bob.run_id)
    wait_for(lambda: collected(manager, "bob", bob.run_id))
    manager.close()


def test_a_waiting_run_whose_tab_closed_leaves_the_line(tiny_data, tmp_path):
    clock = FakeClock()
    manager = RunManager(
        mode="thread", workers=1, heartbeat_timeout_s=45, clock=clock, watch_every_s=None
    )
    ann, bob = make_job(tmp_path, epochs=50), make_job(tmp_path, epochs=50)
    manager.submit("ann", ann)
    manager.submit("bob", bob)
    clock.now += 30
    manager.heartbeat("ann")  # ann's tab is open; bob's, waiting, has gone quiet
    clock.now += 16
    manager.watch_once()
    ended = wait_for(lambda: collected(manager, "bob", bob.run_id), timeout=30)
    assert ended.status == STOPPED and ended.end.train_seconds == 0
    assert [v.job.run_id for v in manager.activity()] == [ann.run_id]
    manager.stop("ann", ann.run_id)
    wait_for(lambda: collected(manager, "ann", ann.run_id))
    manager.close()


@pytest.fixture(scope="module")
def clock():
    return FakeClock()


@pytest.fixture(scope="module")
def process_manager(tiny_data, clock):
    # Two warm workers, each replaced by a fresh one after two runs.
    manager = RunManager(mode="process", workers=2, runs_per_worker=2, clock=clock)
    yield manager
    manager.close()


@pytest.fixture
def fresh_process_manager(tiny_data):
    """The shared manager's workers may have trained runs of other tests already, and a
    worker that reaches its second run is replaced: this test counts from none."""
    manager = RunManager(mode="process", workers=2, runs_per_worker=2, clock=FakeClock())
    yield manager
    manager.close()


def test_warm_workers_train_run_after_run_and_are_replaced(fresh_process_manager, tmp_path):
    manager = fresh_process_manager
    info = wait_for(manager.data_info)
    assert info.words == "MNIST from MNIST_PATH" and info.train_digits == 400
    wait_for(lambda: manager.idle_workers() == 2)
    job = make_job(tmp_path)
    manager.submit("ann", job)
    pid = manager.worker_pid(job.run_id)
    ended = wait_for(lambda: collected(manager, "ann", job.run_id))
    assert ended.status == FINISHED and ended.end.evaluation.test_accuracy > 0
    assert os.path.exists(ended.end.model_path)
    assert ended.batch_loss and ended.epochs[0].val_accuracy is not None
    # Train pressed again: a warm worker takes it at once, no TensorFlow to load; the one
    # that trained the first run comes first.
    again = make_job(tmp_path, number=2)
    manager.submit("ann", again)
    assert manager.worker_pid(again.run_id) == pid
    assert wait_for(lambda: collected(manager, "ann", again.run_id)).status == FINISHED
    # After its second run it exits (its memory goes back to the OS); a fresh one warms up.
    assert wait_for(lambda: _exited(pid))
    wait_for(lambda: len(manager.worker_pids()) == 2 and pid not in manager.worker_pids())


def test_two_runs_train_at_once_on_two_workers(process_manager, tmp_path):
    manager = process_manager
    wait_for(lambda: manager.idle_workers() == 2)
    ann, bob = make_job(tmp_path, epochs=50), make_job(tmp_path, epochs=50)
    manager.submit("ann", ann)
    manager.submit("bob", bob)
    wait_for(lambda: manager.view(ann.run_id).status == TRAINING, timeout=WAIT_S)
    wait_for(lambda: manager.view(bob.run_id).status == TRAINING, timeout=WAIT_S)
    assert manager.worker_pid(ann.run_id) != manager.worker_pid(bob.run_id)
    manager.stop("ann", ann.run_id)
    manager.stop("bob", bob.run_id)
    assert wait_for(lambda: collected(manager, "ann", ann.run_id)).status == STOPPED
    assert wait_for(lambda: collected(manager, "bob", bob.run_id)).status == STOPPED


def test_killed_worker_ends_the_run_as_failed(process_manager, tmp_path):
    manager = process_manager
    job = make_job(tmp_path, epochs=50)
    manager.submit("ann", job)
    wait_for(lambda: manager.view(job.run_id).status == TRAINING)
    os.kill(manager.worker_pid(job.run_id), signal.SIGKILL)
    ended = wait_for(lambda: collected(manager, "ann", job.run_id))
    assert ended.status == FAILED
    assert "the training process was killed (SIGKILL)" in ended.status_text()
    # The next run starts on a fresh worker, and Stop ends it.
    job = make_job(tmp_path, epochs=50)
    manager.submit("ann", job)
    wait_for(lambda: manager.view(job.run_id).status == TRAINING)
    manager.stop("ann", job.run_id)
    ended = wait_for(lambda: collected(manager, "ann", job.run_id))
    assert ended.status == STOPPED and ended.end.model_path is None
    assert ended.status_text() == "stopped after 0 of 50 epochs (you pressed Stop)"
    assert ended.end.train_seconds > 0, "the worker stopped itself; it was not killed"


def test_closed_tab_stops_its_run_within_a_batch(process_manager, clock, tmp_path):
    """The watchdog thread itself: nothing but it stops this run."""
    manager = process_manager
    wait_for(manager.spare_ready)
    job = make_job(tmp_path, epochs=50)
    manager.submit("ann", job)
    wait_for(lambda: manager.view(job.run_id).status == TRAINING)
    pid = manager.worker_pid(job.run_id)
    clock.now += manager.heartbeat_timeout_s + 1  # ann's tab sent nothing since Train
    ended = wait_for(lambda: collected(manager, "ann", job.run_id), timeout=60)
    assert ended.status == STOPPED
    assert ended.end.train_seconds > 0, "the worker stopped itself within a batch"
    # The worker stopped the run within a batch and stays warm for the next one.
    assert not _exited(pid) and pid in manager.worker_pids()


def _exited(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
