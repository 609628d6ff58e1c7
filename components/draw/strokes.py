"""The server's copy of the drawing on the canvas, kept up to date by light strokes.

The canvas's script (assets/canvas_light_strokes.js) sends, for each change, the
change since a drawing this copy holds: which of its strokes to keep and the new
ones, and the picture's bytes minus the held picture's, in the box where they
differ. `CanvasCopy.receive` adds the change and returns the drawing, whose
picture is byte for byte the PNG the browser rendered: the same (H, W, 4) array
that decoding that PNG gives. No streamlit here: the page keeps a `CanvasCopy`
in session state and hands it the canvas's value.
"""

from __future__ import annotations

import base64
import binascii
import io
import zlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

# Drawings kept for the canvas to send changes from: the one it last heard of, and
# the newer ones it has not heard of yet. More means a canvas that hears nothing.
MAX_KEPT = 4
MAX_SIDE = 2048  # no canvas of this app is near; a bigger box is not a drawing


class UnusableChange(ValueError):
    """The canvas's value cannot be added to this copy: it must send the whole drawing."""


@dataclass(frozen=True)
class Drawing:
    """The canvas's strokes (Fabric objects) and its picture.

    A session keeps two or so of these; the canvas's pictures are gray and opaque
    (white on black), so one band is kept rather than four: 78 kB, not 313 kB.
    """

    objects: list
    stored: np.ndarray  # the R band alone when `banded`, else the picture itself
    banded: bool = False

    @classmethod
    def of(cls, objects: list, pixels: np.ndarray) -> Drawing:
        banded = (
            pixels.ndim == 3
            and pixels.shape[2] == 4
            and (pixels[..., 1] == pixels[..., 0]).all()
            and (pixels[..., 2] == pixels[..., 0]).all()
            and (pixels[..., 3] == 255).all()
        )
        stored = pixels[..., 0].copy() if banded else pixels
        stored.flags.writeable = False
        return cls(objects, stored, banded)

    @property
    def pixels(self) -> np.ndarray:
        """(H, W, 4) uint8, as decoding the browser's PNG gives; read-only, as that is."""
        if not self.banded:
            return self.stored
        pixels = np.empty((*self.stored.shape, 4), np.uint8)
        pixels[..., :3] = self.stored[..., None]
        pixels[..., 3] = 255
        pixels.flags.writeable = False
        return pixels


def _black(size: tuple[int, int]) -> np.ndarray:
    width, height = size
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[..., 3] = 255  # the canvas's opaque black background
    return pixels


def _png_pixels(data_url: str) -> np.ndarray:
    _, encoded = data_url.split(";base64,", 1)
    image = Image.open(io.BytesIO(base64.b64decode(encoded, validate=True)))
    if max(image.size) > MAX_SIDE:  # read from its header, before any pixel is decoded
        raise UnusableChange(f"a picture of {image.size}")
    return np.asarray(image)


def _picture(change: dict, base: np.ndarray | None, size: tuple[int, int]) -> np.ndarray:
    """The base picture with the change added (modulo 256, as it was subtracted)."""
    if "png" in change:  # a browser without CompressionStream sends its whole PNG
        return _png_pixels(change["png"])
    pixels = (_black(size) if base is None else base).copy()
    x, y, w, h = (int(v) for v in change["box"])
    if w == 0 or h == 0:
        return pixels
    if x < 0 or y < 0 or x + w > pixels.shape[1] or y + h > pixels.shape[0]:
        raise UnusableChange("the change lies outside the picture")
    channels = int(change["channels"])
    if channels not in (1, 4):
        raise UnusableChange(f"{channels} channels")
    diff = np.frombuffer(zlib.decompress(base64.b64decode(change["deflated"])), np.uint8)
    diff = diff.reshape(h, w, channels)
    if channels == 1:  # gray and opaque: the same change to R, G and B, none to alpha
        diff = np.concatenate([diff, diff, diff, np.zeros_like(diff)], axis=2)
    # uint8 arithmetic wraps around: the browser's (after - before) & 255 undone.
    pixels[y : y + h, x : x + w] += diff
    return pixels


@dataclass
class CanvasCopy:
    """The drawings one mounted canvas has sent, by their number, as far as they are needed."""

    canvas: str = ""
    kept: dict[int, Drawing] = field(default_factory=dict)
    latest: int = 0
    refused: int = 0  # the number of the last value that could not be added

    def ack(self) -> dict | None:
        """What the canvas's script is told: the drawing held, or to send it all again."""
        if not self.canvas:
            return None
        if self.refused:
            return {"canvas": self.canvas, "seq": 0, "resend": self.refused}
        return {"canvas": self.canvas, "seq": self.latest}

    def receive(self, value: dict) -> Drawing:
        """The drawing the canvas sent with `value`; raises UnusableChange when it can't tell."""
        try:
            canvas, seq, base = str(value["canvas"]), int(value["seq"]), int(value["base"])
            if canvas == self.canvas and seq in self.kept:  # heard before (another widget's rerun)
                return self.kept[seq]
            if canvas != self.canvas:  # a new canvas: it starts from nothing
                self.canvas, self.kept, self.latest, self.refused = canvas, {}, 0, 0
            held = self.kept.get(base) if base else None
            if base and held is None:
                raise UnusableChange(f"no drawing {base} here")
            size = tuple(int(v) for v in value.get("size", (0, 0)))
            picture = value["picture"]
            from_black = held is None and "png" not in picture
            if from_black and not (len(size) == 2 and min(size) > 0 and max(size) <= MAX_SIDE):
                raise UnusableChange(f"a canvas of {size}")
            objects = value["objects"]
            keep = int(objects["keep"])
            strokes = (held.objects if held else [])[:keep] + list(objects["add"])
            pixels = _picture(picture, held.pixels if held else None, size)
        except UnusableChange:
            self.refused = value.get("seq", 0) if isinstance(value, dict) else 0
            raise
        except (KeyError, TypeError, ValueError, binascii.Error, zlib.error, OSError) as error:
            self.refused = value.get("seq", 0) if isinstance(value, dict) else 0
            raise UnusableChange(str(error)) from error
        drawing = Drawing.of(strokes, pixels)
        # The canvas sends from `base` or newer from now on: older drawings are done with.
        self.kept = {s: d for s, d in self.kept.items() if s >= base}
        self.kept[seq] = drawing
        for old in sorted(self.kept)[:-MAX_KEPT]:
            del self.kept[old]
        self.latest, self.refused = seq, 0
        return drawing
