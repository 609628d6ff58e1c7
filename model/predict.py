"""Classify image files, or folders of them, with exactly the app's preprocessing.

    python -m model.predict PATH... [--model NAME_OR_PATH] [--photo] [--json]

With --json, one line per file: {"path", "digit", "probabilities"} or
{"path", "error"} for a blank, unreadable or non-image file; the rest carry on.
Files are decoded and preprocessed one by one, then classified in batches.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

CHUNK = 512  # files preprocessed before one batched forward pass


def expand(paths: list[str]) -> Iterator[Path]:
    """Files as given; folders expanded to the files inside them, recursively and sorted."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def prepare_file(path: Path, photo: bool) -> np.ndarray | str:
    """The 28×28 model input for one file, or a user-facing error message."""
    from model.images import ImageDecodeError, open_image_file, to_8bit
    from model.preprocess import prepare_digit

    try:
        decoded = open_image_file(path)
        # 16-bit and float files are put on the 0-255 scale, as the app shows them.
        prepared = prepare_digit(to_8bit(decoded.array), photo=photo)
    except (ImageDecodeError, OSError, ValueError) as err:
        return f"{path}: {err}" if str(path) not in str(err) else str(err)
    if prepared.blank:
        return f"{path}: {prepared.message or 'nothing drawn'}"
    return prepared.input


def predict_files(paths: list[str], model: str = "default", photo: bool = False) -> Iterator[dict]:
    from model.inference import DigitClassifier
    from model.persistence import load_model

    classifier = DigitClassifier(load_model(model)[0])
    files = list(expand(paths))
    for start in range(0, len(files), CHUNK):
        chunk = files[start : start + CHUNK]
        prepared = [prepare_file(path, photo) for path in chunk]
        ok = [i for i, p in enumerate(prepared) if not isinstance(p, str)]
        probs = classifier.probabilities(np.stack([prepared[i] for i in ok])) if ok else []
        by_index = dict(zip(ok, probs, strict=True))
        for i, path in enumerate(chunk):
            if i in by_index:
                p = by_index[i]
                yield {
                    "path": str(path),
                    "digit": int(np.argmax(p)),
                    "probabilities": [round(float(v), 6) for v in p],
                }
            else:
                yield {"path": str(path), "error": prepared[i]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m model.predict", description=__doc__.split("\n")[0]
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    parser.add_argument("--model", default="default", help='"default", "seed" or a .keras path')
    parser.add_argument(
        "--photo",
        action="store_true",
        help="photos of ink on paper: estimate the background and extract the ink first",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    args = parser.parse_args(argv)

    from model.persistence import ModelFileError

    failures = 0
    try:
        for row in predict_files(args.paths, args.model, args.photo):
            failures += "error" in row
            if args.json:
                print(json.dumps(row), flush=True)
            elif "error" in row:
                print(f"{row['path']}: error: {row['error']}")
            else:
                confidence = max(row["probabilities"])
                print(f"{row['path']}: {row['digit']} ({confidence:.1%})")
    except ModelFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # Exit 1 when some files could not be classified, so scripts can notice.
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
