"""Pictures every page draws the same way: a digit blown up with hard pixel edges, and a
layer's feature maps tiled into one mosaic."""

from __future__ import annotations

import base64
import html
import io
import math

import numpy as np
from PIL import Image

from model.preprocess.geometry import scaled_size

THUMBNAIL_SIDE = 140  # preprocessing steps: 5 screen pixels per MNIST pixel, big enough to read


def _as_image(image: np.ndarray) -> Image.Image:
    """uint8 as it is, [0, 1] floats on 0..255."""
    pixels = np.asarray(image)
    if pixels.dtype != np.uint8:
        pixels = np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(pixels)


def thumbnail(image: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """A picture as (side, side, 4) uint8 RGBA: scaled to fit, centred, transparent around.

    Small images are blown up with hard pixel edges, so a 28×28 input shows its
    28 × 28 squares instead of a blur; big ones are averaged down. The square
    frame gives every step of a row the same size, whatever its shape.
    """
    picture = _as_image(image).convert("RGBA")
    size = scaled_size(picture.size, side)
    resample = Image.Resampling.NEAREST if max(picture.size) <= side else Image.Resampling.BOX
    picture = picture.resize(size, resample)
    frame = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    frame.paste(picture, ((side - size[0]) // 2, (side - size[1]) // 2))
    return np.asarray(frame)


def small_png(image: np.ndarray, side: int = THUMBNAIL_SIDE) -> bytes:
    """PNG bytes of a picture no longer than `side` on either side.

    A picture that fits keeps its own pixels: the page blows it up (pixelated, see
    `picture_row_html`), which looks as `thumbnail` does and is a 28×28 PNG of a few
    hundred bytes instead of a 140×140 one. A bigger one is averaged down to fit.
    """
    picture = _as_image(image)
    if max(picture.size) > side:
        picture = picture.resize(scaled_size(picture.size, side), Image.Resampling.BOX)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def picture_row_html(
    pictures: list[tuple[np.ndarray, str, str]], side: int = THUMBNAIL_SIDE
) -> str:
    """(image, caption, alt) pictures side by side, each in a `side`-pixel square with its
    caption under it, wrapping on a narrow screen: what `st.image` with a list draws, as
    one HTML element.

    The pictures travel inside the page (PNG data URLs) at their own size. Through
    `st.image` each would be a 140×140 PNG stored in the server's media store, which
    every session's run then sweeps under one lock, fetched by one more request per
    picture: the draw page shows ten on every stroke, for every student. The
    `cnn-pictures` rules of assets/access.css scale them up with hard pixel edges.
    """
    figures = "".join(
        f'<figure><img src="data:image/png;base64,{base64.b64encode(small_png(image, side)).decode()}"'
        f' alt="{html.escape(alt)}" width="{side}" height="{side}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        for image, caption, alt in pictures
    )
    return f'<div class="cnn-pictures">{figures}</div>'


def tile_maps(maps: np.ndarray, columns: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(h, w, n) feature maps -> one (rows·(h+1)-1, cols·(w+1)-1) mosaic with NaN gaps.

    Also returns the (map, row, col) of every mosaic cell, for hovering: uint8,
    a third of the bytes of int32 (layers here have at most 128 maps of 28×28);
    the gaps hold 0 and never show, since gaps do not hover.
    """
    height, width, count = maps.shape
    columns = columns or min(count, max(4, math.ceil(math.sqrt(count * 2))))
    rows = math.ceil(count / columns)
    mosaic = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan, np.float32)
    small = max(count, height, width) <= 256
    where = np.zeros((*mosaic.shape, 3), np.uint8 if small else np.uint16)
    cell_rows, cell_cols = np.mgrid[0:height, 0:width]
    for index in range(count):
        top, left = (index // columns) * (height + 1), (index % columns) * (width + 1)
        mosaic[top : top + height, left : left + width] = maps[:, :, index]
        where[top : top + height, left : left + width] = np.stack(
            [np.full_like(cell_rows, index), cell_rows, cell_cols], axis=-1
        )
    return mosaic, where
