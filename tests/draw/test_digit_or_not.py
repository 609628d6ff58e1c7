"""What is not a digit (dots), and which ink a picture has (dark on light, light on dark).

A synthetic set of each kind of picture: photos of dark ink on unevenly lit,
noisy paper, and white strokes on black as the canvas and MNIST files have them.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from model.preprocess import guess_ink, prepare_digit, prepare_for_ink
from model.preprocess.digit import ONLY_DOTS

CANVAS = 280


def pen_dots(centres, pen: int, slide: int = 0) -> np.ndarray:
    """Round pen dots as the canvas draws a click: (280, 280, 4), white on opaque black."""
    picture = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 255))
    ink = ImageDraw.Draw(picture)
    for x, y in centres:
        for dx in range(slide + 1):  # the pen slid a few pixels while clicking
            box = (x + dx - pen / 2, y - pen / 2, x + dx + pen / 2, y + pen / 2)
            ink.ellipse(box, fill=(255, 255, 255, 255))
    return np.asarray(picture)


@pytest.mark.parametrize("pen", [6, 20, 40])
@pytest.mark.parametrize("slide", [0, 3])
@pytest.mark.parametrize("where", [[(140, 140)], [(90, 100), (190, 180)]], ids=["one", "two"])
def test_dots_are_too_little_ink_for_a_digit(pen, slide, where):
    # One dot with pen 20 was read as "0, 97.5% sure".
    for mnist_style in (True, False):
        result = prepare_digit(pen_dots(where, pen, slide), mnist_style=mnist_style)
        assert result.blank is True and result.input is None
        assert result.empty_reason == ONLY_DOTS
        assert result.message.startswith("Too little ink for a digit")


def test_a_dot_beside_a_stroke_is_a_digit():
    picture = pen_dots([(200, 60)], 20).copy()
    picture[40:240, 130:146, :3] = 255  # a "1" and a stray dot
    assert prepare_digit(picture).blank is False


@pytest.mark.parametrize("pen, height", [(6, 40), (20, 60), (40, 100)])
def test_a_short_fat_one_is_still_a_digit(pen, height):
    one = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(one).line([(140, 140 - height // 2), (141, 140 + height // 2)], 255, pen)
    assert prepare_digit(np.asarray(one)).blank is False


# --- Which ink ----------------------------------------------------------------

# Digits as pen paths in a 1 × 1 box: a 1, a 7, a 4, a 0 (a loop), an L-ish 2.
STROKES = [
    [[(0.5, 0.0), (0.5, 1.0)]],
    [[(0.1, 0.0), (0.9, 0.0), (0.35, 1.0)]],
    [[(0.6, 0.0), (0.05, 0.65), (0.95, 0.65)], [(0.7, 0.3), (0.7, 1.0)]],
    [[(0.5 + 0.4 * np.sin(t), 0.5 - 0.5 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 30)]],
    [[(0.1, 0.2), (0.5, 0.0), (0.9, 0.25), (0.1, 1.0), (0.95, 1.0)]],
]


def strokes_image(strokes, size: int, side: int, pen: int) -> np.ndarray:
    """White strokes of a digit `size` tall, centred on a black (side, side) picture: float 0..1."""
    picture = Image.new("L", (side, side), 0)
    ink = ImageDraw.Draw(picture)
    offset = (side - size) / 2
    for line in strokes:
        ink.line([(offset + x * size, offset + y * size) for x, y in line], 255, pen, "curve")
    return np.asarray(picture, np.float32) / 255


def paper_photo(strokes, seed: int) -> np.ndarray:
    """Dark ink on paper lit from one side, with noise and a soft focus: (360, 480, 3) uint8."""
    rng = np.random.default_rng(seed)
    ink8 = np.round(strokes_image(strokes, 220, 480, 14)[60:420] * 255).astype(np.uint8)
    ink = np.asarray(Image.fromarray(ink8).filter(ImageFilter.GaussianBlur(1.2))) / 255
    angle = rng.uniform(0, 2 * np.pi)
    rows, cols = np.mgrid[0:360, 0:480] / 480
    light = np.clip(0.65 + 0.35 * (np.cos(angle) * cols + np.sin(angle) * rows - 0.4), 0.25, 1)
    gray = light * (1 - 0.65 * ink) + rng.normal(0, 0.03, ink.shape)
    rgb = np.clip(gray[..., None] * [1.0, 0.97, 0.9], 0, 1)  # warm indoor light
    return np.round(rgb * 255).astype(np.uint8)


def canvas_drawing(strokes) -> np.ndarray:
    """White strokes on opaque black, as the canvas sends them: (280, 280, 4) uint8."""
    gray = np.round(strokes_image(strokes, 200, CANVAS, 20) * 255).astype(np.uint8)
    return np.dstack([gray, gray, gray, np.full_like(gray, 255)])


def mnist_file(strokes) -> np.ndarray:
    """A white digit on black, 28 × 28, like an MNIST PNG."""
    big = np.round(strokes_image(strokes, 160, 224, 20) * 255).astype(np.uint8)
    return np.asarray(Image.fromarray(big).resize((28, 28), Image.Resampling.BOX))


PHOTOS = [paper_photo(strokes, seed) for seed, strokes in enumerate(STROKES)]
LIGHT_ON_DARK = [canvas_drawing(s) for s in STROKES] + [mnist_file(s) for s in STROKES]


@pytest.mark.parametrize("index", range(len(PHOTOS)))
def test_photos_of_dark_ink_are_seen_as_dark_on_light(index):
    assert guess_ink(PHOTOS[index]) == "dark-on-light"
    prepared = prepare_for_ink(PHOTOS[index])
    assert prepared.ink == "dark-on-light" and not prepared.blank
    assert "background" in [step.name for step in prepared.steps], "the photo steps ran"


@pytest.mark.parametrize("index", range(len(LIGHT_ON_DARK)))
def test_canvas_and_mnist_pictures_are_seen_as_light_on_dark(index):
    assert guess_ink(LIGHT_ON_DARK[index]) == "light-on-dark"
    prepared = prepare_for_ink(LIGHT_ON_DARK[index])
    assert prepared.ink == "light-on-dark" and not prepared.blank
    assert "background" not in [step.name for step in prepared.steps]


def test_the_ink_can_be_forced_either_way():
    photo, drawing = PHOTOS[1], LIGHT_ON_DARK[1]
    assert prepare_for_ink(drawing, "dark-on-light").ink == "dark-on-light"
    assert prepare_for_ink(photo, "light-on-dark").ink == "light-on-dark"
    # Forced the wrong way, the ink found is the paper's bright side, not the strokes.
    assert prepare_for_ink(photo, "light-on-dark").bbox != prepare_for_ink(photo).bbox


def test_where_nothing_stands_out_the_background_decides_the_ink():
    assert guess_ink(np.zeros((CANVAS, CANVAS), np.uint8)) == "light-on-dark"
    assert guess_ink(np.full((CANVAS, CANVAS), 255, np.uint8)) == "dark-on-light"


def test_blank_paper_in_uneven_light_holds_no_digit():
    # Guessed as light ink, its bright side was read as a digit, 'with confidence'.
    light = np.linspace(0.45, 0.95, 400)[None, :] * np.ones((300, 1))
    paper = np.round(light * 255).astype(np.uint8)
    assert guess_ink(paper) == "dark-on-light"
    assert prepare_for_ink(paper).blank
