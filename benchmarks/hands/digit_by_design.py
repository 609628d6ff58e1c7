"""One digit of the choosing sets, design by design: how many each model reads right, and as what else.

The recipe study's tables give a digit's accuracy per set; a set's digit is a
few font or stroke designs drawn many times, so one design read one way or the
other moves it by many points. This says which designs, and what they are read as.

    python benchmarks/hands/digit_by_design.py --digit 6 --sets strokes "narrow strokes" \
        --models default /tmp/hands21-30/control-s0.keras /tmp/hands21-30/narrow_and_wide-s0.keras

Models are read as the app reads (recipe_study.py); the prepared pictures are kept in
--inputs, the recipe study's file when it is given. Never reads the reported families.
The last line is one JSON object: per set, design and model, the counts read as each digit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digit", type=int, required=True)
    parser.add_argument("--sets", nargs="+", required=True, help="choosing families")
    parser.add_argument("--models", nargs="+", required=True, help="a file, or a shipped name")
    parser.add_argument("--inputs", type=Path, default=Path("/tmp/hands21-30/choose-inputs.npz"))
    args = parser.parse_args()

    from benchmarks.hands.recipe_study import choosing_pictures
    from model.files.persistence import load_model
    from model.network.inference import DigitClassifier
    from model.preprocess.reading import read_inputs

    chosen, pictures, inputs = choosing_pictures(args.inputs)
    unknown = set(args.sets) - {f.name for f in chosen}
    if unknown:
        sys.exit(f"not a choosing family: {', '.join(sorted(unknown))}")
    picked = [i for i, p in enumerate(pictures) if p.digit == args.digit and p.set in args.sets]
    x = inputs[picked].astype(np.float32) / 255
    read = {}
    for name in args.models:
        model, _ = load_model(Path(name) if name.endswith(".keras") else name)
        read[name] = np.argmax(read_inputs(DigitClassifier(model), x), axis=1)

    counts: dict = {}
    for j, i in enumerate(picked):
        p = pictures[i]
        for name in args.models:
            design = counts.setdefault(p.set, {}).setdefault(p.source, {})
            design.setdefault(name, Counter())[int(read[name][j])] += 1
    short = {name: Path(name).stem for name in args.models}
    for set_name, designs in counts.items():
        print(f"\n{set_name}, {args.digit}s: read right of n, then what else")
        for source, by_model in designs.items():
            n = sum(next(iter(by_model.values())).values())
            cells = []
            for name, seen in by_model.items():
                others = ", ".join(f"{k}: {v}" for k, v in seen.most_common() if k != args.digit)
                cells.append(
                    f"{short[name]} {seen[args.digit]}" + (f" ({others})" if others else "")
                )
            print(f"  {source} (n={n}): " + " · ".join(cells))
    print(
        json.dumps(
            {
                s: {src: {short[m]: dict(c) for m, c in d.items()} for src, d in ds.items()}
                for s, ds in counts.items()
            }
        )
    )


if __name__ == "__main__":
    main()
