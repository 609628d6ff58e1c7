"""Issue 21's recipe study: which part of the robust recipe makes 2s and 8s read as 1.

Each arm is the robust preset with some augmentation settings changed
(model/training/augment.py's module constants, set here only, so the app and
its presets never see them), trained for the same number of epochs with
several seeds; a fine-tune arm (TRAIN_ARGS) goes on from the shipped default
for --epochs more instead of starting from the preset's seed. Models are read as the app reads (the input and its
upright copy, averaged) on the choosing families of other_hands.py and the
official MNIST test set: never on the reported families.

    python benchmarks/hands/recipe_study.py --epochs 15 --seeds 0 1 2 --out /tmp/hands21
    python benchmarks/hands/recipe_study.py ... --train-only      # train only
    python benchmarks/hands/recipe_study.py ... --evaluate-only   # read the models already trained
    python benchmarks/hands/recipe_study.py ... --ensemble        # and each arm's seeds as one

Runs one training at a time, each in its own process pinned to one core with
one TensorFlow thread (nice it from the shell), skipping models already saved,
and writes the PID of the process working now to --pid-file. Prints, per arm,
the mean and the range over seeds, per set and per digit; the last line is
one JSON object with every model's figures and the arms' summaries.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ARMS: dict[str, dict[str, float]] = {
    "control": {},  # the robust recipe as shipped: flags on 40% of 1s, feet on 15%
    "no foot": {"FOOT_SHARE": 0.0},
    "no foot, flag 20%": {"FOOT_SHARE": 0.0, "FLAG_SHARE": 0.2},
    # A foot only where it cannot be a 2's base: under a 1 standing upright (its top at
    # most a tenth of its height right or left of its base), not under a leaning stroke.
    "foot only upright": {"MAX_LEAN_FOR_FOOT": 0.1},
    "no foot, narrow and wide": {"FOOT_SHARE": 0.0, "WIDTH_SHARE": 0.3},
    "narrow and wide": {"WIDTH_SHARE": 0.3},
    # Narrow and wide loses the strokes' simplex 6s to 0 (digit_by_design.py): is it the
    # 6s made narrower and wider, or the 0s?
    "narrow and wide but 6s": {"WIDTH_SHARE": 0.3, "KEEP_WIDTHS": (6,)},
    "narrow and wide but 0s": {"WIDTH_SHARE": 0.3, "KEEP_WIDTHS": (0,)},
    # The 6s kept, and MNIST's 1s read as 7 mended: 1s only narrower, 7s only wider.
    "narrow and wide but 6s, 1s narrower, 7s wider": {
        "WIDTH_SHARE": 0.3,
        "KEEP_WIDTHS": (6,),
        "ONLY_NARROWER": (1,),
        "ONLY_WIDER": (7,),
    },
    # ...and 15% of the digits as coarse scans scaled up: blobby, loops closed.
    "narrow and wide but 6s, 1s narrower, 7s wider, coarse scans": {
        "WIDTH_SHARE": 0.3,
        "KEEP_WIDTHS": (6,),
        "ONLY_NARROWER": (1,),
        "ONLY_WIDER": (7,),
        "LOWRES_SHARE": 0.15,
    },
    # A quarter of the digits drawn two pixels heavier instead of a tenth: loops that close.
    "narrow and wide, thick marker": {"WIDTH_SHARE": 0.3, "THICKER_SHARE": 0.25},
    # Fine-tunes: the shipped default trained on for --epochs more, narrow and wide digits
    # added, at a small learning rate (cosine to 0), so that it keeps what it reads well.
    "default tuned, narrow and wide, lr 0.0005": {"WIDTH_SHARE": 0.3},
    "default tuned, narrow and wide, lr 0.0002": {"WIDTH_SHARE": 0.3},
    "default tuned, narrow and wide but 1s and 7s, lr 0.0005": {
        "WIDTH_SHARE": 0.3,
        "KEEP_WIDTHS": (1, 7),
    },
    "default tuned, narrower but 7s, lr 0.0005": {
        "WIDTH_SHARE": 0.3,
        "LOG_WIDTH": (-0.6, 0.0),
        "KEEP_WIDTHS": (7,),
    },
    # A narrowed 0 is what a narrow 6 with its hook curled in is read as.
    "default tuned, narrow and wide but 0s, 1s and 7s, lr 0.0005": {
        "WIDTH_SHARE": 0.3,
        "KEEP_WIDTHS": (0, 1, 7),
    },
    "default tuned, narrow and wide but 1s and 7s, lr 0.0002": {
        "WIDTH_SHARE": 0.3,
        "KEEP_WIDTHS": (1, 7),
    },
    # The 6s kept at their width mend the strokes' 6s from the seed; does a fine-tune keep
    # MNIST as well?
    "default tuned, narrow and wide but 6s, lr 0.0005": {
        "WIDTH_SHARE": 0.3,
        "KEEP_WIDTHS": (6,),
    },
    # The fine-tune's own control: the shipped recipe trained on as the arms above are, with
    # nothing changed. What moves here moves with the fine-tune, not with the widths.
    "default tuned, as shipped, lr 0.0005": {},
    # Only narrower, 1s and 7s kept: a widened 6 is rounder, nearer a 0, and a widened
    # flagged 1 is a 7; the narrow writing that is misread needs only the narrowing.
    "default tuned, narrower but 1s and 7s, lr 0.0005": {
        "WIDTH_SHARE": 0.3,
        "LOG_WIDTH": (-0.6, 0.0),
        "KEEP_WIDTHS": (1, 7),
    },
}
# Training options beyond the robust preset's, per arm (model/train.py's flags).
TRAIN_ARGS: dict[str, list[str]] = {
    arm: ["--start-from", "default", "--lr", arm.rsplit("lr ", 1)[1]]
    for arm in ARMS
    if arm.startswith("default tuned")  # the name ends with the fine-tune's learning rate
}
DIGITS_SHOWN = ("1", "2", "6", "7", "8", "9")  # the digits the 1-bias touches, and 6s: they pay
FLOOR = 0.01  # a class more than a point below the control's mean is flagged


def model_path(out: Path, arm: str, seed: int) -> Path:
    return out / f"{arm.replace(', ', '-').replace(' ', '_')}-s{seed}.keras"


def train_one(arm: str, seed: int, epochs: int, path: Path, core: int) -> int:
    """Train one model in this process: one core, one TensorFlow thread, the arm's settings."""
    os.sched_setaffinity(0, {core})
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import model.training.augment as augment
    from model import train

    for name, value in ARMS[arm].items():
        setattr(augment, name, value)
    print(f"{arm}, seed {seed}: {ARMS[arm] or 'as shipped'}", flush=True)
    argv = ["--preset", "robust", "--epochs", str(epochs), "--seed", str(seed)]
    argv += TRAIN_ARGS.get(arm, [])
    return train.main([*argv, "--name", path.stem, "--out", str(path)])


