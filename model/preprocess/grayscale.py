"""Reading the input: a uint8 picture becomes the working grayscale image."""

from __future__ import annotations

import numpy as np
from PIL import Image

from model.preprocess.geometry import scaled_size

MAX_WORKING_SIDE = 512  # bigger images are shrunk first: 20×20 needs far less detail
SHAPES = "(H, W), (H, W, 2), (H, W, 3) or (H, W, 4)"


def working_grayscale(image: np.ndarray) -> np.ndarray:
    """The image as (H, W) float32 in [0, 1], longer side at most MAX_WORKING_SIDE."""
    pixels = checked_pixels(image)
    if max(pixels.shape[:2]) <= MAX_WORKING_SIDE:
        return _gray(pixels)  # a canvas never needs the trip through PIL
    picture = Image.fromarray(pixels)
    if picture.mode == "RGB":
        picture = picture.convert("L")  # one band is cheaper to shrink than three
    # BOX averages each output pixel's area; reducing_gap shrinks by whole
    # factors first, which keeps a 4000×3000 photo fast.
    size = scaled_size(picture.size, MAX_WORKING_SIDE)
    picture = picture.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return _gray(np.asarray(picture))


def checked_pixels(image: np.ndarray) -> np.ndarray:
    """A valid uint8 image as contiguous (H, W), (H, W, 3) or (H, W, 4).

    Gray + alpha, (H, W, 2), which a grayscale PNG with transparency decodes
    to, becomes (H, W, 4) with the gray in all three colours. Other types are
    converted at the edge (`model.images.decoding.to_8bit`), by one rule for the app.
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        kind = f"{image.dtype} array" if isinstance(image, np.ndarray) else type(image).__name__
        raise ValueError(f"expected a uint8 image array, got a {kind}")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (2, 3, 4)):
        raise ValueError(f"expected an {SHAPES} image, got shape {image.shape}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image is empty: shape {image.shape}")
    if image.ndim == 3 and image.shape[2] == 2:
        image = image[..., [0, 0, 0, 1]]
    return np.ascontiguousarray(image)


def _gray(pixels: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 3) or (H, W, 4) uint8 to (H, W) float32 luma in [0, 1]."""
    if pixels.ndim == 2:
        return pixels.astype(np.float32) / 255
    if pixels.shape[2] == 4:
        return _composite(pixels)
    return _luma(pixels)


def _luma(pixels: np.ndarray) -> np.ndarray:
    # ITU-R 601 weights, as PIL's own convert("L") uses.
    return pixels[..., :3] @ (np.float32([0.299, 0.587, 0.114]) / 255)


def _composite(rgba: np.ndarray) -> np.ndarray:
    """Flatten (H, W, 4) uint8 onto a backdrop so that the ink survives."""
    luma = _luma(rgba)
    alpha = rgba[..., 3].astype(np.float32) / 255
    if alpha.min() == 1:
        return luma
    visible = alpha > 0.5
    if visible.mean() < 0.5:
        # Sparse content on transparency, like canvas strokes: the content is the
        # ink, so it goes on the backdrop that contrasts with it.
        weight = alpha.sum()
        ink_level = (alpha * luma).sum() / weight if weight > 0 else 0.0
        backdrop = 0.0 if ink_level > 0.5 else 1.0
    else:
        # Mostly opaque content, like a scan with a transparent margin: the
        # transparent part continues the content's own background.
        backdrop = 1.0 if np.median(luma[visible]) > 0.5 else 0.0
    return alpha * luma + (1 - alpha) * np.float32(backdrop)
