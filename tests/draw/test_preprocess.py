"""Preprocessing: drawings and photos become MNIST-like 28×28 inputs.

Digits are drawn with PIL.ImageDraw on canvas-sized arrays; the tests check the
ink's bounding box and the centre of mass of what comes out.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from model.digits.mnist import SIDE
from model.preprocess import doubts, prepare_digit
from model.preprocess.digit import EMPTY_MESSAGES, NO_INK, ONLY_SPECKS
from model.preprocess.geometry import (
    CENTER_TARGET,
    DIGIT_BOX,
    center_of_mass,
    ink_bbox,
    paste_centered,
)
from model.preprocess.grayscale import MAX_WORKING_SIDE
from model.preprocess.ink import count_blobs, otsu_threshold, remove_specks
from model.preprocess.strokes import stroke_width
from tests.conftest import ROOT

CANVAS = 280  # the drawing page's canvas side
MNIST_STEPS = ["grayscale", "ink", "bbox", "stroke", "fit20", "pasted", "centered", "normalized"]
PHOTO_STEPS = ["grayscale", "background", "ink", "ink_mask"]


def seven(left: float, top: float, size: float) -> list[list[tuple[float, float]]]:
    """Strokes of a "7" in a size × size box: a top bar, a slanted leg, a cross bar."""

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * size, top + y * size

    return [[at(0.1, 0.0), at(0.9, 0.0), at(0.35, 1.0)], [at(0.35, 0.55), at(0.8, 0.55)]]


def draw(strokes, width: int, shape=(CANVAS, CANVAS), ink: int = 255, paper: int = 0):
    """(H, W) uint8 image with the strokes drawn (no anti-aliasing, so the box is exact)."""
    picture = Image.new("L", (shape[1], shape[0]), paper)
    pen = ImageDraw.Draw(picture)
    for line in strokes:
        pen.line(line, fill=ink, width=width, joint="curve")
    return np.asarray(picture)


def assert_mnist_like(result) -> None:
    """A real input: 28×28 in [0, 1], max 1, longer side 20, centre of mass central."""
    assert not result.blank and result.message is None
    digit = result.input
    assert digit.shape == (SIDE, SIDE) and digit.dtype == np.float32
    assert digit.min() >= 0 and digit.max() == pytest.approx(1.0)
    top, left, bottom, right = ink_bbox(digit, 0)
    assert max(bottom - top, right - left) == DIGIT_BOX
    row, col = result.center_of_mass
    assert (row, col) == pytest.approx(center_of_mass(digit))
    assert abs(row - CENTER_TARGET) <= 0.5 + 1e-6
    assert abs(col - CENTER_TARGET) <= 0.5 + 1e-6


def box_size(digit: np.ndarray) -> tuple[int, int]:
    top, left, bottom, right = ink_bbox(digit, 0)
    return bottom - top, right - left


# --- Canvas drawings ---------------------------------------------------------


def test_off_centre_digit_ends_up_centred():
    corner = draw(seven(15, 15, 70), width=12)
    result = prepare_digit(corner)

    assert [step.name for step in result.steps] == MNIST_STEPS
    assert result.bbox == ink_bbox(corner, 0)
    assert result.bbox[0] < 15 and result.bbox[2] < 100  # the box really is in the corner
    assert_mnist_like(result)
    assert result.inverted is False
    # The same drawing in the middle of the canvas gives the very same input.
    middle = prepare_digit(draw(seven(105, 105, 70), width=12))
    np.testing.assert_allclose(result.input, middle.input, atol=1e-6)


@pytest.mark.parametrize("photo", [False, True])
@pytest.mark.parametrize("mnist_style", [True, False])
def test_every_step_is_a_2d_float_image_in_unit_range(photo, mnist_style):
    drawing = draw(seven(40, 40, 180), width=20, ink=30, paper=220)
    result = prepare_digit(drawing, photo=photo, mnist_style=mnist_style)
    assert len({step.name for step in result.steps}) == len(result.steps)
    for step in result.steps:
        assert step.image.ndim == 2 and step.image.dtype == np.float32, step.name
        assert step.image.min() >= 0 and step.image.max() <= 1, step.name
        assert step.title
    assert result.input is result.steps[-1].image


def step(result, name: str) -> np.ndarray:
    return next(s.image for s in result.steps if s.name == name)


def test_mnist_steps_show_crop_and_fit():
    result = prepare_digit(draw(seven(40, 40, 180), width=20))
    crop = step(result, "bbox")
    top, left, bottom, right = result.bbox
    assert crop.shape == (bottom - top, right - left)
    assert step(result, "stroke") is crop  # a 20 px pen at this size is MNIST-like already
    fitted = step(result, "fit20")
    assert max(fitted.shape) == DIGIT_BOX
    # "pasted" centres the box; "centered" moves the same pixels to centre the mass.
    pasted, centered = step(result, "pasted"), step(result, "centered")
    height, width = fitted.shape
    assert ink_bbox(pasted, 0)[:2] == ((SIDE - height) // 2, (SIDE - width) // 2)
    assert pasted.sum() == pytest.approx(centered.sum())
    assert center_of_mass(centered) != pytest.approx(center_of_mass(pasted))


def test_tiny_digit_is_scaled_up_to_fill_the_box():
    tiny = draw(seven(130, 130, 10), width=2)
    result = prepare_digit(tiny)

    top, left, bottom, right = result.bbox
    assert max(bottom - top, right - left) <= 13
    assert_mnist_like(result)


def test_huge_digit_filling_the_canvas_is_scaled_down():
    huge = draw(seven(10, 8, 262), width=30)
    result = prepare_digit(huge)

    top, left, bottom, right = result.bbox
    assert bottom - top > 260 and top < 5
    assert_mnist_like(result)


@pytest.mark.parametrize("width", [2, 8, 40])
def test_stroke_width_does_not_change_size_or_centring(width):
    result = prepare_digit(draw(seven(60, 60, 160), width=width))
    assert_mnist_like(result)


def input_stroke_width(digit: np.ndarray) -> float:
    """Stroke width of a 28×28 input, in pixels: MNIST's median is 2.4."""
    return stroke_width(digit > 0.5)


