"""How well the models read digits from other hands than MNIST's writers.

Sets built from Debian packages (installed with apt-get when run as root, or
the command to do so is printed), each a family with one use
(benchmarks/hands/families.py):

- choose: "fonts" (handwriting fonts, clean and jittered in size, place,
  rotation, slant and pen weight), "strokes" (the Hershey fonts' pen strokes
  redrawn with a random hand and a round pen 8 to 26 px wide), their
  "validation" twins from other fonts, and "narrow" strokes of both (a hand
  that writes narrow: the held-out writers' 1-bias). Look at these to choose recipes,
  readings and settings.
- report: "reported fonts" and "reported strokes", from a font group nothing
  else uses. Read them once, at the end, for the published figure.

Every picture is white ink on a black 280 × 280 canvas, as the draw page
receives it, and goes through the draw page's `prepare_digit` into each model,
which reads it as the draw page does: the input and a copy sheared upright,
averaged. Each model is also scored on one reading of the input, for comparison.
Built from fixed seeds: the same pictures on every run.

    python benchmarks/other_hands.py [--models seed default PATH.keras ...]
    python benchmarks/other_hands.py --families report   # once, at the end
    python benchmarks/other_hands.py --sets fonts strokes  # some choosing sets only

Prints accuracy per set, per digit and the other digits read as 1 for each
model, the main model's accuracy per source, and the confusions that cost
most. The last line is one JSON object: each set's accuracy for the main
model (the default if named, else the last) as the app reads, "one_reading"
for it read once, and for every model and reading "accuracy", "per_class"
(digit -> accuracy) and "read_as_one" (digit -> how many read as 1).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.hands import fonts, strokes, tables  # noqa: E402
from benchmarks.hands.families import FAMILIES, USES, Family, families, family  # noqa: E402
from benchmarks.hands.packages import ensure_installed  # noqa: E402
from model.preprocess import prepare_digit  # noqa: E402

CHUNK = 50  # pictures per worker task


@dataclass(frozen=True)
class Picture:
    """Where one picture comes from: enough to draw it again in any process."""

    set: str  # the family's name
    source: str  # the font or stroke design
    digit: int
    index: int  # which drawing of this source and digit; 0 is the clean one for fonts


def family_pictures(chosen: list[Family]) -> list[Picture]:
    return [
        Picture(fam.name, source, digit, k)
        for fam in chosen
        for source in fam.sources
        for digit in range(10)
        for k in range(fam.drawings)
    ]


def draw(picture: Picture) -> np.ndarray:
    """The (280, 280) uint8 canvas picture, white on black."""
    fam = family(picture.set)
    return fam.draw(fam.sources.index(picture.source), picture.digit, picture.index)


def prepared(chunk: list[Picture]) -> np.ndarray:
    """(len(chunk), 28, 28) uint8 model inputs, as the draw page makes them; zeros if blank."""
    out = np.zeros((len(chunk), 28, 28), np.uint8)
    for i, picture in enumerate(chunk):
        digit = prepare_digit(draw(picture))
        if not digit.blank:
            out[i] = np.round(digit.input * 255)
    return out


def build_inputs(pictures: list[Picture], workers: int) -> np.ndarray:
    chunks = [pictures[i : i + CHUNK] for i in range(0, len(pictures), CHUNK)]
    # Spawned workers, started before TensorFlow is imported (a forked TensorFlow can hang).
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return np.concatenate(pool.map(prepared, chunks))


def required_files(chosen: list[Family]) -> list[tuple[str, Path]]:
    files = [(font.package, font.path) for fam in chosen for font in fam.fonts]
    designs = [d for fam in chosen for d in fam.designs]
    return files + [(strokes.PACKAGE, strokes.HERSHEY / d.file) for d in designs]


def chosen_families(use: str, names: list[str] | None) -> list[Family]:
    """The families of one use, or those named (of any use)."""
    if not names:
        return families(use)
    known = [f.name for f in FAMILIES]
    unknown = [n for n in names if n not in known]
    if unknown:
        sys.exit(f"No such set: {', '.join(unknown)}. The sets are: {', '.join(known)}")
    return [family(n) for n in names]


def load_or_build(path: Path | None, pictures: list[Picture], workers: int) -> np.ndarray:
    """The prepared inputs: from `path` if it holds these very pictures, else drawn (and saved)."""
    key = np.array([f"{p.set}|{p.source}|{p.digit}|{p.index}" for p in pictures])
    if path and path.exists():
        saved = np.load(path)
        if "key" in saved and np.array_equal(saved["key"], key):
            return saved["inputs"]
        print(f"{path} holds other pictures: drawing them again.")
    start = time.perf_counter()
    inputs = build_inputs(pictures, workers)
    if path:
        np.savez_compressed(path, inputs=inputs, key=key)
    print(f"Drew and prepared {len(pictures):,} pictures in {time.perf_counter() - start:.0f} s.")
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["seed", "default"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--families",
        choices=USES,
        default="choose",
        help="choose: the sets to choose on (default); report: the reported sets, once at the end",
    )
    parser.add_argument("--sets", nargs="+", metavar="NAME", help="only these sets, by name")
    parser.add_argument("--inputs", type=Path, help="reuse (or save) the prepared inputs here")
    parser.add_argument("--save-examples", type=Path, help="write a contact sheet PNG here")
    args = parser.parse_args()

    chosen = chosen_families(args.families, args.sets)
    ensure_installed(required_files(chosen))
    pictures = family_pictures(chosen)
    labels = np.array([p.digit for p in pictures])
    if args.save_examples:
        save_examples(pictures, args.save_examples)
    inputs = load_or_build(args.inputs, pictures, args.workers)

    set_names = [f.name for f in chosen]
    in_set = {name: np.array([p.set == name for p in pictures]) for name in set_names}
    sizes = {s: int(in_set[s].sum()) for s in set_names}
    sources = np.array([p.source for p in pictures])
    blank = ~inputs.reshape(len(inputs), -1).any(axis=1)
    for fam in chosen:
        print(
            f"{fam.name} ({fam.use}): {sizes[fam.name]:,} pictures from {len(fam.sources)} "
            f"sources, {', '.join(fam.packages)} "
            f"({blank[in_set[fam.name]].sum()} came out blank and count as wrong)"
        )

    from model.files.persistence import load_model
    from model.network.inference import DigitClassifier
    from model.preprocess.reading import read_inputs

    # Each model as the app reads (the input and its upright copy, averaged),
    # and with one reading of the input only, for comparison.
    predicted = {}
    for name in args.models:
        classifier = DigitClassifier(load_model(name)[0])
        for upright, label in ((True, name), (False, f"{name}, one reading")):
            probabilities = read_inputs(
                classifier, inputs.astype(np.float32) / 255, upright=upright
            )
            predicted[label] = np.where(blank, -1, np.argmax(probabilities, axis=1))

    def for_each(score) -> dict:
        return {
            m: {s: score(predicted[m], labels, in_set[s]) for s in set_names} for m in predicted
        }

    accuracy = for_each(lambda p, y, mask: float(np.mean(p[mask] == y[mask])))
    per_class = for_each(tables.per_class)
    ones = for_each(tables.read_as_one)
    print("\n" + tables.set_table(accuracy, set_names, sizes))
    for s in set_names:
        print(f"\n{s}, per digit:\n" + tables.digit_table(per_class, s))
        print(f"\n{s}, other digits read as 1:\n" + tables.ones_table(ones, s))
    main_model = "default" if "default" in args.models else args.models[-1]
    for s in set_names:
        print(f"\n{main_model} on {s}, per source:")
        print(tables.source_table(predicted[main_model], labels, sources, in_set[s]))
    print("\nConfusions that cost most (true → read as: count):")
    for m in predicted:
        for s in set_names:
            print(f"  {m}, {s}: {tables.confusions(predicted[m], labels, in_set[s])}")

    print(
        json.dumps(
            {
                **accuracy[main_model],
                "model": main_model,
                "one_reading": accuracy[f"{main_model}, one reading"],
                "families": {f.name: f.use for f in chosen},
                "accuracy": accuracy,
                "per_class": per_class,
                "read_as_one": ones,
                "pictures": sizes,
            }
        )
    )


def save_examples(pictures: list[Picture], path: Path) -> None:
    """A contact sheet of one picture in 40, each at a quarter size: to see what is measured."""
    from PIL import Image

    chosen = pictures[::40]
    columns, side = 20, fonts.CANVAS // 4
    rows = -(-len(chosen) // columns)
    sheet = Image.new("L", (columns * side, rows * side), 40)
    for i, picture in enumerate(chosen):
        thumb = Image.fromarray(draw(picture)).resize((side - 2, side - 2), Image.Resampling.BOX)
        sheet.paste(thumb, ((i % columns) * side, (i // columns) * side))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
