"""Samples per second of the project's trainer, and of the app's training path, vs `model.fit`.

Same preset, recipe and data in the same run:
- trainer: `train()` in this process, reporting every batch and checking for Stop;
- app: the app's run manager as the sidebar drives it: a warm worker process
  trains and sends every batch over its socket, while this process (the
  server) reads a snapshot once a second;
- fit: plain `model.fit` with the same validation digits scored every epoch.
It also times Train -> first progress report with a warm worker (polled every
50 ms here; the sidebar redraws once a second) and Stop -> the run's end.

    python benchmarks/training.py [--preset seed] [--digits 8192] [--rounds 2]

Last line: {"trainer_sps", "fit_sps", "ratio", "ui_ratio", "first_update_s", "stop_s"}.
Targets: ratio and ui_ratio >= 0.95, first_update_s <= 5.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.app_runs import make_job, run_like_the_sidebar, use_data, wait_warm  # noqa: E402
from model.digits.data import MnistData, load_mnist  # noqa: E402
from model.runs.manager import RunManager  # noqa: E402
from model.training.recipes import Recipe  # noqa: E402


def plain_fit_seconds(preset: str, recipe: Recipe, data: MnistData) -> float:
    import keras

    from model.digits.data import as_model_input
    from model.network.architectures import build
    from model.training.setup import compile_for
    from model.training.trainer import schedule_callbacks, split_for_training

    keras.utils.set_random_seed(recipe.seed)
    x_train, y_train, x_val, y_val = split_for_training(data, recipe)
    x, y = as_model_input(x_train), y_train
    validation = (as_model_input(x_val), y_val)
    model = build(preset)
    steps = -(-len(x) // recipe.batch_size) * recipe.epochs
    compile_for(model, recipe)
    start = time.perf_counter()
    model.fit(
        x,
        y,
        batch_size=recipe.batch_size,
        epochs=recipe.epochs,
        validation_data=validation,
        validation_batch_size=500,
        callbacks=schedule_callbacks(recipe, steps),
        verbose=0,
    )
    return time.perf_counter() - start


def stop_seconds(manager: RunManager, preset: str, recipe: Recipe) -> float:
    """Stop pressed once the run trains -> the run has ended (the worker stopped itself)."""
    job = make_job(preset, Recipe(**{**recipe.to_dict(), "epochs": 50}))
    manager.submit("bench", job)
    while (view := manager.view(job.run_id)).last is None or view.last.batch < 3:
        time.sleep(0.05)
    pressed = time.perf_counter()
    manager.stop("bench", job.run_id)
    while not manager.view(job.run_id).ended:
        time.sleep(0.01)
    seconds = time.perf_counter() - pressed
    manager.collect("bench", job.run_id)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="seed")
    parser.add_argument("--digits", type=int, default=8192)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    full = load_mnist(allow_download=False)
    n = min(args.digits, len(full.x_train))
    data = MnistData(
        full.x_train[:n], full.y_train[:n], full.x_test[:500], full.y_test[:500], source=full.source
    )
    recipe = Recipe.for_preset(args.preset, epochs=args.epochs)
    use_data(data, Path(tempfile.mkdtemp(prefix="cnn-lens-bench-")))
    manager = RunManager(mode="process")  # the server's: its spare worker warms up meanwhile
    from model.training.trainer import train

    reports = []
    trainer_times, fit_times, app_times, first_updates, stops = [], [], [], [], []
    for _ in range(args.rounds):  # alternate, so drift in machine load hits all
        result = train(
            args.preset, recipe, data, on_progress=reports.append, cancel=threading.Event()
        )
        trainer_times.append(result.seconds)
        fit_times.append(plain_fit_seconds(args.preset, recipe, data))
        wait_warm(manager)
        ended, first = run_like_the_sidebar(manager, make_job(args.preset, recipe), poll_s=0.05)
        if ended.status != "finished":
            raise RuntimeError(f"the app's run did not finish: {ended.status_text()}")
        app_times.append(ended.end.train_seconds)
        first_updates.append(first)
        wait_warm(manager)
        stops.append(stop_seconds(manager, args.preset, recipe))
    manager.close()

    samples = result.train_digits * recipe.epochs
    trainer_sps, fit_sps = samples / min(trainer_times), samples / min(fit_times)
    app_sps = samples / min(app_times)
    print(
        f"preset {args.preset}, {result.train_digits} digits x {recipe.epochs} epochs, batch "
        f"{recipe.batch_size}: trainer {trainer_sps:.0f}/s ({len(reports)} progress reports), "
        f"app {app_sps:.0f}/s, fit {fit_sps:.0f}/s; Train -> first update "
        f"{[round(f, 2) for f in first_updates]} s, Stop -> end {[round(s, 2) for s in stops]} s"
    )
    print(
        json.dumps(
            {
                "preset": args.preset,
                "trainer_sps": round(trainer_sps, 1),
                "fit_sps": round(fit_sps, 1),
                "ratio": round(trainer_sps / fit_sps, 3),
                "app_sps": round(app_sps, 1),
                "ui_ratio": round(app_sps / fit_sps, 3),
                "first_update_s": round(min(first_updates), 2),
                "stop_s": round(max(stops), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