@pytest.mark.parametrize(
    "pen, size",
    [(3, 160), (8, 160), (20, 160), (30, 160), (40, 160), (20, 80), (30, 120), (8, 250)],
)
def test_any_pen_gives_mnist_like_strokes(pen, size):
    result = prepare_digit(draw(seven(40, 40, size), width=pen))
    assert_mnist_like(result)
    # The same measure on the official test digits: 1.3 to 4.5 from the 1st to the 99th percentile.
    assert 1.3 <= input_stroke_width(result.input) <= 4.5


def test_stroke_width_is_only_changed_when_far_from_mnist():
    thin, normal, thick = (
        prepare_digit(draw(seven(60, 60, 160), width=pen)) for pen in (3, 20, 40)
    )
    titles = [next(s.title for s in r.steps if s.name == "stroke") for r in (thin, normal, thick)]
    assert titles[1].endswith(": kept")
    assert step(normal, "stroke") is step(normal, "bbox")
    assert titles[0].startswith("Lines made thicker, 0.") and "→ 2." in titles[0]
    assert titles[2].startswith("Lines made thinner") and (
        "→ 2." in titles[2] or "→ 3." in titles[2]
    )
    # Still ordered, but far closer than the pens' 13×.
    widths = [input_stroke_width(r.input) for r in (thin, normal, thick)]
    assert widths == sorted(widths) and widths[2] < 2.5 * widths[0]


def test_thinning_keeps_a_thin_tail():
    # A "9" whose loop is drawn with a fat pen and its tail with a fine one: the
    # average stroke is fat, but thinning must not erase the tail.
    nine = draw([[(100, 50), (190, 50), (190, 140), (100, 140), (100, 50)]], width=44)
    nine = np.maximum(nine, draw([[(190, 140), (185, 250)]], width=14))
    result = prepare_digit(nine)
    top, left, bottom, right = ink_bbox(result.input, 0.3)
    assert bottom - top == DIGIT_BOX  # still as tall: the tail is there
    assert result.input[bottom - 4 : bottom].max() > 0.5


