"""Classify image files, or folders of them, with exactly the app's preprocessing.

    python -m model.predict PATH... [--model NAME_OR_PATH] [--ink auto|dark-on-light|light-on-dark]
                            [--photo] [--no-upright] [--json]

Each picture is taken to be dark ink on light paper (a photo or scan: the paper
and its shadows are taken out first) or light ink on dark (the canvas, MNIST
files), as guessed from the picture itself unless --ink says which; --photo is
--ink dark-on-light. The output says which was assumed.

As on the draw page, the model reads each digit twice, as prepared and
sheared upright, and averages the two (model/preprocess/reading.py); --no-upright reads
it once, as prepared.

With --json, one line per file: {"path", "digit", "probabilities", "ink",
"ink_guessed", "upright"} or {"path", "error"} for a blank, unreadable or non-image file;
the rest carry on. Files are decoded and preprocessed one by one, then
classified in batches.
"""

from __future__ import annotations

import argparse
import json
import stat
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.preprocess import PreparedDigit

CHUNK = 512  # files preprocessed before one batched forward pass
STREAMLIT_CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


def upload_limit_mb() -> int:
    """The app's upload limit (server.maxUploadSize), so the CLI refuses what the app would."""
    try:
        with open(STREAMLIT_CONFIG, "rb") as f:
            return int(tomllib.load(f)["server"]["maxUploadSize"])
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError):
        return 200  # Streamlit's own default


def unreadable_reason(path: Path, limit_mb: int) -> str | None:
    """Why a path is not a file to read, checked without opening it (a FIFO would block)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "no such file"
    except OSError as err:
        return f"cannot read it ({err.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a device, pipe or socket), so it is not read"
    if info.st_size > limit_mb * 1024 * 1024:
        return f"{info.st_size / 1e6:.0f} MB is over the {limit_mb} MB limit for one image"
    return None


def expand(paths: list[str]) -> Iterator[Path]:
    """Paths as given; folders expanded to what is inside them, recursively and sorted.

    Anything inside a folder that is not a folder is yielded, so that a pipe or
    a device among the images is reported rather than silently skipped.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if not p.is_dir())
        else:
            yield path


def prepare_file(path: Path, ink: str | None, limit_mb: int) -> PreparedDigit | str:
    """The prepared digit for one file (None `ink`: guessed), or a user-facing error message.

    The message does not name the file: whoever prints it names it once.
    """
    from model.images.decoding import ImageDecodeError, open_image_file, to_8bit
    from model.preprocess import prepare_for_ink

    reason = unreadable_reason(path, limit_mb)
    if reason is not None:
        return reason
    try:
        decoded = open_image_file(path)
        # 16-bit and float files are put on the 0-255 scale, as the app shows them.
        prepared = prepare_for_ink(to_8bit(decoded.array), ink)
    except (ImageDecodeError, OSError, ValueError) as err:
        # The decoder's messages start with the file's name, for the app's error boxes.
        return str(err).removeprefix(f"{path.name}: ")
    if prepared.blank:
        return f"no digit found: {prepared.message[0].lower()}{prepared.message[1:]}"
    return prepared


def predict_files(
    paths: list[str], model: str = "default", ink: str | None = None, upright: bool = True
) -> Iterator[dict]:
    """One dict per file, in order; `ink` None guesses each picture's ink."""
    from model.files.persistence import load_model
    from model.network.inference import DigitClassifier
    from model.preprocess.reading import read_inputs

    classifier = DigitClassifier(load_model(model)[0])
    files = list(expand(paths))
    limit_mb = upload_limit_mb()
    for start in range(0, len(files), CHUNK):
        chunk = files[start : start + CHUNK]
        prepared = [prepare_file(path, ink, limit_mb) for path in chunk]
        ok = [i for i, p in enumerate(prepared) if not isinstance(p, str)]
        inputs = np.stack([prepared[i].input for i in ok]) if ok else None
        probs = read_inputs(classifier, inputs, upright=upright) if ok else []
        by_index = dict(zip(ok, probs, strict=True))
        for i, path in enumerate(chunk):
            if i in by_index:
                p = by_index[i]
                yield {
                    "path": str(path),
                    "digit": int(np.argmax(p)),
                    "probabilities": [round(float(v), 6) for v in p],
                    "ink": prepared[i].ink,
                    "ink_guessed": ink is None,
                    "upright": upright,
                }
            else:
                yield {"path": str(path), "error": prepared[i]}


def main(argv: list[str] | None = None) -> int:
    from model.preprocess import INK_WORDS

    parser = argparse.ArgumentParser(
        prog="python -m model.predict", description=__doc__.split("\n")[0]
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    parser.add_argument("--model", default="default", help='"default", "seed" or a .keras path')
    parser.add_argument(
        "--ink",
        choices=["auto", *INK_WORDS],
        default="auto",
        help="dark-on-light: photos and scans of ink on paper (the paper and its shadows are "
        "taken out first); light-on-dark: the canvas, MNIST files; auto (default): guessed "
        "from each picture",
    )
    parser.add_argument(
        "--photo",
        action="store_const",
        dest="ink",
        const="dark-on-light",
        help="the same as --ink dark-on-light",
    )
    parser.add_argument(
        "--upright",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also read each digit sheared upright and average the two readings, as the draw "
        "page does (default); --no-upright reads it once, as prepared",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    args = parser.parse_args(argv)

    from model.files.persistence import ModelFileError

    failures = 0
    try:
        ink = None if args.ink == "auto" else args.ink
        readings = "as prepared and upright, averaged" if args.upright else "as prepared only"
        for row in predict_files(args.paths, args.model, ink, args.upright):
            failures += "error" in row
            if args.json:
                print(json.dumps(row), flush=True)
            elif "error" in row:
                print(f"{row['path']}: error: {row['error']}")
            else:
                confidence = max(row["probabilities"])
                how = "guessed from the picture" if row["ink_guessed"] else "as told"
                print(
                    f"{row['path']}: {row['digit']} ({confidence:.1%}), "
                    f"read as {INK_WORDS[row['ink']]} ({how}); {readings}"
                )
    except ModelFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # Exit 1 when some files could not be classified, so scripts can notice.
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
