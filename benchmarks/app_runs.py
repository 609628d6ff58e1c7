"""Driving the app's run manager the way the sidebar does, for the benchmarks.

The sidebar submits a RunJob, then reads a snapshot of the run once a second
(its fragment's rerun) until the run has ended, and collects it.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from model.digits.data import MnistData
from model.files.cards import SHIPPED_NAMES
from model.runs.manager import RunManager
from model.runs.messages import RunJob
from model.runs.view import RunView
from model.training.recipes import Recipe

SIDEBAR_POLL_S = 1.0


def use_data(data: MnistData, folder: Path) -> None:
    """Make workers started from now on train on `data` (through MNIST_PATH)."""
    path = folder / "bench-mnist.npz"
    np.savez(
        path, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test
    )
    os.environ["MNIST_PATH"] = str(path)


def make_job(preset: str, recipe: Recipe, number: int = 1) -> RunJob:
    folder = Path(tempfile.mkdtemp(prefix="cnn-lens-bench-"))
    return RunJob(
        run_id=uuid.uuid4().hex[:12],
        number=number,
        preset=preset,
        recipe=recipe,
        out_path=str(folder / "run.keras"),
        previous_model=SHIPPED_NAMES[0],
        previous_label=SHIPPED_NAMES[0],
    )


def wait_warm(manager: RunManager, timeout_s: float = 600) -> None:
    """Wait until the spare worker has loaded TensorFlow and the digits."""
    deadline = time.monotonic() + timeout_s
    while not manager.spare_ready():
        if time.monotonic() > deadline or manager.data_error():
            raise RuntimeError(f"the worker did not warm up: {manager.data_error()}")
        time.sleep(0.1)


def run_like_the_sidebar(
    manager: RunManager, job: RunJob, session: str = "bench", poll_s: float = SIDEBAR_POLL_S
) -> tuple[RunView, float | None]:
    """Submit, poll like the sidebar, collect. Returns the ended run and the seconds from
    Train to the first progress report seen (at the polling resolution)."""
    pressed = time.perf_counter()
    manager.submit(session, job)
    first = None
    while True:
        manager.heartbeat(session)
        view = manager.view(job.run_id)
        if first is None and view is not None and view.last is not None:
            first = time.perf_counter() - pressed
        if view is None or view.ended:
            break
        time.sleep(poll_s)
    ended = manager.collect(session, job.run_id)
    return ended, first
