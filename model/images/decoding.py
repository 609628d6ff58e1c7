"""Read image files safely into numpy arrays: what a CNN is actually given.

`decode_image(data, name)` is the one door every image comes through, from the
page's uploader and from the `python -m model.predict` command line alike:

    >>> decoded = open_image_file("assets/samples/astronaut_400.jpg")
    >>> decoded.array.shape, decoded.array.dtype
    ((400, 400, 3), dtype('uint8'))

It is strict about what it opens (only ALLOWED_FORMATS, at most MAX_MEGAPIXELS,
checked from the header before any pixel is decoded) and never changes Pillow's
global settings, so one user's odd file cannot affect another session.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageOps

from model.images.eight_bit import EightBitScale, row_blocks

MAX_MEGAPIXELS = 50
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
# File-name endings the upload widgets offer; the bytes themselves decide the format.
UPLOAD_TYPES = ("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff")

# The first bytes of each allowed format (WEBP is checked apart: RIFF....WEBP).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
# Modes numpy turns straight into pixel values; anything else is converted.
_KEPT_MODES = {"L", "LA", "RGB", "RGBA", "I;16", "I", "F"}


class ImageDecodeError(ValueError):
    """The file cannot be shown. The message is for the user and names the file."""


@dataclass(frozen=True)
class DecodedImage:
    # What numpy sees after Pillow decodes the file and EXIF orientation is applied:
    # (H, W) for one channel, (H, W, C) otherwise. Converted only when the file's mode
    # does not hold pixel values numpy can show (palette, CMYK, 1-bit...): see notes.
    array: np.ndarray
    mode: str  # Pillow mode of `array` ("L", "LA", "RGB", "RGBA", "I;16", "I", "F")
    format: str  # "PNG", "JPEG", ...
    notes: tuple[str, ...]  # for the user: orientation, frames, conversions, warnings

    @property
    def height(self) -> int:
        return self.array.shape[0]

    @property
    def width(self) -> int:
        return self.array.shape[1]

    @property
    def channels(self) -> int:
        return 1 if self.array.ndim == 2 else self.array.shape[2]


def decode_image(data: bytes, name: str = "image") -> DecodedImage:
    """Decode image bytes, refusing anything that is not a sane image file.

    The array is read-only: the app shares one decoded image between sessions.
    """
    if not data:
        raise ImageDecodeError(f"{name}: the file is empty.")
    try:
        img = Image.open(BytesIO(data), formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError as err:
        # Pillow's own, larger limit; ours below is stricter and names the figure.
        raise ImageDecodeError(
            f"{name}: refused, the image is larger than {MAX_MEGAPIXELS} megapixels ({err})."
        ) from err
    except Exception as err:  # Pillow raises many types for files it cannot read
        raise _unreadable(name, data, err) from err

    with img:
        width, height = img.size  # read from the header: no pixels decoded yet
        if width * height > MAX_MEGAPIXELS * 1_000_000:
            raise ImageDecodeError(
                f"{name}: refused, {width} × {height} = {width * height / 1e6:,.0f} "
                f"megapixels is over this app's limit of {MAX_MEGAPIXELS} megapixels. "
                "Huge images can be tiny on disk (a decompression bomb) and would "
                "take gigabytes of memory once decoded."
            )
        notes: list[str] = []
        file_format = img.format or "unknown"
        frames = getattr(img, "n_frames", 1)
        if frames > 1:
            notes.append(
                f"This {file_format} has {frames} frames; showing the first frame of {frames}."
            )
        _note_bits_dropped(img, data, notes)
        try:
            img.load()
        except Exception as err:
            if _is_text_bomb(err):
                raise ImageDecodeError(_text_bomb_message(name)) from err
            raise ImageDecodeError(
                f"{name}: the {file_format} file is damaged or cut short, so its pixels "
                f"cannot be decoded ({err})."
            ) from err
        _turn_upright(img, notes)
        converted = _to_array_mode(img, notes)
        array = _pixels(converted)
        mode = converted.mode
    if array.dtype.byteorder == ">":  # big-endian 16-bit TIFF: same numbers, native order
        array = array.astype(array.dtype.newbyteorder("="))
    if array.dtype.kind == "f":
        _note_non_finite(array, notes)
    array.flags.writeable = False
    return DecodedImage(array=array, mode=mode, format=file_format, notes=tuple(notes))


def _pixels(img: Image.Image) -> np.ndarray:
    """np.asarray(img), a strip of rows at a time.

    np.asarray goes through Pillow's tobytes(), which holds the pixels twice more
    while it joins them: 400 MB more for a 49-megapixel RGBA image.
    """
    width, height = img.size
    first = np.asarray(img.crop((0, 0, width, 1)))
    array = np.empty((height, *first.shape[1:]), dtype=first.dtype)
    for rows in row_blocks(array.shape):
        bottom = min(rows.stop, height)
        array[rows.start : bottom] = np.asarray(img.crop((0, rows.start, width, bottom)))
    return array


def open_image_file(path: str | Path) -> DecodedImage:
    """Read a file from disk and decode it with `decode_image`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImageDecodeError(f"{path.name}: cannot read the file ({err.strerror}).") from err
    return decode_image(data, path.name)


