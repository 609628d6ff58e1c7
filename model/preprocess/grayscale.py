"""Reading the input: an image array or PIL image becomes the working grayscale image."""

from __future__ import annotations

import numpy as np
from PIL import Image

from model.preprocess.geometry import scaled_size

MAX_WORKING_SIDE = 512  # bigger images are shrunk first: 20×20 needs far less detail


def working_grayscale(image: np.ndarray | Image.Image) -> np.ndarray:
    """The image as (H, W) float32 in [0, 1], longer side at most MAX_WORKING_SIDE."""
    if isinstance(image, np.ndarray):
        pixels = _checked_array(image)
        if max(pixels.shape[:2]) <= MAX_WORKING_SIDE:
            return _gray(pixels)  # a canvas never needs the trip through PIL
        picture = Image.fromarray(pixels)
    elif isinstance(image, Image.Image):
        picture = _standard_mode(image)
    else:
        raise ValueError(f"expected a numpy array or PIL image, got {type(image).__name__}")
    if max(picture.size) > MAX_WORKING_SIDE:
        size = scaled_size(picture.size, MAX_WORKING_SIDE)
        if picture.mode == "RGB":
            picture = picture.convert("L")  # one band is cheaper to shrink than three
        # BOX averages each output pixel's area; reducing_gap shrinks by whole
        # factors first, which keeps a 4000×3000 photo fast.
        picture = picture.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return _gray(np.asarray(picture))


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


def _standard_mode(image: Image.Image) -> Image.Image:
    """The same picture in mode L, RGB or RGBA."""
    if image.width == 0 or image.height == 0:
        raise ValueError("image is empty")
    mode = image.mode
    if mode in ("L", "RGB", "RGBA"):
        return image
    if image.has_transparency_data:  # LA, PA, RGBa, or a palette with a clear colour
        return image.convert("RGBA")
    if mode == "F" or mode.startswith("I"):
        return Image.fromarray(_to_uint8(_high_depth_to_unit(np.asarray(image))))
    try:
        return image.convert("RGB")
    except ValueError as error:
        raise ValueError(f"cannot read a PIL image in mode {mode!r}") from error


def _checked_array(image: np.ndarray) -> np.ndarray:
    """A valid image array as contiguous uint8: (H, W), (H, W, 3) or (H, W, 4).

    Gray + alpha, (H, W, 2), becomes (H, W, 4) with the gray in all three colours.
    """
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (2, 3, 4)):
        raise ValueError(
            f"expected an (H, W), (H, W, 2), (H, W, 3) or (H, W, 4) image, got shape {image.shape}"
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image is empty: shape {image.shape}")
    if image.ndim == 3 and image.shape[2] == 2:
        image = image[..., [0, 0, 0, 1]]
    return np.ascontiguousarray(_to_uint8(image))


def _to_uint8(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
            raise ValueError("float images must hold values in [0, 1]")
        return np.round(array * 255).astype(np.uint8)
    if np.issubdtype(array.dtype, np.integer):
        if array.min() < 0 or array.max() > 255:
            raise ValueError("integer images must hold values in 0..255 (or use uint8)")
        return array.astype(np.uint8)
    raise ValueError(f"unsupported image dtype {array.dtype}")


def _high_depth_to_unit(array: np.ndarray) -> np.ndarray:
    # PIL's 16-bit, 32-bit integer and float modes: guess the full-scale value.
    values = array.astype(np.float64)
    if np.issubdtype(array.dtype, np.floating):
        full_scale = 1.0 if values.max() <= 1 else 255.0
    else:
        full_scale = 255.0 if values.max() <= 255 else 65535.0
    return np.clip(values / full_scale, 0, 1)


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
