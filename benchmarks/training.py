"""Samples per second of the project's trainer vs plain `model.fit`.

Same preset, recipe and data in the same run; the trainer reports progress
after every batch and checks for cancellation, plain fit does neither.

    python benchmarks/training.py [--preset seed] [--digits 8192] [--rounds 2]

Last line: {"trainer_sps": ..., "fit_sps": ..., "ratio": ...}. Target ratio >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.architectures import build  # noqa: E402
from model.data import MnistData, as_model_input, load_mnist  # noqa: E402
from model.mnist import NUM_CLASSES  # noqa: E402
from model.recipes import Recipe  # noqa: E402
from model.trainer import make_optimizer, train  # noqa: E402


def plain_fit_seconds(preset: str, recipe: Recipe, data: MnistData) -> float:
    import keras

    keras.utils.set_random_seed(recipe.seed)
    x = as_model_input(data.x_train)
    y = keras.utils.to_categorical(data.y_train, NUM_CLASSES)
    model = build(preset)
    steps = -(-len(x) // recipe.batch_size) * recipe.epochs
    model.compile(
        optimizer=make_optimizer(recipe, steps),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(x, y, batch_size=recipe.batch_size, epochs=recipe.epochs, verbose=0)
    return time.perf_counter() - start


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
    reports = []

    trainer_times, fit_times = [], []
    for _ in range(args.rounds):  # alternate, so drift in machine load hits both
        result = train(
            args.preset, recipe, data, on_progress=reports.append, cancel=threading.Event()
        )
        trainer_times.append(result.seconds)
        fit_times.append(plain_fit_seconds(args.preset, recipe, data))

    samples = n * recipe.epochs
    trainer_sps, fit_sps = samples / min(trainer_times), samples / min(fit_times)
    print(
        f"preset {args.preset}, {n} digits x {recipe.epochs} epochs, batch {recipe.batch_size}: "
        f"trainer {trainer_sps:.0f}/s ({len(reports)} progress reports), fit {fit_sps:.0f}/s"
    )
    print(
        json.dumps(
            {
                "preset": args.preset,
                "trainer_sps": round(trainer_sps, 1),
                "fit_sps": round(fit_sps, 1),
                "ratio": round(trainer_sps / fit_sps, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
