"""How well the models read digits from other hands than MNIST's writers.

Two public sets, built from Debian packages (installed with apt-get when run as
root, or the command to do so is printed):

- fonts: the digits of handwriting fonts, each drawn once clean and several
  times jittered (size, place, rotation, slant, pen weight);
- strokes: the Hershey fonts' pen strokes redrawn with a random hand (slant,
  rotation, aspect, wobble) and a round pen 8 to 26 px wide.

Every picture is white ink on a black 280 × 280 canvas, as the draw page
receives it, and goes through the draw page's `prepare_digit` into each model,
which reads it as the draw page does: the input and a copy sheared upright,
averaged. Each model is also scored on one reading of the input, for comparison.
Built from fixed seeds: the same pictures on every run.

    python benchmarks/other_hands.py [--models seed default PATH.keras ...]
    python benchmarks/other_hands.py --validation   # held-out fonts, for choosing settings

`--validation` builds different sets from fonts that are not in the benchmark
(fonts-bwht, fonts-yozvox-yozfont), so training settings can be chosen without
looking at the benchmark's own digits.

Prints accuracy per set, per digit and the other digits read as 1 for each
model, the default model's accuracy per font and per stroke design, and the
confusions that cost most; the last line is one JSON object: {"fonts": ...,
"strokes": ...} for the default model as the app reads, "one_reading" for it
read once, and for every model and reading "accuracy", "per_class" (digit ->
accuracy) and "read_as_one" (digit -> how many read as 1).
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
from benchmarks.hands.packages import ensure_installed  # noqa: E402
from benchmarks.hands.validation import VALIDATION_FONTS, skeleton_strokes  # noqa: E402
from model.preprocess import prepare_digit  # noqa: E402

SEED = 10  # every picture's randomness derives from this and the picture's place in its set
VALIDATION_SEED = 20_000  # ...and the validation sets' from this one
JITTERED = 8  # jittered drawings per font and digit, besides the clean one
DRAWINGS = 40  # drawings per stroke design and digit
VALIDATION_DRAWINGS = 12  # per validation font and digit, as strokes
CHUNK = 50  # pictures per worker task


@dataclass(frozen=True)
class Picture:
    """Where one picture comes from: enough to draw it again in any process."""

    set: str  # "fonts" or "strokes" (or their validation twins)
    source: str  # the font or stroke design
    digit: int
    index: int  # which drawing of this source and digit; 0 is the clean one for fonts


def benchmark_pictures() -> list[Picture]:
    pictures = [
        Picture("fonts", font.name, digit, k)
        for font in fonts.FONTS
        for digit in range(10)
        for k in range(1 + JITTERED)
    ]
    pictures += [
        Picture("strokes", design.name, digit, k)
        for design in strokes.DESIGNS
        for digit in range(10)
        for k in range(DRAWINGS)
    ]
    return pictures


def validation_pictures() -> list[Picture]:
    pictures = [
        Picture("validation fonts", font.name, digit, k)
        for font in VALIDATION_FONTS
        for digit in range(10)
        for k in range(1 + JITTERED)
    ]
    pictures += [
        Picture("validation strokes", font.name, digit, k)
        for font in VALIDATION_FONTS
        for digit in range(10)
        for k in range(VALIDATION_DRAWINGS)
    ]
    return pictures


def draw(picture: Picture) -> np.ndarray:
    """The (280, 280) uint8 canvas picture, white on black."""
    validation = picture.set.startswith("validation")
    kind = "fonts" if picture.set.endswith("fonts") else "strokes"
    font_list = VALIDATION_FONTS if validation else fonts.FONTS
    if kind == "fonts" or validation:  # validation strokes are traced from its fonts
        number = [f.name for f in font_list].index(picture.source)
    else:
        number = [d.name for d in strokes.DESIGNS].index(picture.source)
    # One generator per picture, seeded by its place: pictures do not depend on each other.
    base = VALIDATION_SEED if validation else SEED
    kind_number = ("fonts", "strokes").index(kind)
    rng = np.random.default_rng([base, kind_number, number, picture.digit, picture.index])
    if kind == "fonts":
        jitter = fonts.Jitter() if picture.index == 0 else fonts.random_jitter(rng)
        return fonts.draw_digit(font_list[number], picture.digit, jitter)
    if validation:
        lines = skeleton_strokes(font_list[number], picture.digit)
    else:
        lines = _design_strokes(number)[picture.digit]
    return strokes.draw_strokes(lines, strokes.random_hand(rng))


_DESIGN_CACHE: dict[int, list[list[np.ndarray]]] = {}


def _design_strokes(number: int) -> list[list[np.ndarray]]:
    if number not in _DESIGN_CACHE:
        _DESIGN_CACHE[number] = strokes.digit_strokes(strokes.DESIGNS[number])
    return _DESIGN_CACHE[number]


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


def required_files(validation: bool) -> list[tuple[str, Path]]:
    if validation:
        return [(font.package, font.path) for font in VALIDATION_FONTS]
    files = [(font.package, font.path) for font in fonts.FONTS]
    return files + [(strokes.PACKAGE, strokes.HERSHEY / d.file) for d in strokes.DESIGNS]


# --- Reporting ---------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["seed", "default"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--validation", action="store_true", help="held-out fonts instead")
    parser.add_argument("--inputs", type=Path, help="reuse (or save) the prepared inputs here")
    parser.add_argument("--save-examples", type=Path, help="write a contact sheet PNG here")
    args = parser.parse_args()

    ensure_installed(required_files(args.validation))
    pictures = validation_pictures() if args.validation else benchmark_pictures()
    labels = np.array([p.digit for p in pictures])
    if args.save_examples:
        save_examples(pictures, args.save_examples)

    start = time.perf_counter()
    if args.inputs and args.inputs.exists():
        inputs = np.load(args.inputs)["inputs"]
        if len(inputs) != len(pictures):
            sys.exit(f"{args.inputs} holds {len(inputs)} inputs, not {len(pictures)}")
    else:
        inputs = build_inputs(pictures, args.workers)
        if args.inputs:
            np.savez_compressed(args.inputs, inputs=inputs)
        print(
            f"Drew and prepared {len(pictures):,} pictures in {time.perf_counter() - start:.0f} s."
        )
    set_names = list(dict.fromkeys(p.set for p in pictures))
    in_set = {name: np.array([p.set == name for p in pictures]) for name in set_names}
    sources = np.array([p.source for p in pictures])
    blank = ~inputs.reshape(len(inputs), -1).any(axis=1)
    for name in set_names:
        sources_in = dict.fromkeys(sources[in_set[name]])
        print(
            f"{name}: {in_set[name].sum():,} pictures from {len(sources_in)} sources "
            f"({blank[in_set[name]].sum()} came out blank and count as wrong)"
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
    sizes = {s: int(in_set[s].sum()) for s in set_names}
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
                **{s.removeprefix("validation "): accuracy[main_model][s] for s in set_names},
                "model": main_model,
                "one_reading": {
                    s.removeprefix("validation "): accuracy[f"{main_model}, one reading"][s]
                    for s in set_names
                },
                "validation": args.validation,
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
