"""The handle on one training worker process (python -m model.runs.worker FD), and the pool's size."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import subprocess
import sys
from pathlib import Path

from model.runs.record import RunRecord
from model.runs.worker import RUNS_PER_WORKER, RUNS_PER_WORKER_ENV

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS_ENV = "CNN_LENS_WORKERS"
# A warm worker holds TensorFlow, the digits and a traced model of each preset:
# about 0.8 GB resident, 1.1 GB at the peak of a robust run. The pool leaves
# this much of the machine's memory to the app server and everything else.
WORKER_BYTES = 1.2 * 2**30
RESERVED_BYTES = 4 * 2**30
MAX_DEFAULT_WORKERS = 8


def pool_size() -> int:
    """CNN_LENS_WORKERS if set, else one worker per core, as many as the memory holds.

    A 2-core, 24 GB machine gets 2: two runs train at once, about 1.6 GB in all.
    """
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise ValueError(f"{WORKERS_ENV} must be a whole number, not {value!r}") from None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = RESERVED_BYTES + 2 * WORKER_BYTES
    by_memory = int((memory - RESERVED_BYTES) // WORKER_BYTES)
    return max(1, min(cores or 1, by_memory, MAX_DEFAULT_WORKERS))


class WorkerProcess:
    """Started at once; it loads TensorFlow and the digits, then says ("ready", DataInfo)."""

    def __init__(self, runs_per_worker: int | None = None):
        self.conn, child_end = mp.Pipe(duplex=True)  # a Unix socket pair
        fd = child_end.fileno()
        self.runs_per_worker = runs_per_worker or int(
            os.environ.get(RUNS_PER_WORKER_ENV) or RUNS_PER_WORKER
        )
        env = {**os.environ, RUNS_PER_WORKER_ENV: str(self.runs_per_worker)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "model.runs.worker", str(fd)],
            pass_fds=(fd,),
            cwd=PROJECT_ROOT,
            env=env,
        )
        child_end.close()  # the child holds it now; its exit closes the socket
        self.ready = False  # it said "ready"
        self.runs_given = 0  # it exits after runs_per_worker of them
        self.run: RunRecord | None = None  # the run it trains now

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def free(self) -> bool:
        """Training nothing, and not on its way out: it can take a job (read once warm)."""
        return self.run is None and self.runs_given < self.runs_per_worker

    @property
    def idle(self) -> bool:
        """Warm and free: a job given to it starts training at once."""
        return self.ready and self.free

    def give(self, run: RunRecord) -> None:
        self.run, self.runs_given = run, self.runs_given + 1
        self.send(("job", run.job))

    def send(self, message: tuple) -> None:
        with contextlib.suppress(OSError):  # a dead worker is noticed by its reader
            self.conn.send(message)

    def cancel(self, run_id: str) -> None:
        self.send(("cancel", run_id))

    def kill(self) -> None:
        self.process.kill()


def exit_words(exitcode: int | None) -> str:
    """Why a worker ended, for people: "the training process was killed (SIGKILL)"."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the training process was killed ({name})"
    return f"the training process ended unexpectedly (exit code {exitcode})"
