"""Worker thread or worker process? The three properties that decide, measured for both.

For each mode a fresh Python process plays the server with the app's run
manager and the bundled sample (2,000 training digits, 1 epoch per run):
- start: Train -> first progress report, for a first and a second run (the
  process mode's spare worker is warm; the thread mode imports TensorFlow
  into the server on its first run);
- memory: the server's RSS after each of three runs;
- a native crash in the middle of a batch: process mode gets SIGSEGV in its
  worker; thread mode dereferences a null pointer on its training thread.
  Does the run end as "failed" and does the server live on?

    python benchmarks/thread_vs_process.py

Last line: {"process": {...}, "thread": {...}}.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.app_runs import make_job, run_like_the_sidebar, use_data, wait_warm  # noqa: E402
from benchmarks.retrain_memory import rss_mb  # noqa: E402
from model.digits.data import MnistData, load_mnist  # noqa: E402
from model.runs.manager import RunManager  # noqa: E402
from model.training.recipes import Recipe  # noqa: E402


def child(mode: str) -> None:
    full = load_mnist(allow_download=False)
    data = MnistData(full.x_train[:2000], full.y_train[:2000], full.x_test, full.y_test, "bench")
    use_data(data, Path(tempfile.mkdtemp(prefix="cnn-lens-bench-")))
    manager = RunManager(mode=mode)
    starts, rss = [], [round(rss_mb(), 1)]
    for number in (1, 2, 3):
        if mode == "process":
            wait_warm(manager)
        ended, first = run_like_the_sidebar(
            manager, make_job("seed", Recipe(epochs=1, seed=number), number), poll_s=0.05
        )
        assert ended.status == "finished", ended.status_text()
        starts.append(round(first, 2))
        rss.append(round(rss_mb(), 1))
    result = {"first_update_s": starts[:2], "rss_mb_start_then_after_runs": rss}
    print(json.dumps(result), flush=True)  # before the crash, which may end this process

    if mode == "process":
        wait_warm(manager)
    job = make_job("seed", Recipe(epochs=50), 9)
    manager.submit("bench", job)
    while (view := manager.view(job.run_id)).last is None or view.last.batch < 3:
        time.sleep(0.05)
    if mode == "process":
        os.kill(manager.worker_pid(), signal.SIGSEGV)
    else:
        manager._on_message = lambda *args: ctypes.string_at(0)  # the next report segfaults
    while not (view := manager.view(job.run_id)).ended:
        time.sleep(0.1)
    print(json.dumps({"crash": view.status_text(), "server_alive": True}), flush=True)
    manager.close()


def main() -> None:
    results = {}
    for mode in ("process", "thread"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode], capture_output=True, text=True
        )
        lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
        result = {k: v for line in lines for k, v in line.items()}
        if "crash" not in result:
            result["crash"] = f"the server process died (exit code {done.returncode})"
            result["server_alive"] = False
        results[mode] = result
        print(f"{mode}: {result}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
