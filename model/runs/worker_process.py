"""The handle on one training worker process (python -m model.runs.worker FD) and its socket."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import subprocess
import sys
from pathlib import Path

from model.runs.record import RunRecord

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """Started at once; it loads TensorFlow and the digits, then says ("ready", DataInfo)."""

    def __init__(self):
        self.conn, child_end = mp.Pipe(duplex=True)  # a Unix socket pair
        fd = child_end.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "model.runs.worker", str(fd)],
            pass_fds=(fd,),
            cwd=PROJECT_ROOT,
        )
        child_end.close()  # the child holds it now; its exit closes the socket
        self.ready = False  # it said "ready"
        self.used = False  # it was given a job: it exits after that one
        self.run: RunRecord | None = None
        self.cancelled = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def give(self, run: RunRecord) -> None:
        self.run, self.used = run, True
        self.send(("job", run.job))  # read once the worker is warm

    def send(self, message: tuple) -> None:
        with contextlib.suppress(OSError):  # a dead worker is noticed by its reader
            self.conn.send(message)

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.send(("cancel", None))

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