def test_stroke_width_of_known_shapes():
    bar = np.zeros((100, 100), dtype=bool)
    bar[10:90, 45:55] = True  # 10 wide, 80 long
    assert stroke_width(bar) == pytest.approx(10 * 4 / np.pi * 80 / 90, rel=0.05)
    ring = np.hypot(*np.mgrid[-50:51, -50:51])
    ring = (ring > 30) & (ring <= 36)
    assert stroke_width(ring) == pytest.approx(6, rel=0.15)


def test_dark_ink_on_light_paper_is_inverted():
    strokes = seven(50, 70, 150)
    white_on_black = prepare_digit(draw(strokes, width=14))
    dark_on_light = prepare_digit(draw(strokes, width=14, ink=20, paper=235))

    assert dark_on_light.inverted is True and white_on_black.inverted is False
    assert dark_on_light.bbox == white_on_black.bbox
    assert_mnist_like(dark_on_light)
    np.testing.assert_allclose(dark_on_light.input, white_on_black.input, atol=0.02)


def test_tall_thin_one_keeps_its_aspect_ratio():
    one = draw([[(140, 30), (140, 250)]], width=10)
    result = prepare_digit(one)

    assert_mnist_like(result)
    height, width = box_size(result.input)
    assert height == DIGIT_BOX and width <= 3


# --- Input kinds -------------------------------------------------------------


def rgba(gray: np.ndarray, colour: int, alpha: np.ndarray) -> np.ndarray:
    """(H, W, 4) uint8 with every pixel's colour `colour` and the given alpha."""
    out = np.empty((*gray.shape, 4), dtype=np.uint8)
    out[..., :3] = colour
    out[..., 3] = alpha
    return out


@pytest.fixture(scope="module")
def reference():
    """A white "7" on black and its prepared input."""
    gray = draw(seven(60, 50, 170), width=16)
    return gray, prepare_digit(gray)


@pytest.mark.parametrize("colour", [255, 0])
def test_strokes_on_transparent_background(reference, colour):
    # The canvas widget's image: stroke colour everywhere, the strokes only in alpha.
    gray, expected = reference
    result = prepare_digit(rgba(gray, colour, alpha=gray))

    assert result.inverted is (colour == 0)
    assert result.bbox == expected.bbox
    np.testing.assert_allclose(result.input, expected.input, atol=1e-5)


def test_white_strokes_on_transparent_black_pixels(reference):
    gray, expected = reference
    canvas = np.zeros((*gray.shape, 4), dtype=np.uint8)
    canvas[gray > 0] = (255, 255, 255, 255)  # background stays (0, 0, 0, 0)
    np.testing.assert_allclose(prepare_digit(canvas).input, expected.input, atol=1e-5)


def test_opaque_rgba_canvas(reference):
    gray, expected = reference
    canvas = np.stack([gray, gray, gray, np.full_like(gray, 255)], axis=-1)
    np.testing.assert_allclose(prepare_digit(canvas).input, expected.input, atol=1e-5)


def test_scan_with_transparent_margin(reference):
    # Opaque white paper with a black digit, inside a transparent margin.
    gray, expected = reference
    scan = np.stack([255 - gray] * 3 + [np.zeros_like(gray)], axis=-1)
    scan[20:-20, 20:-20, 3] = 255
    result = prepare_digit(scan)

    assert result.inverted is True
    assert result.bbox == expected.bbox
    np.testing.assert_allclose(result.input, expected.input, atol=1e-5)


def test_rgb_array(reference):
    gray, expected = reference
    result = prepare_digit(np.stack([gray] * 3, axis=-1))
    assert result.bbox == expected.bbox
    np.testing.assert_allclose(result.input, expected.input, atol=1e-5)


def test_gray_plus_alpha_array(reference):
    # What numpy gives for a grayscale PNG with transparency: (H, W, 2).
    gray, expected = reference
    opaque = np.stack([gray, np.full_like(gray, 255)], axis=-1)
    np.testing.assert_allclose(prepare_digit(opaque).input, expected.input, atol=1e-5)
    strokes_only = np.stack([np.full_like(gray, 255), gray], axis=-1)  # white, alpha = ink
    np.testing.assert_allclose(prepare_digit(strokes_only).input, expected.input, atol=1e-5)


