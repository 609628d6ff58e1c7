"""Files of my digits: the round trip, and hostile uploads refused in one sentence each."""

import io
import pickle
import struct
import zipfile

import numpy as np
import pytest

from model.mine.collection import MyDigits
from model.mine.files import (
    MAX_FILE_DIGITS,
    MineFileError,
    digits_npz,
    digits_zip,
    read_digits,
    read_digits_file,
)


def some_digits(n=12) -> MyDigits:
    rng = np.random.default_rng(1)
    return MyDigits.empty().added(
        rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n) % 10
    )


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_the_npz_round_trip_keeps_everything():
    mine = some_digits()
    back = read_digits(digits_npz(mine), "mine.npz")
    for field in ("x", "y", "drawings", "held_out"):
        assert np.array_equal(getattr(back, field), getattr(mine, field)), field
    assert back.x.dtype == np.uint8 and back.y.dtype == np.uint8


def test_a_file_with_only_x_and_y_gets_drawings_and_the_held_out_rule():
    x = np.zeros((4, 28, 28), np.uint8)
    back = read_digits(npz_bytes(x=x, y=np.array([2, 2, 2, 9], np.int64)), "hand.npz")
    assert back.drawings.shape == (4, 56, 56) and back.held_out.tolist() == [0, 1, 0, 0]


def test_the_zip_names_each_png_by_its_label():
    names = zipfile.ZipFile(io.BytesIO(digits_zip(some_digits(3)))).namelist()
    assert names == ["0/0000.png", "1/0001.png", "2/0002.png"]


def one_gigabyte_claim() -> bytes:
    """An .npz whose x header says 1.3 million digits (1 GB) over a few real bytes."""
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1400000, 28, 28), }"
    header += " " * (118 - len(header)) + "\n"
    x_npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\0" * 64
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", x_npy)
        archive.writestr("y.npy", npz_member(np.zeros(1400000, np.uint8)[:3]))
    return buffer.getvalue()


def npz_member(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """x.npy inflating to 200 MB from a few hundred kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("x.npy", "w", force_zip64=True) as member:
            member.write(npz_member(np.zeros((1, 28, 28), np.uint8)))
            chunk = bytes(2**20)
            for _ in range(200):
                member.write(chunk)
        archive.writestr("y.npy", npz_member(np.zeros(1, np.uint8)))
    return buffer.getvalue()


HOSTILE = {
    "a pickle": (pickle.dumps({"x": [1, 2, 3]}), "pickle"),
    "an object array": (
        npz_bytes(x=np.array([object()] * 2, dtype=object), y=np.zeros(2, np.uint8)),
        "Python objects",
    ),
    "a single .npy": (npz_member(np.zeros((2, 28, 28), np.uint8)), "single .npy"),
    "wrong shapes": (
        npz_bytes(x=np.zeros((3, 32, 32), np.uint8), y=np.zeros(3, np.uint8)),
        r"x has shape \(3, 32, 32\), expected \(N, 28, 28\)",
    ),
    "floats": (
        npz_bytes(x=np.zeros((3, 28, 28), np.float32), y=np.zeros(3, np.uint8)),
        "x has dtype float32, expected uint8",
    ),
    "counts that differ": (
        npz_bytes(x=np.zeros((3, 28, 28), np.uint8), y=np.zeros(2, np.uint8)),
        "x has 3 entries but y has 2",
    ),
    "label 10": (
        npz_bytes(x=np.zeros((2, 28, 28), np.uint8), y=np.array([1, 10])),
        "digits 0 to 9, and it has 10",
    ),
    "label -1": (
        npz_bytes(x=np.zeros((2, 28, 28), np.uint8), y=np.array([-1, 3])),
        "digits 0 to 9, and it has -1",
    ),
    "a 1 GB claim": (one_gigabyte_claim(), "x claims 1,400,000 digits, more than the 20,000"),
    "a zip bomb": (zip_bomb(), r"x would unpack to 2\d\d MB"),
    "a zip of PNGs": (digits_zip(some_digits(2)), "no array x or y"),
    "no y": (npz_bytes(x=np.zeros((2, 28, 28), np.uint8)), "no array y"),
    "a picture": (b"\x89PNG\r\n\x1a\n" + bytes(20), "a picture, not an .npz"),
    "a truncated npz": (digits_npz(some_digits())[:300], "not an .npz|damaged"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_files_are_refused_in_a_sentence_naming_the_file(kind):
    data, words = HOSTILE[kind]
    with pytest.raises(MineFileError, match=words) as caught:
        read_digits(data, "class-3b.npz")
    message = str(caught.value)
    assert message.startswith("class-3b.npz: ") and "\n" not in message
    assert "/" not in message.removeprefix("class-3b.npz: ")  # never a path


def test_too_many_digits_and_too_big_files_are_refused(tmp_path):
    many = MAX_FILE_DIGITS + 1
    data = npz_bytes(x=np.zeros((many, 28, 28), np.uint8), y=np.zeros(many, np.uint8))
    with pytest.raises(MineFileError, match="claims 20,001 digits"):
        read_digits(data, "pool.npz")
    with pytest.raises(MineFileError, match="MB"):
        read_digits(bytes(26 * 2**20), "huge.npz")
    with pytest.raises(MineFileError, match="no such file"):
        read_digits_file(tmp_path / "missing.npz")
    with pytest.raises(MineFileError, match="not a regular file"):
        read_digits_file(tmp_path)