def run(command: list[str], pid_file: Path) -> int:
    """Run a child to its end, its PID in pid_file meanwhile (no time limit: it may be paused)."""
    child = subprocess.Popen(command)
    pid_file.write_text(f"{child.pid}\n")
    code = child.wait()
    pid_file.write_text(f"{os.getpid()}\n")
    return code


def scores(predicted: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> dict:
    from benchmarks.hands import tables

    return {
        "accuracy": float(np.mean(predicted[mask] == labels[mask])),
        "per_class": tables.per_class(predicted, labels, mask),
        "read_as_one": tables.read_as_one(predicted, labels, mask),
    }


def choosing_pictures(inputs_file: Path) -> tuple[list, list, np.ndarray]:
    """The choosing families, their pictures and the prepared inputs (kept in `inputs_file`),
    in a process pinned to one core with one TensorFlow thread, ready to read them."""
    import tensorflow as tf

    from benchmarks.other_hands import chosen_families, family_pictures, load_or_build

    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    tf.config.threading.set_intra_op_parallelism_threads(1)
    chosen = chosen_families("choose", None)
    pictures = family_pictures(chosen)
    return chosen, pictures, load_or_build(inputs_file, pictures, workers=1)


def evaluate(
    paths: dict[str, Path | str],
    inputs_file: Path,
    epochs: int,
    ensembles: dict[str, list[str]] | None = None,
    balanced: bool = False,
) -> dict:
    """Every model's scores per set (the choosing families and MNIST), read as the app reads.

    `paths`: a label for each model file, or a shipped model's name ("default").
    `ensembles`: a label for each small ensemble, and the labels of its models; an
    ensemble reads a digit as the mean of its models' readings.
    `balanced`: also read every model balanced ("<label>, balanced", see `balance`).
    The prepared pictures are kept in `inputs_file`; a trained model whose card
    says another number of epochs than `epochs` stops the study.
    """
    from model.digits.data import load_mnist
    from model.files.persistence import load_model
    from model.network.inference import DigitClassifier
    from model.preprocess.reading import read_inputs

    chosen, pictures, inputs = choosing_pictures(inputs_file)
    labels = np.array([p.digit for p in pictures])
    blank = ~inputs.reshape(len(inputs), -1).any(axis=1)
    masks = {f.name: np.array([p.set == f.name for p in pictures]) for f in chosen}
    mnist = load_mnist()
    results, readings = {}, {}

    def score(name: str, read: np.ndarray, read_test: np.ndarray) -> None:
        predicted = np.where(blank, -1, np.argmax(read, axis=1))
        results[name] = {s: scores(predicted, labels, m) for s, m in masks.items()}
        test = np.argmax(read_test, axis=1)
        results[name]["MNIST test"] = scores(test, mnist.y_test, np.ones(len(test), bool))
        print(f"read {name}", flush=True)

    for name, path in paths.items():
        model, card = load_model(path)
        if isinstance(path, Path) and card.recipe["epochs"] != epochs:
            sys.exit(f"{path} was trained for {card.recipe['epochs']} epochs, not {epochs}")
        for label, each in [(name, model)] + (
            [(f"{name}, balanced", balance(model, mnist.y_train))] if balanced else []
        ):
            classifier = DigitClassifier(each)
            readings[label] = (
                read_inputs(classifier, inputs.astype(np.float32) / 255),
                read_inputs(classifier, mnist.x_test.astype(np.float32) / 255),
            )
            score(label, *readings[label])
    for name, members in (ensembles or {}).items():
        read = [np.mean([readings[m][i] for m in members], axis=0) for i in (0, 1)]
        score(name, *read)
    return results


def balance(model, train_labels: np.ndarray):
    """A copy of `model` that reads every digit as if the classes had been equally many.

    A softmax trained with cross-entropy learns p(digit | picture), which carries each
    digit's share of the training set (1s: 11.4% of these 24,345, 8s 9.6%). Taking the log of
    that share off each class's bias leaves p(picture | digit) up to a constant: what
    training on balanced classes aims at, with no retraining, and the network's own numbers
    are still the ones Inside the CNN would show.
    """
    import keras

    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    last = copy.layers[-1]
    kernel, bias = last.get_weights()
    share = np.bincount(train_labels, minlength=bias.shape[0]) / len(train_labels)
    last.set_weights([kernel, bias - np.log(share).astype(bias.dtype)])
    return copy


def summary(results: dict, rows: dict[str, list[str]]) -> dict:
    """Per row (an arm's models, or one shipped model), set and figure ("all", each digit,
    "as 1": other digits read as 1): [mean, min, max] over the row's models."""
    out = {}
    for arm, names in rows.items():
        models = [results[n] for n in names if n in results]
        out[arm] = {"seeds": len(models)}
        for s in models[0] if models else []:
            figures = {"all": [m[s]["accuracy"] for m in models]}
            for d in models[0][s]["per_class"]:
                figures[d] = [m[s]["per_class"][d] for m in models]
            figures["as 1"] = [sum(m[s]["read_as_one"].values()) for m in models]
            out[arm][s] = {k: [float(np.mean(v)), min(v), max(v)] for k, v in figures.items()}
    return out


def table(summ: dict, arms: list[str], candidates: list[str] | None = None) -> str:
    """Markdown: one row per set and arm (the control first) or shipped model, mean (min–max)
    in %; a candidate's digit (an arm's, unless `candidates` names others) whose mean is
    more than FLOOR below the control's is flagged."""
    if candidates is None:
        candidates = [*ARMS, *(f"{arm}, balanced" for arm in ARMS)]
    columns = ["all", *DIGITS_SHOWN]
    lines = ["| set | arm | " + " | ".join(columns) + " | others read as 1 |"]
    lines.append("|---|---|" + "---:|" * (len(columns) + 1))
    for s in summ[arms[0]]:
        if s == "seeds":
            continue
        for arm in arms:
            row = summ[arm][s]
            cells = []
            for c in columns:
                mean, low, high = row[c]
                below = arm in candidates and mean < summ[arms[0]][s][c][0] - FLOOR
                cell = f"{100 * mean:.2f}"
                if summ[arm]["seeds"] > 1:
                    cell += f" ({100 * low:.1f}–{100 * high:.1f})"
                cells.append(f"**{cell}** ⚠" if below else cell)
            mean, low, high = row["as 1"]
            ones = f"{mean:.1f} ({low}–{high})" if summ[arm]["seeds"] > 1 else f"{low}"
            lines.append(f"| {s} | {arm} | " + " | ".join(cells) + f" | {ones} |")
    return "\n".join(lines)


def below_control(summ: dict, arms: list[str]) -> list[str]:
    """Every digit, on every set, whose mean for an arm is more than FLOOR below the control's."""
    control = summ[arms[0]]
    return [
        f"{arm}: {s} {d} {100 * row[d][0]:.2f} vs {100 * control[s][d][0]:.2f}"
        for arm in arms[1:]
        for s, row in summ[arm].items()
        if s != "seeds"
        for d in row
        if d not in ("all", "as 1") and row[d][0] < control[s][d][0] - FLOOR
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arms", nargs="+", choices=list(ARMS), default=list(ARMS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path("/tmp/hands21"))
    parser.add_argument("--pid-file", type=Path, default=Path("/tmp/hands21.pid"))
    parser.add_argument("--evaluate-only", action="store_true")
    parser.add_argument("--train-only", action="store_true")
    parser.add_argument(
        "--reference", nargs="*", default=[], help="shipped models to read beside (e.g. default)"
    )
    parser.add_argument(
        "--core", type=int, default=None, help="the CPU to train on (default: the last one)"
    )
    parser.add_argument(
        "--against-shipped",
        action="store_true",
        help="flag digits against the first --reference model, not the first arm",
    )
    parser.add_argument(
        "--shipped-seed",
        type=int,
        default=None,
        help="the control arm's model of this seed is the first --reference model (the shipped "
        "default is the control's seed 2): the recipe's seeds against a candidate's",
    )
    parser.add_argument(
        "--ensemble",
        action="store_true",
        help="also read each arm's seeds as one small ensemble (the mean of their readings), "
        "held against the first arm's ensemble",
    )
    parser.add_argument(
        "--balanced",
        action="store_true",
        help="also read every model balanced: the log of each digit's share of the training "
        "set taken off its bias (`balance`), each arm's balanced row after its own",
    )
    parser.add_argument("--train-one", nargs=2, metavar=("ARM", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shipped_seed is not None and not args.reference:
        parser.error("--shipped-seed needs the shipped model named by --reference")
    core = max(os.sched_getaffinity(0)) if args.core is None else args.core
    args.out.mkdir(parents=True, exist_ok=True)
    if args.train_one:
        arm, seed = args.train_one[0], int(args.train_one[1])
        sys.exit(train_one(arm, seed, args.epochs, model_path(args.out, arm, seed), core))

    args.pid_file.write_text(f"{os.getpid()}\n")
    # Seed by seed, so that a study cut short still has every arm on the same seeds.
    for seed in args.seeds:
        for arm in args.arms:
            path = model_path(args.out, arm, seed)
            stands_in = arm == args.arms[0] and seed == args.shipped_seed  # the shipped model
            if args.evaluate_only or stands_in or path.exists():
                continue
            this = [sys.executable, __file__, "--train-one", arm, str(seed), "--core", str(core)]
            code = run([*this, "--epochs", str(args.epochs), "--out", str(args.out)], args.pid_file)
            if code:
                sys.exit(f"{arm}, seed {seed}: training failed ({code})")
    if args.train_only:
        return
    paths: dict[str, Path | str] = {
        f"{arm}, seed {seed}": model_path(args.out, arm, seed)
        for seed in args.seeds
        for arm in args.arms
        if model_path(args.out, arm, seed).exists()
    }
    paths |= {f"{name} (shipped)": name for name in args.reference}
    rows = {arm: [f"{arm}, seed {seed}" for seed in args.seeds] for arm in args.arms}
    if args.shipped_seed is not None:
        # The shipped model stands in for the control's model of that seed: it is read as a
        # reference, because the study loads only models this installation signed.
        rows[args.arms[0]][args.seeds.index(args.shipped_seed)] = f"{args.reference[0]} (shipped)"
    ensembles = (
        {f"{arm}, ensemble of {len(rows[arm])}": rows[arm] for arm in args.arms}
        if args.ensemble
        else {}
    )
    results = evaluate(paths, args.out / "choose-inputs.npz", args.epochs, ensembles, args.balanced)
    if args.balanced:
        rows = {
            label: names
            for arm, names in rows.items()
            for label, names in [
                (arm, names),
                (f"{arm}, balanced", [f"{n}, balanced" for n in names]),
            ]
        }
    shipped = {f"{name} (shipped)": [f"{name} (shipped)"] for name in args.reference}
    # The row every arm is held against comes first: the control, or the model to replace.
    rows = shipped | rows if args.against_shipped and shipped else rows | shipped
    summ = summary(results, rows)
    print(f"\n{args.epochs} epochs, seeds {args.seeds}: mean (min–max) in %\n")
    print(table(summ, list(rows)))
    if ensembles:
        together = summary(results, {name: [name] for name in ensembles} | shipped)
        print("\nEach arm's seeds as one ensemble, against the first arm's ensemble:\n")
        print(table(together, list(together), candidates=list(ensembles)[1:]))
        below_ensemble = below_control(together, list(ensembles))
        print("\nDigits more than a point below the first ensemble:", below_ensemble or "none")
    arms = [name for name in rows if name not in shipped]  # with their balanced rows, if any
    compared = [next(iter(rows)), *arms] if args.against_shipped else arms
    below = below_control(summ, list(dict.fromkeys(compared)))
    print("\nDigits more than a point below the control's mean:", below or "none")
    print(
        json.dumps(
            {
                "epochs": args.epochs,
                "seeds": args.seeds,
                "arms": {arm: ARMS[arm] for arm in args.arms},
                "below_control": below,
                "ensembles": ensembles,
                "summary": summ,
                "models": results,
            }
        )
    )


if __name__ == "__main__":
    main()