def test_an_mnist_sized_input_goes_round_again(reference):
    _, expected = reference
    again = prepare_digit(np.round(expected.input * 255).astype(np.uint8))
    assert_mnist_like(again)
    assert np.corrcoef(again.input.ravel(), expected.input.ravel())[0, 1] > 0.95


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (1, 100), (600, 2)])
@pytest.mark.parametrize("photo", [False, True])
def test_degenerate_sizes_do_not_raise(shape, photo):
    line = np.zeros(shape, dtype=np.uint8)
    line[shape[0] // 2] = 255
    result = prepare_digit(line, photo=photo)
    assert result.blank or result.input.shape == (SIDE, SIDE)


def test_big_images_are_shrunk_first():
    big = draw(seven(400, 300, 1200), width=120, shape=(1800, 2400))
    result = prepare_digit(big)

    working = result.steps[0].image
    assert working.shape == (384, MAX_WORKING_SIDE)
    top, left, bottom, right = result.bbox  # in working coordinates: a fifth of the original
    true_top, true_left, true_bottom, true_right = (v * 512 / 2400 for v in ink_bbox(big, 0))
    assert abs(top - true_top) <= 2 and abs(bottom - true_bottom) <= 2
    assert abs(left - true_left) <= 2 and abs(right - true_right) <= 2
    assert_mnist_like(result)


# --- Nothing drawn -----------------------------------------------------------


def specks() -> np.ndarray:
    dots = np.zeros((CANVAS, CANVAS), dtype=np.uint8)
    for row, col in [(40, 50), (200, 90), (120, 230)]:
        dots[row : row + 3, col : col + 3] = 255
    return dots


BLANKS = {
    "black": np.zeros((CANVAS, CANVAS), dtype=np.uint8),
    "white": np.full((CANVAS, CANVAS), 255, dtype=np.uint8),
    "grey": np.full((CANVAS, CANVAS, 3), 128, dtype=np.uint8),
    "transparent": np.zeros((CANVAS, CANVAS, 4), dtype=np.uint8),
    "faint noise": np.random.default_rng(1).integers(0, 15, (CANVAS, CANVAS)).astype(np.uint8),
    "specks": specks(),
    "dark specks": 255 - specks(),
}


@pytest.mark.parametrize("mnist_style", [True, False])
@pytest.mark.parametrize("name", list(BLANKS))
def test_blank_input_is_nothing_drawn(name, mnist_style):
    result = prepare_digit(BLANKS[name], mnist_style=mnist_style)

    assert result.blank is True
    assert result.input is None and result.bbox is None and result.center_of_mass is None
    reason = ONLY_SPECKS if "specks" in name else NO_INK
    assert (result.empty_reason, result.message) == (reason, EMPTY_MESSAGES[reason])
    assert result.steps[0].name == "grayscale"


def test_a_single_short_stroke_is_not_a_speck():
    dash = np.zeros((CANVAS, CANVAS), dtype=np.uint8)
    dash[140:142, 100:110] = 255  # 10 px long: a tiny digit, not dust
    assert prepare_digit(dash).blank is False
    dash[141] = 0  # one pixel tall: a row of ink with nothing above or below
    assert prepare_digit(dash).bbox == (140, 100, 141, 110)


# --- The naive path ----------------------------------------------------------


def test_plain_resize_keeps_the_digit_where_it_was():
    corner = draw(seven(15, 15, 70), width=12)
    result = prepare_digit(corner, mnist_style=False)

    assert [step.name for step in result.steps] == ["grayscale", "ink", "resized"]
    expected = Image.fromarray(corner.astype(np.float32) / 255).resize(
        (SIDE, SIDE), Image.Resampling.BILINEAR
    )
    # Within half a level of a byte: the input is rounded to k / 255, as MNIST's pixels are.
    np.testing.assert_allclose(result.input, np.asarray(expected), atol=0.5 / 255 + 1e-6)
    assert np.array_equal(np.round(result.input * 255) / 255, result.input)
    row, col = result.center_of_mass
    assert row < 6 and col < 6  # still in the corner: nothing was centred
    assert result.bbox == ink_bbox(corner, 0)


# --- Photos ------------------------------------------------------------------

PHOTO_SHAPE = (360, 480)
PHOTO_SPECKS = [(300, 40), (40, 420), (90, 100)]  # (row, col)


def photo_strokes():
    return seven(170, 80, 200)


def synthetic_photo(*, ink_on_paper: bool = True, with_digit: bool = True) -> np.ndarray:
    """Paper lit strongly from the right, a slightly blurred "7", a few specks, noise."""
    rng = np.random.default_rng(7)
    height, width = PHOTO_SHAPE
    light = np.linspace(0.3, 0.95, width, dtype=np.float32)[None, :]
    marks = draw(photo_strokes(), width=14, shape=PHOTO_SHAPE) * with_digit
    for row, col in PHOTO_SPECKS:
        marks[row - 2 : row + 3, col - 2 : col + 3] = 255
    # The camera's blur: the stroke's edges are soft, as in a real photo.
    blurred = Image.fromarray(marks).filter(ImageFilter.GaussianBlur(1.5))
    marks = np.asarray(blurred, dtype=np.float32) / 255
    chalk_on_board = 0.1 + 0.3 * light + 0.4 * marks
    picture = light * (1 - 0.6 * marks) if ink_on_paper else chalk_on_board
    picture = picture + rng.normal(0, 0.04, PHOTO_SHAPE)
    return (np.clip(picture, 0, 1) * 255).astype(np.uint8)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_photo_with_uneven_light_gives_a_clean_centred_digit():
    photo = np.stack([synthetic_photo()] * 3, axis=-1)
    result = prepare_digit(photo, photo=True)

    assert [step.name for step in result.steps] == PHOTO_STEPS + MNIST_STEPS[2:]
    assert result.inverted is True
    assert_mnist_like(result)

    truth = draw(photo_strokes(), width=14, shape=PHOTO_SHAPE) > 0
    mask = result.steps[3].image > 0.5
    assert iou(mask, truth) > 0.6
    for row, col in PHOTO_SPECKS:
        assert not mask[row - 3 : row + 4, col - 3 : col + 4].any()
    assert result.bbox == pytest.approx(ink_bbox(truth, 0), abs=2)

    # Nearly the input a clean drawing of the same strokes gives, up to the
    # one-pixel step that rounding the centre of mass can make.
    clean = prepare_digit(draw(photo_strokes(), width=14, shape=PHOTO_SHAPE)).input
    best = max(
        np.corrcoef(result.input.ravel(), np.roll(clean, (dr, dc), axis=(0, 1)).ravel())[0, 1]
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
    )
    assert best > 0.9


def test_photo_keeps_a_filled_in_loop():
    # A "9" whose loop was inked solid: the blob is ink, not a shadow on the paper.
    marks = draw([[(230, 250), (250, 330)]], width=14, shape=PHOTO_SHAPE).copy()
    marks[60:150, 200:290] = 255  # a solid 90 × 90 loop
    light = np.linspace(0.4, 0.95, PHOTO_SHAPE[1], dtype=np.float32)[None, :]
    photo = np.round(light * (1 - 0.7 * marks / 255) * 255).astype(np.uint8)
    result = prepare_digit(photo, photo=True)
    mask = next(s.image for s in result.steps if s.name == "ink_mask") > 0.5
    assert mask[70:140, 210:280].mean() > 0.95


def test_photo_background_follows_the_light():
    result = prepare_digit(synthetic_photo(), photo=True)
    background = result.steps[1].image
    assert background[:, :40].mean() < 0.45 and background[:, -40:].mean() > 0.85
    paper = np.linspace(0.3, 0.95, PHOTO_SHAPE[1])
    assert np.abs(background[::10].mean(axis=0) - paper).max() < 0.05


def test_photo_ink_is_as_strong_in_shadow_as_in_light():
    marks = np.zeros(PHOTO_SHAPE, dtype=np.float32)
    marks[100:260, 40:52] = 1  # one bar in the shadow
    marks[100:260, 420:432] = 1  # and one in the light
    light = np.linspace(0.3, 0.95, PHOTO_SHAPE[1], dtype=np.float32)[None, :]
    noise = np.random.default_rng(3).normal(0, 0.02, PHOTO_SHAPE)
    photo = np.clip(light * (1 - 0.6 * marks) + noise, 0, 1)
    result = prepare_digit(np.round(photo * 255).astype(np.uint8), photo=True)

    ink = result.steps[2].image
    shadow, lit = ink[110:250, 42:50].mean(), ink[110:250, 422:430].mean()
    assert shadow == pytest.approx(0.6, abs=0.05) and lit == pytest.approx(0.6, abs=0.05)
    assert result.bbox == (100, 40, 260, 432)


def test_light_ink_on_a_dark_photo():
    result = prepare_digit(synthetic_photo(ink_on_paper=False), photo=True)
    assert result.inverted is False
    assert_mnist_like(result)
    truth = draw(photo_strokes(), width=14, shape=PHOTO_SHAPE) > 0
    assert iou(result.steps[3].image > 0.5, truth) > 0.6


def test_photo_of_empty_paper_is_blank():
    result = prepare_digit(synthetic_photo(with_digit=False), photo=True)
    assert result.blank is True and result.input is None
    assert [step.name for step in result.steps] == PHOTO_STEPS


def test_big_photo_is_shrunk_and_still_found():
    small = synthetic_photo()
    big = np.asarray(Image.fromarray(small).resize((1920, 1440), Image.Resampling.BILINEAR))
    result = prepare_digit(np.stack([big] * 3, axis=-1), photo=True)

    assert result.steps[0].image.shape == (384, MAX_WORKING_SIDE)
    truth = draw(photo_strokes(), width=14, shape=PHOTO_SHAPE) > 0
    expected = tuple(v * MAX_WORKING_SIDE / 480 for v in ink_bbox(truth, 0))
    assert result.bbox == pytest.approx(expected, abs=3)
    assert_mnist_like(result)


def test_photo_with_plain_resize():
    result = prepare_digit(synthetic_photo(), photo=True, mnist_style=False)
    assert [step.name for step in result.steps] == PHOTO_STEPS + ["resized"]
    assert result.input.shape == (SIDE, SIDE)
    # Specks are gone from the whole-image resize too.
    for row, col in PHOTO_SPECKS:
        assert result.input[row * 28 // 360, col * 28 // 480] < 0.05


# --- Bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((2, 3, 28, 28, 1), dtype=np.uint8),
        np.zeros((28, 28, 5), dtype=np.uint8),
        np.zeros((28,), dtype=np.uint8),
        np.zeros((0, 28), dtype=np.uint8),
        np.zeros((28, 28, 1), dtype=np.uint8),
        np.full((28, 28), 0.5, dtype=np.float32),  # callers convert with images.to_8bit
        np.full((28, 28), 200.0),
        np.full((28, 28), 200),
        np.full((28, 28), True),
        np.full((28, 28), np.nan),
        [[0, 1], [1, 0]],
        Image.new("L", (28, 28)),
    ],
    ids=[
        "5-D",
        "5 channels",
        "1-D",
        "empty",
        "one channel",
        "float 0..1",
        "float 0..255",
        "int64",
        "bool",
        "nan",
        "list",
        "PIL image",
    ],
)
def test_bad_input_raises_value_error(bad):
    with pytest.raises(ValueError, match=r"expected a uint8 image array|shape"):
        prepare_digit(bad)


