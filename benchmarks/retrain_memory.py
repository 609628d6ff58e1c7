"""Does the server's memory grow with every retrain? Five retrains the way the sidebar runs them.

This process plays the server: it holds the app's run manager (mode "process",
as the app) and, like the sidebar, submits a run, reads its snapshot once a
second, and collects the result, which is kept as the session keeps it. The
resident memory (RSS) of this process is printed after each run. With
--mode thread the runs train in a thread of this process instead, for comparison.

    python benchmarks/retrain_memory.py [--runs 5] [--digits 2000] [--mode process]

Last line: {"rss_mb": [...], "growth_mb": ...}: growth from the end of run 1 to the
end of the last run. Target: under 150 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.app_runs import make_job, run_like_the_sidebar, use_data, wait_warm  # noqa: E402
from model.digits.data import MnistData, load_mnist  # noqa: E402
from model.runs.manager import RunManager  # noqa: E402
from model.training.recipes import Recipe  # noqa: E402


def rss_mb(pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--digits", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--mode", choices=("process", "thread"), default="process")
    args = parser.parse_args()

    full = load_mnist(allow_download=False)
    data = MnistData(
        full.x_train[: args.digits],
        full.y_train[: args.digits],
        full.x_test,
        full.y_test,
        source=full.source,
    )
    use_data(data, Path(tempfile.mkdtemp(prefix="cnn-lens-bench-")))
    manager = RunManager(mode=args.mode)
    kept, rss = [], []  # the session keeps every ended run, as the sidebar does
    print(f"start: server RSS {rss_mb():.0f} MB ({args.mode} mode)", flush=True)
    for number in range(1, args.runs + 1):
        if args.mode == "process":
            wait_warm(manager)
        recipe = Recipe(epochs=args.epochs, seed=number)
        ended, _ = run_like_the_sidebar(manager, make_job("seed", recipe, number))
        kept.append(ended)
        rss.append(round(rss_mb(), 1))
        accuracy = ended.end.evaluation.test_accuracy if ended.end.evaluation else None
        worker = manager.worker_pid()
        print(
            f"run {number}: {ended.status}, test accuracy {accuracy}, server RSS {rss[-1]} MB"
            + (f" (worker pid {worker})" if worker else ""),
            flush=True,
        )
    manager.close()
    print(json.dumps({"mode": args.mode, "rss_mb": rss, "growth_mb": round(rss[-1] - rss[0], 1)}))


if __name__ == "__main__":
    main()
