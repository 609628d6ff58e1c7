"""Families of other hands' digits: the ones recipes and readings are chosen on, and the one reported.

A figure that chose something is no longer a fair measure of it: the fonts
and strokes that chose issue 10's recipe read 99% while real writers read
worse. So every set belongs to a family with one use:

- "choose": look at these as often as needed to pick recipes, readings and
  settings;
- "report": one font package group and one stroke source that nothing is
  chosen on, read once at the end for the figure that is published.

A family is drawn from fixed seeds: the same pictures on every run, in any
process, each picture's randomness derived from its family's seed and its place.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np

from benchmarks.hands import fonts, strokes
from benchmarks.hands.fonts import Font
from benchmarks.hands.reported import REPORTED_FONTS
from benchmarks.hands.validation import VALIDATION_FONTS, skeleton_strokes

Use = Literal["choose", "report"]
USES: tuple[Use, ...] = ("choose", "report")


@dataclass(frozen=True)
class Family:
    name: str  # the set's name in tables and JSON
    kind: Literal["fonts", "strokes"]
    use: Use
    seed: int
    drawings: int  # per source and digit; for fonts the first is the clean one
    fonts: tuple[Font, ...] = ()  # fonts drawn, or traced to their centre lines for strokes
    designs: tuple[strokes.Design, ...] = ()  # Hershey designs, for strokes not traced from fonts
    note: str = ""
    # Strokes only: the hand's width factor drawn from this range instead of its own.
    aspect: tuple[float, float] | None = None

    @property
    def sources(self) -> list[str]:
        return [f.name for f in self.fonts] or [d.name for d in self.designs]

    @property
    def packages(self) -> list[str]:
        return list(dict.fromkeys(f.package for f in self.fonts)) or [strokes.PACKAGE]

    def draw(self, source: int, digit: int, index: int) -> np.ndarray:
        """Picture `index` of `digit` from source number `source`: (280, 280) uint8, white on black."""
        kind_number = ("fonts", "strokes").index(self.kind)
        rng = np.random.default_rng([self.seed, kind_number, source, digit, index])
        if self.kind == "fonts":
            jitter = fonts.Jitter() if index == 0 else fonts.random_jitter(rng)
            return fonts.draw_digit(self.fonts[source], digit, jitter)
        if self.fonts:
            lines = skeleton_strokes(self.fonts[source], digit)
        else:
            lines = _design_strokes(source)[digit]
        hand = strokes.random_hand(rng)
        if self.aspect:
            hand = dataclasses.replace(hand, aspect=rng.uniform(*self.aspect))
        return strokes.draw_strokes(lines, hand)


@functools.cache
def _design_strokes(number: int) -> list[list[np.ndarray]]:
    return strokes.digit_strokes(strokes.DESIGNS[number])


NARROW = (0.35, 0.6)  # a hand's width factor when it writes narrow (others: 0.75 to 1.3)

FAMILIES: list[Family] = [
    Family(
        "fonts",
        "fonts",
        "choose",
        seed=10,
        drawings=9,
        fonts=tuple(fonts.FONTS),
        note="34 fonts of 17 packages, clean and 8 times jittered; chose issue 10's recipe",
    ),
    Family(
        "strokes",
        "strokes",
        "choose",
        seed=10,
        drawings=40,
        designs=tuple(strokes.DESIGNS),
        note="6 Hershey designs' strokes redrawn by a random hand; chose issue 10's recipe",
    ),
    Family(
        "validation fonts",
        "fonts",
        "choose",
        seed=20_000,
        drawings=9,
        fonts=tuple(VALIDATION_FONTS),
        note="8 fonts of 2 other packages, drawn as the fonts family",
    ),
    Family(
        "validation strokes",
        "strokes",
        "choose",
        seed=20_000,
        drawings=12,
        fonts=tuple(VALIDATION_FONTS),
        note="the validation fonts' centre lines redrawn by a random hand",
    ),
    # Narrow writing, the held-out writers' 1-bias: narrow 2s with a flat base and
    # closed 8s read as 1. The other choosing sets hold almost none of them.
    Family(
        "narrow strokes",
        "strokes",
        "choose",
        seed=40_000,
        drawings=20,
        designs=tuple(strokes.DESIGNS),
        aspect=NARROW,
        note="the Hershey designs redrawn by a hand that writes narrow",
    ),
    Family(
        "narrow validation strokes",
        "strokes",
        "choose",
        seed=40_000,
        drawings=12,
        fonts=tuple(VALIDATION_FONTS),
        aspect=NARROW,
        note="the validation fonts' centre lines redrawn by a hand that writes narrow",
    ),
    Family(
        "reported fonts",
        "fonts",
        "report",
        seed=30_000,
        drawings=25,
        fonts=tuple(REPORTED_FONTS),
        note="7 fonts of 4 packages nothing else uses, clean and 24 times jittered",
    ),
    Family(
        "reported strokes",
        "strokes",
        "report",
        seed=30_000,
        drawings=25,
        fonts=tuple(REPORTED_FONTS),
        note="the reported fonts' centre lines redrawn by a random hand",
    ),
]


def families(use: Use) -> list[Family]:
    return [f for f in FAMILIES if f.use == use]


def family(name: str) -> Family:
    return next(f for f in FAMILIES if f.name == name)
