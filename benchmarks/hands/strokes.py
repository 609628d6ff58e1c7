"""Digits as pen strokes: the Hershey fonts' strokes redrawn as a person draws on the canvas.

The Hershey fonts (Debian's hershey-fonts-data) store each glyph as pen
movements, so every digit can be redrawn with a new pen: slanted, rotated,
stretched, with a wobbly hand and a round pen 8 to 26 canvas pixels wide,
white on a black 280 × 280 canvas.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280
MARGIN = 6
HERSHEY = Path("/usr/share/hershey-fonts")
PACKAGE = "hershey-fonts-data"
FIRST_GLYPH = 32  # each .jhf file holds ASCII 32..127 in order, one glyph per line
PEN_UP = (-50, 0)  # the " R" pair, which lifts the pen
SUPERSAMPLE = 2  # drawn at twice the size and averaged down: anti-aliased like the canvas


@dataclass(frozen=True)
class Design:
    name: str
    file: str  # in HERSHEY
    note: str


# One file per distinct set of digits: several files share theirs (the digits of
# futural, rowmans, greek and cursive are the simplex ones; timesr's are cyrillic's).
DESIGNS = [
    Design("simplex", "rowmans.jhf", "one stroke per line, like a pen"),
    Design("duplex", "rowmand.jhf", "two close strokes: a wider pen"),
    Design("complex", "timesr.jhf", "serif digits drawn in a few strokes"),
    Design("triplex", "rowmant.jhf", "three close strokes, serifs"),
    Design("italic complex", "timesi.jhf", "slanted serif digits (also scripts, scriptc)"),
    Design("italic triplex", "timesib.jhf", "slanted bold serif digits"),
]
# Left out: the six gothic files (blackletter digits built from many short
# strokes, which nobody draws on a canvas), and symbolic, markers, japanese,
# music, astrology, meteorology and math*, whose digits are one of the above or none.


def parse_glyph(line: str) -> list[np.ndarray]:
    """One .jhf line -> its strokes, each an (N, 2) float array of (x, y), y downwards.

    Columns 0-4 are the glyph number, 5-7 the number of coordinate pairs; then
    pairs of characters, each coordinate being its character's code minus ord("R").
    The first pair is the glyph's left and right side, and " R" lifts the pen.
    """
    data = line[8:]
    pairs = [(ord(data[i]) - ord("R"), ord(data[i + 1]) - ord("R")) for i in range(0, len(data), 2)]
    strokes: list[list[tuple[int, int]]] = [[]]
    for pair in pairs[1:]:
        if pair == PEN_UP:
            strokes.append([])
        else:
            strokes[-1].append(pair)
    return [np.array(s, dtype=np.float64) for s in strokes if s]


def digit_strokes(design: Design) -> list[list[np.ndarray]]:
    """The strokes of the digits 0..9 of one design."""
    lines = (HERSHEY / design.file).read_text(encoding="ascii").splitlines()
    return [parse_glyph(lines[ord(str(d)) - FIRST_GLYPH]) for d in range(10)]


@dataclass(frozen=True)
class Hand:
    """How one person draws one digit."""

    height: float  # canvas pixels, before slant and rotation
    aspect: float  # width multiplied by this
    shear: float  # slant: the top moves right by shear × height
    rotate: float  # degrees, anticlockwise
    wobble: float  # how far the hand strays from the ideal line, as a share of height
    pen: float  # round pen's diameter, canvas pixels
    offset: tuple[float, float]  # (x, y) of the digit's centre from the canvas's
    waves: np.ndarray  # (2, 2, 4): per axis, two waves of (amplitude, kx, ky, phase)


@dataclass(frozen=True)
class HandRanges:
    """Where a random hand's settings are drawn from, each uniformly between its two ends."""

    height: tuple[float, float] = (120, 230)
    aspect: tuple[float, float] = (0.75, 1.3)
    shear: tuple[float, float] = (-0.2, 0.4)
    rotate: tuple[float, float] = (-15, 15)
    wobble: tuple[float, float] = (0.0, 0.035)
    pen: tuple[float, float] = (8, 26)
    offset: float = 35  # x and y each at most this far from the canvas's centre