def _sniff_format(data: bytes) -> str | None:
    """Which allowed format the first bytes announce, if any."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for signature, file_format in _SIGNATURES:
        if data.startswith(signature):
            return file_format
    return None


def _is_text_bomb(err: Exception) -> bool:
    """Pillow's refusal of a PNG text or colour-profile chunk that unpacks too far.

    It raises a plain ValueError naming its limits MAX_TEXT_CHUNK or MAX_TEXT_MEMORY.
    """
    return isinstance(err, ValueError) and "MAX_TEXT" in str(err)


def _text_bomb_message(name: str) -> str:
    return (
        f"{name}: refused, a decompression bomb. A text or colour-profile chunk in this "
        "PNG would unpack to far more than the few megabytes such notes ever need, so it "
        "is not opened."
    )


def _unreadable(name: str, data: bytes, err: Exception) -> ImageDecodeError:
    """Why Pillow could not open the file, in words: a bomb, a damaged file, or no image."""
    if _is_text_bomb(err):
        return ImageDecodeError(_text_bomb_message(name))
    looks_like = _sniff_format(data)
    if looks_like:
        return ImageDecodeError(
            f"{name}: starts like a {looks_like} file but is damaged or cut short, so it "
            "cannot be opened."
        )
    return ImageDecodeError(
        f"{name}: not an image this app can open. It must be one of "
        f"{', '.join(ALLOWED_FORMATS)} (the content decides, not the file extension)."
    )


def _bits_per_channel(img: Image.Image, data: bytes) -> int:
    """Bits per channel as the file stores them: Pillow reads 16-bit colour at 8 and keeps
    no record of it. A PNG's IHDR is its first chunk (depth at byte 24); a TIFF has its
    BitsPerSample tag; the other formats allowed hold 8 bits per channel at most."""
    if img.format == "PNG" and len(data) > 24:
        return data[24]
    if img.format == "TIFF":
        bits = img.tag_v2.get(258, 8)  # BitsPerSample, one per channel
        return max(bits) if isinstance(bits, tuple) else int(bits)
    return 8


def _note_bits_dropped(img: Image.Image, data: bytes, notes: list[str]) -> None:
    """Pillow reads 16-bit colour (and 16-bit gray + alpha) at 8 bits: say so."""
    if _bits_per_channel(img, data) == 16 and not img.mode.startswith("I"):
        notes.append(
            f"This {img.format} stores 16 bits per channel (0 to 65,535), but Pillow reads "
            f"it as mode {img.mode}, 8 bits per channel: numpy sees uint8 values from 0 to "
            "255, the top 8 bits of each stored value (value // 256), so the finest steps "
            "of brightness are lost. Only 16-bit grayscale files keep all 16 bits here."
        )


def _turn_upright(img: Image.Image, notes: list[str]) -> None:
    """Apply the EXIF orientation in place (ImageOps.exif_transpose), and say what it did."""
    try:
        orientation = img.getexif().get(ExifTags.Base.Orientation, 1)
        # Pillow skips EXIF it cannot parse (with only a logged warning): a block
        # from which not one tag could be read leaves the orientation unknown.
        unreadable = bool(img.info.get("exif")) and not img.getexif()
    except Exception:
        orientation, unreadable = 1, True
    if unreadable:
        notes.append(
            "Warning: the photo carries EXIF data, but not one tag could be read from it "
            "(it is damaged or empty), so which way up it was taken is unknown: it is shown "
            "as stored."
        )
    elif orientation not in range(1, 9):
        said = orientation if isinstance(orientation, int) else "not a number"
        notes.append(
            f"Warning: the photo's EXIF orientation ({said}) is not a valid value "
            "(1 to 8), so it is shown as stored."
        )
    elif orientation != 1:
        width, height = img.size
        ImageOps.exif_transpose(img, in_place=True)
        notes.append(
            f"EXIF orientation {orientation} applied: the stored {width} × {height} pixels "
            "were rotated or mirrored to show the photo the way the camera held it."
        )


def _note_non_finite(array: np.ndarray, notes: list[str]) -> None:
    """Float files can hold infinities and NaN (not a number): count them, say how they show."""
    finite = np.isfinite(array)
    if finite.all():
        return
    del finite
    counts = {
        "+inf": int(np.count_nonzero(np.isposinf(array))),
        "-inf": int(np.count_nonzero(np.isneginf(array))),
        "NaN": int(np.count_nonzero(np.isnan(array))),
    }
    found = ", ".join(f"{count:,} × {what}" for what, count in counts.items() if count)
    notes.append(
        f"Warning: this float image holds values that are not finite numbers: {found}. "
        "The views stretch the finite values from their minimum to their maximum onto "
        "0-255, and show +inf as 255 (white), -inf and NaN as 0 (black). numpy's min() and "
        "max() below include them."
    )


def _to_array_mode(img: Image.Image, notes: list[str]) -> Image.Image:
    """Convert only modes whose numpy array is not pixel values, and say why."""
    mode = img.mode
    if mode in _KEPT_MODES:
        if mode == "I;16":
            notes.append(
                "16-bit image: numpy sees uint16 values from 0 to 65,535. The views below "
                "scale them to 0-255 (value / 257) so they compare with 8-bit images."
            )
        elif mode in ("I", "F"):
            notes.append(
                f"Mode {mode} ({'32-bit integers' if mode == 'I' else '32-bit floats'}): "
                "the views below stretch the values from their minimum to maximum onto 0-255."
            )
        return img
    if mode.startswith("I;16"):  # I;16B, I;16L: 16-bit with explicit byte order
        notes.append(
            f"16-bit image (mode {mode}): numpy sees uint16 values from 0 to 65,535. The views "
            "below scale them to 0-255 (value / 257) so they compare with 8-bit images."
        )
        return img
    if mode == "1":
        notes.append(
            "1-bit image: each pixel is just on or off, which numpy would read as "
            "True/False (dtype bool). Converted to mode L, so off = 0 (black) and "
            "on = 255 (white)."
        )
        return img.convert("L")
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in img.info
        target = "RGBA" if has_alpha else "RGB"
        notes.append(
            f"Palette image (mode {mode}): each pixel stores an index into a table of up to "
            "256 colours, so numpy would see indices, not colours. Converted to "
            f"{target} by looking each index up in the palette."
        )
        return img.convert(target)
    if mode == "CMYK":
        notes.append(
            "CMYK image (cyan, magenta, yellow, black ink, as used for printing): converted "
            "to RGB because screens, and CNNs trained on photos, work in red, green, blue."
        )
        return img.convert("RGB")
    notes.append(f"Mode {mode} converted to RGB, the colour model the rest of this page uses.")
    return img.convert("RGB")


def to_8bit(array: np.ndarray) -> np.ndarray:
    """The image on the 0-255 scale as uint8 (unchanged if it already is).

    The rule, and how it treats 16-bit, integer and float images: model/images/eight_bit.py.
    """
    return EightBitScale.of(array).apply(array)


def to_grayscale(pixels8: np.ndarray) -> np.ndarray:
    """Pillow's convert("L") of an 8-bit image: (H, W) uint8 luma.

    RGB and RGBA use ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B (alpha is
    dropped). A grayscale or grayscale+alpha image keeps its L channel.
    """
    if pixels8.ndim == 2:
        return pixels8
    if pixels8.shape[2] == 2:  # LA
        return np.ascontiguousarray(pixels8[:, :, 0])
    return np.asarray(Image.fromarray(pixels8).convert("L"))


def png_bytes(gray: np.ndarray) -> bytes:
    """A grayscale (H, W) uint8 array as a PNG file."""
    buffer = BytesIO()
    Image.fromarray(gray).save(buffer, format="PNG")
    return buffer.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    """The array as a .npy file: `np.load` gives back the same shape, dtype and values.

    The header, then the values copied once (np.save into a BytesIO holds them twice).
    """
    header = BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    return b"".join([header.getvalue(), memoryview(np.ascontiguousarray(array)).cast("B")])
