"""My digits as files: one .npz to keep and share, a zip of PNGs to look at, and checked reading.

The .npz holds `x` (N, 28, 28) uint8, `y` (N,) uint8, `drawings` (N, 56, 56)
uint8 and `held_out` (N,) bool; only `x` and `y` are required, so a file made
by hand from any 28 × 28 digits restores too.

An uploaded file is data, never code, and may be hostile: a pickle, arrays of
the wrong shape or kind, labels outside 0–9, a header that claims a gigabyte, a
zip that inflates without end. `read_digits` looks at the zip directory and at
each array's header before any array is read, refuses object arrays (a pickle
inside), and then reads with `np.load(..., allow_pickle=False)`, which reads
no more than the checked header says. Every refusal is one sentence naming the
file, as `MineFileError`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format
from PIL import Image

from model.digits.mnist import NUM_CLASSES, SIDE
from model.mine.collection import DRAWING_SIDE, MyDigits, held_out_flags

MAX_FILE_BYTES = 25 * 2**20  # as the app's other uploads; a full set compresses to ~3 MB
MAX_FILE_DIGITS = 20_000  # a class's pooled files; the browser keeps fewer (MAX_DIGITS)
ARRAYS = {  # name -> (shape after N, dtype kinds accepted)
    "x": ((SIDE, SIDE), "u"),
    "y": ((), "iu"),
    "drawings": ((DRAWING_SIDE, DRAWING_SIDE), "u"),
    "held_out": ((), "b"),
}
REQUIRED = ("x", "y")
PICKLE_STARTS = (b"\x80", b"(", b"c")  # pickle protocols 2+, and protocol 0's usual openings


class MineFileError(ValueError):
    """A file of digits that cannot be used; the message is one sentence naming it."""


def digits_npz(digits: MyDigits) -> bytes:
    """The set as one compressed .npz, the durable copy people download."""
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, x=digits.x, y=digits.y, drawings=digits.drawings, held_out=digits.held_out
    )
    return buffer.getvalue()


def digits_zip(digits: MyDigits) -> bytes:
    """A zip of the 28 × 28 inputs as PNGs, one folder per label: 3/0007.png."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (pixels, label) in enumerate(zip(digits.x, digits.y, strict=True)):
            png = io.BytesIO()
            Image.fromarray(pixels).save(png, format="PNG")
            archive.writestr(f"{label}/{index:04d}.png", png.getvalue())
    return buffer.getvalue()


def is_digits_file(path: str | Path) -> bool:
    """Whether `path` is an .npz of my digits (x and y) rather than MNIST's layout."""
    path = Path(path).expanduser()
    if not path.is_file() or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return {"x.npy", "y.npy"} <= names and "x_train.npy" not in names


def read_digits_file(path: str | Path) -> MyDigits:
    """For the command line: a file of my digits by path, checked like an upload."""
    path = Path(path).expanduser()
    name = path.name
    if not path.exists():
        raise MineFileError(f"{name}: no such file.")
    if not path.is_file():
        raise MineFileError(f"{name}: not a regular file.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise MineFileError(
            f"{name}: over {MAX_FILE_BYTES // 2**20} MB, too big for a set of digits."
        )
    return read_digits(path.read_bytes(), name)