ANY_HAND = HandRanges()


def random_hand(rng: np.random.Generator, ranges: HandRanges = ANY_HAND) -> Hand:
    waves = np.stack(
        [
            np.stack(
                [
                    rng.uniform(0.3, 1.0, 2),
                    rng.uniform(-1.5, 1.5, 2),  # cycles per digit height
                    rng.uniform(-1.5, 1.5, 2),
                    rng.uniform(0, 2 * np.pi, 2),
                ],
                axis=1,
            )
            for _ in range(2)
        ]
    )
    return Hand(
        height=rng.uniform(*ranges.height),
        aspect=rng.uniform(*ranges.aspect),
        shear=rng.uniform(*ranges.shear),
        rotate=rng.uniform(*ranges.rotate),
        wobble=rng.uniform(*ranges.wobble),
        pen=rng.uniform(*ranges.pen),
        offset=(
            rng.uniform(-ranges.offset, ranges.offset),
            rng.uniform(-ranges.offset, ranges.offset),
        ),
        waves=waves,
    )


def draw_strokes(strokes: list[np.ndarray], hand: Hand) -> np.ndarray:
    """Strokes (in any units, y downwards) drawn by `hand`: (280, 280) uint8, white on black.

    A stroke of one point is a dot.
    """
    every = np.concatenate(strokes)
    low, high = every.min(axis=0), every.max(axis=0)
    centre, extent = (low + high) / 2, max(high[1] - low[1], 1e-9)
    angle = np.radians(hand.rotate)
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])

    def placed(xy: np.ndarray) -> np.ndarray:
        xy = _dense((xy - centre) / extent, step=0.02)  # unit height, centred on 0
        xy = xy + hand.wobble * _wave(xy, hand.waves)
        xy[:, 0] *= hand.aspect
        xy[:, 0] -= hand.shear * xy[:, 1]  # y grows downwards: the top leans right
        return (xy * hand.height) @ rotation.T

    paths = [placed(s) for s in strokes]
    every = np.concatenate(paths)
    middle = (every.max(axis=0) + every.min(axis=0)) / 2
    half = (every.max(axis=0) - every.min(axis=0)) / 2  # (x, y) half-extent of the path
    # Shrink a digit too big for the canvas, pen included, as a person would draw it smaller.
    room = CANVAS / 2 - MARGIN - hand.pen / 2
    scale = min(1.0, room / max(half.max(), 1e-9))
    paths = [(p - middle) * scale for p in paths]
    reach = half * scale + hand.pen / 2
    where = np.clip(CANVAS / 2 + np.asarray(hand.offset), MARGIN + reach, CANVAS - MARGIN - reach)

    side = CANVAS * SUPERSAMPLE
    picture = Image.new("L", (side, side), 0)
    pen = ImageDraw.Draw(picture)
    radius = hand.pen * SUPERSAMPLE / 2
    for path in paths:
        xy = (path + where) * SUPERSAMPLE
        points = [tuple(p) for p in xy]
        if len(points) > 1:
            pen.line(points, fill=255, width=round(2 * radius))
        for x, y in points:  # round caps and joins
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    picture = picture.resize((CANVAS, CANVAS), Image.Resampling.BOX)
    return np.asarray(picture, dtype=np.uint8)


def _dense(xy: np.ndarray, step: float) -> np.ndarray:
    """The polyline with extra points, so no segment is longer than `step`."""
    if len(xy) < 2:
        return xy.copy()
    out = [xy[:1]]
    for a, b in zip(xy[:-1], xy[1:], strict=True):
        n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
        t = np.arange(1, n + 1)[:, None] / n
        out.append(a + (b - a) * t)
    return np.concatenate(out)


def _wave(xy: np.ndarray, waves: np.ndarray) -> np.ndarray:
    """A smooth displacement of every point, the same wherever strokes cross: (N, 2)."""
    shift = np.zeros_like(xy)
    for axis in range(2):
        for amplitude, kx, ky, phase in waves[axis]:
            shift[:, axis] += amplitude * np.sin(
                2 * np.pi * (kx * xy[:, 0] + ky * xy[:, 1]) + phase
            )
    return shift
