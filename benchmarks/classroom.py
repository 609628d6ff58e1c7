"""A class at once: N students open /draw and draw, at the protocol level.

One real Chromium session is recorded first: the messages the browser sends to
the server when it opens /draw and when a 7 is drawn on the canvas. Then N
simulated students replay them over Streamlit's own websocket protocol, each a
session of its own, each checked to receive "Prediction: 7" for every drawing
(anything else, an error element or a timeout counts as an error):

- open: all N connect and ask for /draw at the same instant; page ready is the
  end of the first script run (p50 / p95);
- same beat: all N send their drawing at the same instant, `--beats` times;
  request -> prediction is until the run that shows "Prediction: 7" ends;
- spread out: each draws every `--every` s, the N students spread over that period;
- Train (benchmarks/students/train.py): on a fresh server, one student presses
  Train alone with a class recipe (`--recipe`, Quick unless said); then
  `--train-drawing` students draw every `--every` s while `--train` others
  press Train at once: Train -> first progress update and -> result (p50 / p95),
  finished and refused runs, the last result, and drawing p95 meanwhile.

Each student is a browser of its own: the recorded browser token is replaced by
a random one, and no cookie is sent. Memory is the peak RSS of the app servers
with their training workers.

Each N runs on a freshly started server that has served one drawing first (the
teacher tried the app before class), printed beside N = 1, run the same way in
the same run.
With `--servers 2`, two app processes serve the students, each student sticking
to one (as a proxy with sticky sessions would); the proxy itself is not measured.

    python benchmarks/classroom.py [--students 1 10 30 60] [--servers 1] [--train 10]
    python benchmarks/classroom.py --quick   # a smoke run: 1 and 3 students, 2 train

Prints a line per part (with the seconds it took), then one JSON object as the
last line. Targets (2-core machine): 30 opening together p95 <= 3 s; 30 on the
same beat p95 <= 1 s; 60 spread out p95 <= 1 s; 0 errors; 10 pressing Train at
once: all finish, none refused, the last result within 180 s, drawing p95 <= 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.students.draw import one_class, pct, record  # noqa: E402
from benchmarks.students.train import (  # noqa: E402
    RECIPES,
    print_train,
    record_training,
    train_class,
    train_summary,
)
from tests.live_server import streamlit_server  # noqa: E402

TARGETS = {"open_p95_s": 3.0, "draw_p95_s": 1.0, "spread_p95_s": 1.0, "last_result_s": 180.0}


def tree_rss_mb(roots: list[int]) -> float:
    """Resident memory of these processes and all their descendants (the training workers)."""
    parent, rss = {}, {}
    for proc in Path("/proc").iterdir():
        try:
            parent[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            status = (proc / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        rss[int(proc.name)] = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    tree, grew = set(roots), True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(pid, 0) for pid in tree) / 1024


def server_pids() -> list[int]:
    """The app servers this script started (children of this process running streamlit)."""
    mine, pids = str(os.getpid()), []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if stat[1] == mine and b"streamlit" in cmd:
            pids.append(int(proc.name))
    return pids


async def with_peak_rss(work) -> tuple[dict, float]:
    """Run `work`, sampling the servers' memory (with their workers) every second: its peak."""
    peak, done = 0.0, asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(server_pids()))
            await asyncio.sleep(1.0)

    sampler = asyncio.create_task(sample())
    try:
        return await work, peak
    finally:
        done.set()
        await sampler


@contextmanager
def servers(count: int):
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        yield [
            stack.enter_context(streamlit_server(ROOT / "app.py", Path(tmp) / f"s{i}.log"))
            for i in range(count)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30, 60])
    parser.add_argument("--servers", type=int, default=1, choices=[1, 2])
    parser.add_argument("--beats", type=int, default=3, help="drawings sent on the same beat")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between drawings")
    parser.add_argument("--rounds", type=int, default=4, help="drawings each, spread out")
    parser.add_argument("--train", type=int, default=10, help="students pressing Train (0: none)")
    parser.add_argument("--train-drawing", type=int, default=30, help="students drawing meanwhile")
    parser.add_argument(
        "--recipe", default="Quick", choices=list(RECIPES), help="the class recipe they train"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 1 and 3 students, 2 train"
    )
    args = parser.parse_args()
    if args.quick:
        args.students, args.beats, args.rounds, args.train, args.train_drawing = [1, 3], 1, 2, 2, 3
    if max(args.students + [args.train, args.train_drawing]) > 100:
        parser.error("at most 100 students: this is a bounded load test on 127.0.0.1")

    results, took, recorded = {}, {}, None
    for n in sorted({1, *args.students}):
        started = time.perf_counter()
        with servers(args.servers) as urls:
            recorded = recorded or record(urls[0])
            work = one_class(urls, recorded, n, args.beats, args.every, args.rounds)
            results[n], results[n]["rss_mb"] = asyncio.run(with_peak_rss(work))
        took[f"draw {n}"] = time.perf_counter() - started
        r = results[n]
        print(
            f"N={n:>3}: open p50/p95 {pct(r['open'], 50):.2f}/{pct(r['open'], 95):.2f} s · "
            f"same beat {pct(r['beat'], 50):.2f}/{pct(r['beat'], 95):.2f} s · "
            f"spread {pct(r['spread'], 50):.2f}/{pct(r['spread'], 95):.2f} s · "
            f"errors {r['errors']} of {r['requests']} · peak RSS {r['rss_mb']:.0f} MB "
            f"· {took[f'draw {n}']:.0f} s",
            flush=True,
        )
    train = None
    if args.train:
        started = time.perf_counter()
        with servers(1) as (url,):
            training = record_training(url, args.recipe)
            work = train_class(url, recorded, training, args.train_drawing, args.train, args.every)
            train, train["rss_mb"] = asyncio.run(with_peak_rss(work))
        took["train"] = time.perf_counter() - started
        print_train(train, args.train, args.train_drawing, took["train"])

    key = lambda name: {str(n): round(pct(r[name], 95), 3) for n, r in results.items()}  # noqa: E731
    summary = {
        "servers": args.servers,
        "stroke_bytes": recorded.stroke_bytes,
        "open_p50_s": {str(n): round(pct(r["open"], 50), 3) for n, r in results.items()},
        "open_p95_s": key("open"),
        "draw_p95_s": key("beat"),
        "spread_p95_s": key("spread"),
        "errors": sum(r["errors"] for r in results.values()) + (train["errors"] if train else 0),
        "requests": sum(r["requests"] for r in results.values())
        + (train["requests"] if train else 0),
        "rss_mb": {str(n): round(r["rss_mb"]) for n, r in results.items()},
        **(train_summary(train, args.train, args.train_drawing) if train else {}),
        "seconds": {part: round(s) for part, s in took.items()},
        "targets": TARGETS,
    }
    print(f"stroke: {summary['stroke_bytes']:,} bytes from browser to server")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
