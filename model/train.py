"""Train a preset from the command line and save it with its model card.

    python -m model.train --preset seed --epochs 5 --batch-size 64 --optimizer rmsprop \
        [--data PATH] [--validation N] [--strategy auto] [--extra MY.npz ...] \
        --out model/shipped/seed.keras
    python -m model.train --preset robust --start-from default --epochs 6 --lr 0.0005 ...

Every training digit trains, as for the shipped models, unless --validation N
holds the last N out and scores them after every epoch (the app's runs hold
out a tenth, at most 1,000).

--strategy picks the tf.distribute strategy (model/training/distribute.py): "auto" uses
every GPU when there are several, "multiworker" trains one model on several
machines listed in TF_CONFIG (each machine runs this same command).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from model.training.progress import Progress
from model.training.recipes import (
    OPTIMIZERS,
    PRESETS,
    SCHEDULES,
    Recipe,
    RecipeError,
    recipe_problems,
)

STRATEGIES = ("auto", "default", "mirrored", "multiworker")  # as model/training/distribute.py


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m model.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="seed")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--optimizer", choices=OPTIMIZERS)
    parser.add_argument("--lr", "--learning-rate", dest="learning_rate", type=float)
    parser.add_argument("--schedule", choices=SCHEDULES)
    parser.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-size", type=int, help="use only the first N training digits")
    parser.add_argument(
        "--validation",
        type=int,
        default=0,
        metavar="N",
        help="hold out the last N training digits and score them after every epoch (default 0)",
    )
    parser.add_argument("--data", help="mnist.npz or a folder of IDX files (default: $MNIST_PATH)")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="MY.npz",
        help="a file of your own digits (the My digits page's download); may be repeated. "
        "Those not held out train beside MNIST's, repeated so that they count",
    )
    parser.add_argument(
        "--strategy",
        choices=STRATEGIES,
        default="auto",
        help="tf.distribute strategy: auto = mirrored over all GPUs when there are several",
    )
    parser.add_argument(
        "--start-from",
        metavar="MODEL",
        help="fine-tune: go on training this model (a shipped model's name or a .keras file) "
        "instead of the preset's freshly built one; it must be of the same preset",
    )
    parser.add_argument("--name", help="name shown in the app (default: the output file's stem)")
    parser.add_argument("--out", required=True, help="where to write the .keras model")
    return parser.parse_args(argv)


def print_progress(p: Progress) -> None:
    # One line per tenth of an epoch keeps logs readable on slow machines.
    step = max(1, p.batches // 10)
    if p.epoch_done:
        validation = (
            f"  val_loss {p.val_loss:.4f}  val_acc {p.val_accuracy:.4f}"
            if p.val_loss is not None
            else ""
        )
        print(
            f"epoch {p.epoch}/{p.epochs} done  loss {p.loss:.4f}  acc {p.accuracy:.4f}"
            f"{validation}  {p.elapsed_s:.0f}s",
            flush=True,
        )
    elif p.batch % step == 0:
        print(
            f"epoch {p.epoch}/{p.epochs}  batch {p.batch}/{p.batches}  loss {p.loss:.4f}  "
            f"acc {p.accuracy:.4f}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Imported after argument parsing so --help answers without loading TensorFlow.
    from model.digits.data import DataError, load_mnist
    from model.files.cards import ModelCard, started_from_words
    from model.files.persistence import load_model, save_model
    from model.mine.files import MineFileError, read_digits_file
    from model.training.distribute import describe, make_strategy
    from model.training.progress import FINISHED
    from model.training.trainer import inference_copy, train

    try:
        recipe = Recipe.for_preset(
            args.preset,
            epochs=args.epochs,
            batch_size=args.batch_size,
            optimizer=args.optimizer,
            learning_rate=args.learning_rate,
            schedule=args.schedule,
            augment=args.augment,
            seed=args.seed,
            train_size=args.train_size,
        )
        data = load_mnist(args.data)
        if not 0 <= args.validation < len(data.x_train):
            raise ValueError(
                f"--validation must be from 0 to {len(data.x_train) - 1:,} "
                f"(the data has {len(data.x_train):,} training digits), not {args.validation:,}"
            )
        problems = recipe_problems(recipe.to_dict(), len(data.x_train), args.validation)
        if problems:
            raise RecipeError(problems)
        strategy = make_strategy(args.strategy)
        extra = [read_digits_file(path).training() for path in args.extra]
        start_from = start_card = None
        if args.start_from:
            start_from, start_card = load_model(args.start_from)
            if start_card.preset != args.preset:
                raise ValueError(
                    f"{args.start_from} is a {start_card.preset!r} model, not {args.preset!r}"
                )
    except (ValueError, DataError, MineFileError) as err:  # a bad --start-from is a ValueError
        print(f"error: {err}", file=sys.stderr)
        return 2
    if data.notice:
        print(f"note: {data.notice}", flush=True)
    held_out = f", the last {args.validation:,} held out for validation" if args.validation else ""
    print(
        f"training preset {args.preset!r} on the {data.train_description} from {data.source}"
        + held_out,
        flush=True,
    )
    extra_xy = None
    if extra:
        extra_xy = tuple(np.concatenate(parts) for parts in zip(*extra, strict=True))
        print(f"with {len(extra_xy[1]):,} of your digits from {len(extra)} file(s)", flush=True)
    print(f"recipe: {recipe.to_dict()}", flush=True)
    print(f"strategy: {describe(strategy)}", flush=True)

    result = train(
        args.preset,
        recipe,
        data,
        on_progress=print_progress,
        strategy=strategy,
        validation=args.validation,
        extra=extra_xy if extra_xy is not None and len(extra_xy[1]) else None,
        start_from=start_from,
    )
    if result.outcome != FINISHED:
        print(
            f"error: the run {result.outcome}: {result.divergence_words}; nothing was saved. "
            "Try a smaller learning rate.",
            file=sys.stderr,
        )
        return 1
    print(
        f"test loss {result.test_loss:.4f}  test accuracy {result.test_accuracy:.4f} "
        f"on the {data.test_description}  ({result.seconds:.0f}s training)",
        flush=True,
    )

    card = ModelCard(
        name=args.name or Path(args.out).stem,
        preset=args.preset,
        recipe=recipe.to_dict(),
        trained_on=result.trained_on,
        test_set=data.test_description,
        test_loss=round(result.test_loss, 6),
        test_accuracy=round(result.test_accuracy, 6),
        params=int(result.model.count_params()),
        sha256="",
        notes=result.card_notes + ([started_from_words(start_card)] if start_from else []),
    )
    try:
        card = save_model(inference_copy(result.model), args.out, card)
    except (OSError, ValueError) as err:
        print(f"error: the model could not be saved: {err}", file=sys.stderr)
        return 2
    print(f"saved {args.out} ({card.params:,} parameters, sha256 {card.sha256[:12]}…)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