def read_digits(data: bytes, name: str) -> MyDigits:
    """The digits in an uploaded .npz, or MineFileError saying in one sentence what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise MineFileError(
            f"{name}: {len(data) / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB "
            "a file of digits may have."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise MineFileError(f"{name}: {_what_it_is(data)}, not an .npz file of digits.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            headers = {key: _header(archive, key, name) for key in ARRAYS}
    except MineFileError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
        raise MineFileError(f"{name}: a damaged .npz file ({type(err).__name__}).") from err
    missing = [key for key in REQUIRED if headers[key] is None]
    if missing:
        raise MineFileError(
            f"{name}: no array {' or '.join(missing)} in it; a file of digits holds x "
            "(N, 28, 28) and y (N,)."
        )
    count = _checked_count(headers, name)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in ARRAYS if headers[key] is not None}
    except Exception as err:  # noqa: BLE001 - whatever numpy says, the file is unreadable
        raise MineFileError(
            f"{name}: its arrays could not be read ({type(err).__name__})."
        ) from err
    y = arrays["y"]
    if count and (y.min() < 0 or y.max() >= NUM_CLASSES):
        bad = sorted({int(v) for v in y if not 0 <= v < NUM_CLASSES})[:3]
        raise MineFileError(
            f"{name}: labels must be digits 0 to 9, and it has {', '.join(map(str, bad))}."
        )
    y = y.astype(np.uint8)
    x = arrays["x"]
    drawings = arrays.get("drawings")
    if drawings is None:
        from model.mine.collection import drawing_thumbnail

        drawings = (
            np.stack([drawing_thumbnail(d) for d in x]) if count else MyDigits.empty().drawings
        )
    held_out = arrays.get("held_out")
    if held_out is None:
        held_out = held_out_flags(np.zeros(NUM_CLASSES, int), y)
    return MyDigits(x, y, drawings, held_out.astype(bool))


def _header(archive: zipfile.ZipFile, key: str, name: str):
    """(shape, dtype) from one member's .npy header, read alone; None when it is absent."""
    try:
        info = archive.getinfo(f"{key}.npy")
    except KeyError:
        return None
    shape_after, _ = ARRAYS[key]
    limit = MAX_FILE_DIGITS * max(1, int(np.prod(shape_after))) * 8 + 4096
    if info.file_size > limit:
        raise MineFileError(
            f"{name}: its array {key} would unpack to {info.file_size / 2**20:,.0f} MB, far more "
            f"than {MAX_FILE_DIGITS:,} digits need."
        )
    with archive.open(info) as member:
        version = npy_format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(member)
        else:
            shape, fortran, dtype = npy_format.read_array_header_2_0(member)
    if dtype.hasobject:
        raise MineFileError(
            f"{name}: its array {key} holds Python objects (a pickle), which are never loaded."
        )
    return tuple(shape), dtype


def _checked_count(headers: dict, name: str) -> int:
    """N, once every array's shape and kind is right and N is within bounds."""
    for key, header in headers.items():
        claimed = header[0][0] if header is not None and header[0] else 0
        if claimed > MAX_FILE_DIGITS:
            raise MineFileError(
                f"{name}: its array {key} claims {claimed:,} digits, more than the "
                f"{MAX_FILE_DIGITS:,} a file may hold."
            )
    count = headers["y"][0][0] if len(headers["y"][0]) == 1 else None
    for key, header in headers.items():
        if header is None:
            continue
        shape, dtype = header
        shape_after, kinds = ARRAYS[key]
        want = "(N, " + ", ".join(map(str, shape_after)) + ")" if shape_after else "(N,)"
        if len(shape) != 1 + len(shape_after) or tuple(shape[1:]) != shape_after:
            raise MineFileError(f"{name}: {key} has shape {shape}, expected {want}.")
        if shape[0] != count:
            raise MineFileError(
                f"{name}: {key} has {shape[0]:,} entries but y has {count:,}; they must match."
            )
        if dtype.kind not in kinds or (key == "x" or key == "drawings") and dtype.itemsize != 1:
            expected = {"x": "uint8", "drawings": "uint8", "y": "integer", "held_out": "bool"}
            raise MineFileError(f"{name}: {key} has dtype {dtype}, expected {expected[key]}.")
    return count


def _what_it_is(data: bytes) -> str:
    if data.startswith(b"\x93NUMPY"):
        return "a single .npy array"
    if data[:1] in PICKLE_STARTS:
        return "a Python pickle (never loaded: it could run code)"
    if data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8")):
        return "a picture"
    return "not a zip archive"