def test_bad_input_message_says_what_was_wrong():
    with pytest.raises(ValueError, match="expected a uint8 image array, got a float32 array"):
        prepare_digit(np.zeros((28, 28), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(28, 28, 5\)"):
        prepare_digit(np.zeros((28, 28, 5), np.uint8))


# --- Helpers -----------------------------------------------------------------


def test_center_of_mass():
    img = np.zeros((10, 12))
    img[3, 7] = 1
    assert center_of_mass(img) == (3.0, 7.0)
    img[5, 1] = 3  # weights 1 and 3
    assert center_of_mass(img) == pytest.approx((4.5, 2.5))
    with pytest.raises(ValueError):
        center_of_mass(np.zeros((4, 4)))


def test_ink_bbox():
    img = np.zeros((10, 12))
    img[2:5, 3] = 0.8
    img[7, 9] = 0.1  # faint
    assert ink_bbox(img, 0) == (2, 3, 8, 10)
    assert ink_bbox(img, 0.5) == (2, 3, 5, 4)
    assert ink_bbox(img, 0.9) is None


def test_otsu_splits_two_groups():
    values = np.concatenate([np.full(900, 0.1), np.full(100, 0.7)])
    threshold = otsu_threshold(values)
    assert 0.1 < threshold < 0.7


def test_centre_of_mass_target_is_where_mnist_put_it():
    from model.digits.data import load_bundled_sample

    digits = load_bundled_sample().x_test.astype(np.float32)
    masses = np.array([center_of_mass(digit) for digit in digits])
    np.testing.assert_allclose(masses.mean(axis=0), (CENTER_TARGET, CENTER_TARGET), atol=0.05)


def test_paste_keeps_ink_in_the_frame():
    digit = np.zeros((20, 20), dtype=np.float32)
    digit[0] = 1  # all mass on the top row: centring it would push it out
    field = paste_centered(digit)
    assert field.sum() == pytest.approx(digit.sum())
    # The mass (row 0, column 9.5) cannot reach row 14; column 9.5 + 5 is within half a pixel of 14.
    assert ink_bbox(field, 0) == (8, 5, 9, 25)


def test_remove_specks_joins_diagonals_and_long_windy_strokes():
    mask = np.zeros((40, 40), dtype=bool)
    idx = np.arange(12)
    mask[idx, idx] = True  # a diagonal line, one pixel wide
    mask[30:32, 30:32] = True  # a speck
    # A comb: many runs in many rows that only join through the spine at the bottom.
    mask[20:38:2, 2:20] = True
    mask[20:38, 2] = True
    mask[5, 20:35] = True  # one run on its own: no neighbours above or below
    kept = remove_specks(mask, 5)
    assert kept[5, 20:35].all()
    assert kept[idx, idx].all()
    assert not kept[30:32, 30:32].any()
    assert kept[20:38:2, 2:20].all()


def test_preprocess_imports_neither_streamlit_nor_tensorflow():
    code = (
        "import sys, model.preprocess; "
        "print(sorted(m for m in ('streamlit', 'tensorflow', 'keras') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# --- Does it look like a digit? ----------------------------------------------


def test_count_blobs():
    mask = np.zeros((28, 28), dtype=bool)
    assert count_blobs(mask) == 0
    mask[2:10, 3] = True
    mask[9, 4] = True  # touches diagonally: still one piece
    assert count_blobs(mask) == 1
    mask[20:25, 20:22] = True
    assert count_blobs(mask) == 2


def test_drawn_digits_raise_no_doubts(reference):
    _, prepared = reference
    assert doubts(prepared.input) == ()
    one = prepare_digit(draw([[(140, 30), (140, 250)]], width=20))
    assert doubts(one.input) == ()


@pytest.mark.parametrize(
    "picture, words",
    [
        (draw([[(30, 140), (250, 140)]], width=20), "wider than tall"),
        (np.pad(np.full((200, 200), 255, np.uint8), 40), "ink covers"),
        (draw([[(30 + 50 * i, 100), (30 + 50 * i, 180)] for i in range(5)], width=8), "marks"),
    ],
    ids=["dash", "filled square", "five bars"],
)
def test_scribbles_are_unlike_a_digit(picture, words):
    reasons = doubts(prepare_digit(picture).input)
    assert any(words in reason for reason in reasons), reasons


def test_bundled_mnist_test_digits_raise_no_doubts():
    from model.digits.data import load_bundled_sample

    digits = load_bundled_sample().x_test.astype(np.float32) / 255
    flagged = [i for i, digit in enumerate(digits) if doubts(digit)]
    assert flagged == []
