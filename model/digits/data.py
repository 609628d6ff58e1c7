"""MNIST loading: one loader, three sources, tried in order.

1. An explicit path (argument, CLI flag or the MNIST_PATH environment variable):
   Keras's `mnist.npz` layout, or a folder with the four official IDX files
   (`.gz` or not).
2. `keras.datasets.mnist.load_data()`, which downloads once and caches.
3. The bundled sample in model/mnist_sample/ (real MNIST digits, < 1 MB), with a notice.

An explicit path that is broken is an error, never a silent fallback: the user
asked for that file. Every array is validated before anyone trains on it.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.digits.mnist import SIDE

ENV_VAR = "MNIST_PATH"
BUNDLED_SAMPLE = Path(__file__).parent.parent / "mnist_sample" / "mnist-sample.npz"
OFFICIAL_TEST_SIZE = 10_000
OFFICIAL_TRAIN_SIZE = 60_000

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
# IDX magic numbers: 0x08 = unsigned byte, last byte = number of dimensions.
IDX_IMAGES_MAGIC = 0x00000803
IDX_LABELS_MAGIC = 0x00000801


class DataError(ValueError):
    """A data file is missing, unreadable or not MNIST-shaped. The message names the file."""


@dataclass(frozen=True)
class MnistData:
    x_train: np.ndarray  # (N, 28, 28) uint8, white digit on black
    y_train: np.ndarray  # (N,) uint8 in 0..9
    x_test: np.ndarray  # (M, 28, 28) uint8
    y_test: np.ndarray  # (M,) uint8
    source: str  # where it came from, for people: a path, "Keras download", "bundled sample"
    notice: str | None = None  # shown to the user when this is not the data they would expect

    @property
    def train_description(self) -> str:
        return training_digits_words(len(self.x_train))

    @property
    def test_description(self) -> str:
        m = len(self.x_test)
        if m == OFFICIAL_TEST_SIZE:
            return f"official MNIST test set ({m:,} digits)"
        return f"first {m:,} digits of the official MNIST test set"


def training_digits_words(n: int) -> str:
    """The first `n` training digits, in words: what a model card says it was trained on."""
    if n == OFFICIAL_TRAIN_SIZE:
        return f"full MNIST training set ({n:,} digits)"
    return f"first {n:,} MNIST training digits"


def load_mnist(path: str | Path | None = None, *, allow_download: bool = True) -> MnistData:
    """Load MNIST from `path`, else $MNIST_PATH, else Keras's download, else the bundled sample."""
    explicit = path if path is not None else os.environ.get(ENV_VAR) or None
    if explicit is not None:
        return load_path(explicit)
    if allow_download:
        try:
            return _load_with_keras()
        except Exception as err:  # noqa: BLE001 - any download/cache failure falls through
            reason = f"{type(err).__name__}: {err}".splitlines()[0][:200]
            return load_bundled_sample(
                notice=f"MNIST could not be downloaded ({reason}). Using the bundled sample instead."
            )
    return load_bundled_sample()


def load_path(path: str | Path) -> MnistData:
    path = Path(path).expanduser()
    if path.is_dir():
        return _load_idx_folder(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if not path.is_file():  # a pipe or a device would hang or fill memory
        raise DataError(f"{path}: not a regular file or folder")
    return _load_npz(path, source=str(path))


def load_bundled_sample(notice: str | None = None) -> MnistData:
    data = _load_npz(BUNDLED_SAMPLE, source="bundled sample")
    default_notice = (
        f"Using the bundled MNIST sample: {len(data.x_train):,} training and "
        f"{len(data.x_test):,} test digits. Accuracies on it are not comparable with the "
        "official 10,000-digit test set."
    )
    return MnistData(
        data.x_train,
        data.y_train,
        data.x_test,
        data.y_test,
        data.source,
        notice=f"{notice} {default_notice}" if notice else default_notice,
    )


def _load_with_keras() -> MnistData:
    import keras  # imported here: TensorFlow is heavy and only this path needs it

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return validated(
        x_train, y_train, x_test, y_test, name="Keras MNIST cache", source="Keras download"
    )


def _load_npz(path: Path, *, source: str) -> MnistData:
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in IDX_FILES if key not in npz.files]
            if missing:
                raise DataError(
                    f"{path}: missing arrays {missing}; expected Keras's mnist.npz layout "
                    "with x_train, y_train, x_test, y_test"
                )
            arrays = {key: npz[key] for key in IDX_FILES}
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001 - zip, pickle and header errors all mean "unreadable"
        raise DataError(f"{path}: not a readable .npz file ({type(err).__name__}: {err})") from err
    return validated(**arrays, name=str(path), source=source)


def _load_idx_folder(folder: Path) -> MnistData:
    arrays = {}
    for key, stem in IDX_FILES.items():
        candidates = [folder / stem, folder / f"{stem}.gz"]
        # Some mirrors spell the files with a dot before "idx".
        candidates += [
            folder / stem.replace("-idx", ".idx"),
            folder / f"{stem.replace('-idx', '.idx')}.gz",
        ]
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            raise DataError(f"{folder}: no {stem} (or {stem}.gz) in this folder")
        arrays[key] = read_idx(found)
    return validated(**arrays, name=str(folder), source=str(folder))


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (optionally gzipped) into a uint8 array."""
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DataError(f"{path}: cannot read ({err})") from err
    if len(raw) < 8:
        raise DataError(f"{path}: too short to be an IDX file ({len(raw)} bytes)")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC):
        raise DataError(f"{path}: not an IDX file of unsigned bytes (magic number {magic:#010x})")
    ndim = magic & 0xFF
    header_end = 4 + 4 * ndim
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    expected = int(np.prod(dims))
    if len(raw) - header_end != expected:
        raise DataError(
            f"{path}: header says {dims} = {expected:,} bytes of data, file has "
            f"{len(raw) - header_end:,} (truncated or corrupt)"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_end).reshape(dims)


def validated(x_train, y_train, x_test, y_test, *, name: str, source: str) -> MnistData:
    """Check shapes, dtypes and labels; return them as MnistData or raise DataError naming `name`."""
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim != 3 or x.shape[1:] != (SIDE, SIDE):
            raise DataError(f"{name}: x_{split} has shape {x.shape}, expected (N, {SIDE}, {SIDE})")
        if x.dtype != np.uint8:
            raise DataError(f"{name}: x_{split} has dtype {x.dtype}, expected uint8 (0-255)")
        if y.ndim != 1 or len(y) != len(x):
            raise DataError(
                f"{name}: y_{split} has shape {y.shape}, expected ({len(x)},) to match x_{split}"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise DataError(f"{name}: y_{split} has dtype {y.dtype}, expected integer labels")
        if len(y) == 0:
            raise DataError(f"{name}: the {split} split is empty")
        if y.min() < 0 or y.max() > 9:
            raise DataError(f"{name}: y_{split} has labels outside 0-9 ({y.min()}..{y.max()})")
    return MnistData(
        x_train=np.asarray(x_train),
        y_train=np.asarray(y_train).astype(np.uint8),
        x_test=np.asarray(x_test),
        y_test=np.asarray(y_test).astype(np.uint8),
        source=source,
    )


def as_model_input(x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) uint8 -> (N, 28, 28, 1) float32 in [0, 1], what the CNN reads."""
    return (np.asarray(x, dtype=np.float32) / 255.0)[..., np.newaxis]
