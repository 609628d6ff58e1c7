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
from PIL import Image

MAX_MEGAPIXELS = 50
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
# File-name endings the upload widgets offer; the bytes themselves decide the format.
UPLOAD_TYPES = ("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff")

_EXIF_ORIENTATION_TAG = 0x0112
# EXIF orientation value -> the Pillow transpose that shows the photo upright.
_ORIENTATION_FIX = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT, "mirrored left to right"),
    3: (Image.Transpose.ROTATE_180, "rotated 180°"),
    4: (Image.Transpose.FLIP_TOP_BOTTOM, "flipped top to bottom"),
    5: (Image.Transpose.TRANSPOSE, "mirrored and rotated 90°"),
    6: (Image.Transpose.ROTATE_270, "rotated 90° clockwise"),
    7: (Image.Transpose.TRANSVERSE, "mirrored and rotated 90°"),
    8: (Image.Transpose.ROTATE_90, "rotated 90° anticlockwise"),
}
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
    """Decode image bytes, refusing anything that is not a sane image file."""
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
        looks_like = _sniff_format(data)
        if looks_like:
            raise ImageDecodeError(
                f"{name}: starts like a {looks_like} file but is damaged or cut short, so it "
                "cannot be opened."
            ) from err
        raise ImageDecodeError(
            f"{name}: not an image this app can open. It must be one of "
            f"{', '.join(ALLOWED_FORMATS)} (the content decides, not the file extension)."
        ) from err

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
        orientation = _read_orientation(img, notes)
        try:
            img.load()
        except Exception as err:
            raise ImageDecodeError(
                f"{name}: the {file_format} file is damaged or cut short, so its pixels "
                f"cannot be decoded ({err})."
            ) from err
        upright = _apply_orientation(img, orientation, notes)
        converted = _to_array_mode(upright, notes)
        array = np.asarray(converted)
    if array.dtype.byteorder == ">":  # big-endian 16-bit TIFF: same numbers, native order
        array = array.astype(array.dtype.newbyteorder("="))
    return DecodedImage(array=array, mode=converted.mode, format=file_format, notes=tuple(notes))


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


def _read_orientation(img: Image.Image, notes: list[str]) -> int:
    """The EXIF orientation (1 = upright), or 1 with a warning if EXIF is unreadable."""
    try:
        exif = img.getexif()
        value = exif.get(_EXIF_ORIENTATION_TAG, 1)
        # Pillow skips EXIF it cannot parse with only a logged warning, so compare
        # what it found with what the raw block says it holds.
        corrupt = not exif and _exif_entry_count(img.info.get("exif")) != 0
    except Exception:
        value, corrupt = None, True
    if corrupt:
        notes.append(
            "Warning: the photo's EXIF data is corrupt, so its orientation is unknown: "
            "it is shown unrotated, as stored."
        )
        return 1
    if value not in (1, *_ORIENTATION_FIX):
        notes.append(
            f"Warning: the photo's EXIF orientation ({value!r}) is not a valid value, so it "
            "is shown unrotated, as stored."
        )
        return 1
    return int(value)


def _exif_entry_count(raw: bytes | None) -> int | None:
    """How many tags the first block of raw EXIF claims to hold (0 if there is no EXIF).

    None means the header itself is unreadable.
    """
    if not raw:
        return 0
    tiff = raw.removeprefix(b"Exif\x00\x00")
    order = {b"II": "little", b"MM": "big"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return None
    offset = int.from_bytes(tiff[4:8], order)
    if len(tiff) < offset + 2:
        return None
    return int.from_bytes(tiff[offset : offset + 2], order)


def _apply_orientation(img: Image.Image, orientation: int, notes: list[str]) -> Image.Image:
    if orientation == 1:
        return img
    method, said = _ORIENTATION_FIX[orientation]
    w, h = img.size
    upright = img.transpose(method)
    notes.append(
        f"EXIF orientation {orientation} applied: the stored {w} × {h} pixels were {said} "
        "to show the photo the way the camera held it."
    )
    return upright


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
    """The image on the 0-255 scale as uint8 (unchanged if it already is)."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.uint16:
        # 65535 / 257 = 255 exactly: the usual 16-bit to 8-bit mapping.
        return np.round(array / 257).astype(np.uint8)
    low, high = float(array.min()), float(array.max())
    scale = 255 / (high - low) if high > low else 0.0
    return np.round((array.astype(np.float64) - low) * scale).astype(np.uint8)


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
    """The array as a .npy file: `np.load` gives back the same shape, dtype and values."""
    buffer = BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()
