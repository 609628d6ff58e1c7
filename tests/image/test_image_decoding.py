"""The 0-255 rule every picture uses, and unusual or hostile files, each said clearly.

Each test here failed before the fix it checks: the float rule warned and drew
all black, a text-chunk bomb was called "damaged", 16-bit colour and
infinities went unmentioned.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image

from model.images import eight_bit
from model.images.decoding import ImageDecodeError, decode_image, npy_bytes
from model.images.eight_bit import EightBitScale

RNG = np.random.default_rng(7)


def encode(img: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width: int, height: int, depth: int, colour_type: int, rows: bytes) -> bytes:
    """A PNG made by hand, for what Pillow cannot write (16-bit colour)."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


# --- The 0-255 rule ------------------------------------------------------------------------


def test_16_bit_rule_is_round_of_value_over_257_for_every_value():
    values = np.arange(65536, dtype=np.uint16)
    expected = np.round(values / 257).astype(np.uint8)
    np.testing.assert_array_equal(EightBitScale.of(values).apply(values), expected)


def test_float_stretch_uses_finite_values_and_shows_infinities_without_warnings():
    values = np.array([[-1.0, 0.0, np.inf], [1.0, 3.0, np.nan], [-np.inf, 3.0, 1.0]], np.float32)
    scale = EightBitScale.of(values)
    assert (scale.low, scale.high) == (-1.0, 3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old rule warned "invalid value" and drew all black
        eight = scale.apply(values)
    np.testing.assert_array_equal(eight, [[0, 64, 255], [128, 255, 0], [0, 255, 128]])


def test_no_finite_value_and_constant_images_draw_black():
    assert EightBitScale.of(np.full((2, 2), np.nan, np.float32)).apply(np.zeros(1)).tolist() == [0]
    constant = np.full((3, 3), 7, np.int32)
    np.testing.assert_array_equal(EightBitScale.of(constant).apply(constant), 0)


def test_blocks_give_the_same_result_as_one_piece(monkeypatch):
    values = RNG.normal(size=(50, 30, 2)).astype(np.float32)
    whole = EightBitScale.of(values).apply(values)
    monkeypatch.setattr(eight_bit, "BLOCK_VALUES", 120)  # 2 rows of 60 values a block
    assert len(list(eight_bit.row_blocks(values.shape))) == 25
    # Split between two threads, each block is half the size: 1 row of 60 values.
    assert len(list(eight_bit.row_blocks(values.shape, share=2))) == 50
    np.testing.assert_array_equal(EightBitScale.of(values).apply(values), whole)


def test_one_value_gives_one_number():
    gray16 = np.array([[0, 65535]], np.uint16)
    assert EightBitScale.of(gray16).apply(gray16[0, 1]) == 255
    assert EightBitScale.of(gray16).apply(gray16[0, 1]).shape == ()


# --- Hostile and unusual files ------------------------------------------------------------------


@pytest.mark.parametrize("kind", [b"zTXt", b"iCCP"])
def test_text_chunk_bomb_is_called_a_decompression_bomb(kind):
    plain = encode(Image.new("RGB", (8, 8), (9, 9, 9)))
    packed = zlib.compress(bytes(50 * 2**20), 9)  # 50 MB of zeros in about 50 KB
    bomb = png_chunk(kind, b"name\x00\x00" + packed)
    data = plain[:33] + bomb + plain[33:]  # after the signature and IHDR
    with pytest.raises(ImageDecodeError, match="bomb.png: refused, a decompression bomb"):
        decode_image(data, "bomb.png")


def test_16_bit_colour_png_says_the_low_bits_are_dropped():
    values = np.array([[[1000, 2000, 65535]] * 3] * 2, dtype=">u2")  # 2 rows, 3 pixels
    rows = b"".join(b"\x00" + row.tobytes() for row in values)
    decoded = decode_image(raw_png(3, 2, 16, 2, rows), "deep-colour.png")
    assert decoded.array.dtype == np.uint8
    assert decoded.array[0, 0].tolist() == [1000 // 256, 2000 // 256, 255]
    assert any("16 bits per channel" in note and "uint8" in note for note in decoded.notes)


def raw_rgb_tiff(values: np.ndarray) -> bytes:
    """An uncompressed little-endian RGB TIFF of uint16 `values` (H, W, 3), made by hand."""
    height, width, _ = values.shape
    pixels = values.astype("<u2").tobytes()
    short, long = 3, 4
    tags = [  # (tag, type, value); 258 and 273 point past the directory
        (256, short, width),
        (257, short, height),
        (258, short, None),
        (259, short, 1),
        (262, short, 2),
        (273, long, None),
        (277, short, 3),
        (278, short, height),
        (279, long, len(pixels)),
    ]
    bits_at = 8 + 2 + 12 * len(tags) + 4
    pixels_at = bits_at + 6
    directory = struct.pack("<H", len(tags))
    for tag, kind, value in tags:
        if tag == 258:
            directory += struct.pack("<HHII", tag, kind, 3, bits_at)
        elif tag == 273:
            directory += struct.pack("<HHII", tag, kind, 1, pixels_at)
        elif kind == short:
            directory += struct.pack("<HHIHH", tag, kind, 1, value, 0)
        else:
            directory += struct.pack("<HHII", tag, kind, 1, value)
    header = b"II*\x00" + struct.pack("<I", 8)
    return header + directory + struct.pack("<I", 0) + struct.pack("<3H", 16, 16, 16) + pixels


def test_16_bit_colour_tiff_says_the_low_bits_are_dropped():
    values = np.array([[[1000, 2000, 65535]] * 3] * 2, dtype=np.uint16)
    decoded = decode_image(raw_rgb_tiff(values), "deep-colour.tif")
    assert decoded.array[0, 0].tolist() == [1000 // 256, 2000 // 256, 255]
    assert any("TIFF stores 16 bits per channel" in note for note in decoded.notes)


def test_8_bit_tiff_and_32_bit_float_tiff_have_no_such_note(tmp_path):
    for mode, array in (
        ("RGB", np.zeros((4, 5, 3), np.uint8)),
        ("F", np.zeros((4, 5), np.float32)),
    ):
        path = tmp_path / f"{mode}.tif"
        Image.fromarray(array, mode=mode).save(path)
        decoded = decode_image(path.read_bytes(), path.name)
        assert not any("16 bits" in note for note in decoded.notes)


def test_8_bit_png_has_no_such_note():
    assert decode_image(encode(Image.new("RGB", (4, 4))), "plain.png").notes == ()


def test_float_tiff_with_infinities_says_what_it_found():
    values = np.array([[0.0, 1.0, np.inf], [np.nan, np.inf, -np.inf]], dtype=np.float32)
    decoded = decode_image(encode(Image.fromarray(values), "TIFF"), "odd.tif")
    note = next(note for note in decoded.notes if "not finite" in note)
    assert "2 × +inf, 1 × -inf, 1 × NaN" in note
    assert "+inf as 255" in note


def test_decoded_array_is_read_only_so_sessions_can_share_it():
    decoded = decode_image(encode(Image.new("L", (4, 4))))
    with pytest.raises(ValueError):
        decoded.array[0, 0] = 1


def test_npy_bytes_is_what_np_save_writes():
    for array in (RNG.integers(0, 65536, (5, 7), dtype=np.uint16), np.ones((2, 3, 4), np.uint8)):
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        assert npy_bytes(array) == buffer.getvalue()
