"""Digits from handwriting fonts, drawn white on a black 280 × 280 canvas.

Each digit of each font is drawn once clean (upright, 200 px tall, centred,
the font's own weight) and several times jittered: another size and place,
rotated, slanted, and with a lighter or heavier pen.

Only fonts whose digits a person could draw with one round pen are kept.
Every font of the packages is listed with the reason it is kept or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CANVAS = 280  # the drawing page's canvas side
CLEAN_HEIGHT = 200  # a digit drawn comfortably on the canvas
MARGIN = 6  # a jittered digit keeps this far from the canvas's edge
RENDER_SIZE = 400  # font size for measuring a glyph before drawing it at its height
THINNEST_PEN = 5.0  # canvas pixels: thinning never takes a stroke below this

TRUETYPE = Path("/usr/share/fonts/truetype")
OPENTYPE = Path("/usr/share/fonts/opentype")


@dataclass(frozen=True)
class Font:
    package: str
    path: Path
    note: str  # why it is kept or left out

    @property
    def name(self) -> str:
        return self.path.stem


def fonts_in(package: str, folder: Path, names: str, note: str) -> list[Font]:
    return [Font(package, folder / name, note) for name in names.split()]


SINGLE_PEN = "single pen stroke, even width"
# Kept: every style of each font, since a style is another weight or slant of the same hand.
FONTS: list[Font] = [
    *fonts_in(
        "fonts-dkg-handwriting",
        TRUETYPE / "fifthhorseman",
        "dkg.ttf dkgBd.ttf dkgIt.ttf dkgBI.ttf",
        "a person's handwriting, digitised; " + SINGLE_PEN,
    ),
    *fonts_in("fonts-breip", TRUETYPE / "breip", "Breip.ttf", "handwriting; " + SINGLE_PEN),
    *fonts_in(
        "fonts-humor-sans", TRUETYPE / "humor-sans", "Humor-Sans.ttf", "xkcd's hand; bold pen"
    ),
    *fonts_in(
        "fonts-sjfonts",
        TRUETYPE / "sjfonts",
        "Delphine.ttf SteveHand.ttf",
        "handwriting; " + SINGLE_PEN,
    ),
    *fonts_in(
        "fonts-tlwg-purisa-otf",
        OPENTYPE / "tlwg",
        "Purisa.otf Purisa-Bold.otf Purisa-Oblique.otf Purisa-BoldOblique.otf",
        "handwriting; " + SINGLE_PEN,
    ),
    *fonts_in("fonts-kristi", TRUETYPE / "kristi", "Kristi.ttf", "fast slanted handwriting"),
    *fonts_in(
        "fonts-comic-neue",
        OPENTYPE / "comic-neue",
        "ComicNeue-Regular.otf ComicNeue-Bold.otf ComicNeue-Light.otf ComicNeue-Italic.otf "
        "ComicNeue-BoldItalic.otf ComicNeue-LightItalic.otf",
        "comic lettering; " + SINGLE_PEN,
    ),
    *fonts_in(
        "fonts-klee",
        TRUETYPE / "klee",
        "KleeOne-Regular.ttf KleeOne-SemiBold.ttf",
        "pencil handwriting; " + SINGLE_PEN,
    ),
    *fonts_in(
        "fonts-kiloji",
        TRUETYPE / "kiloji",
        "kiloji.ttf kiloji_b.ttf kiloji_d.ttf kiloji_p.ttf",
        "handwriting; " + SINGLE_PEN,
    ),
    *fonts_in("fonts-rufscript", TRUETYPE / "rufscript", "Rufscript010.ttf", "felt-tip script"),
    *fonts_in(
        "fonts-dancingscript",
        OPENTYPE / "dancingscript",
        "DancingScript-Regular.otf DancingScript-Bold.otf",
        "brush script, one stroke per digit",
    ),
    *fonts_in(
        "fonts-kaushanscript",
        OPENTYPE / "kaushanscript",
        "KaushanScript-Regular.otf",
        "brush script, one stroke per digit",
    ),
    *fonts_in("fonts-tomsontalks", TRUETYPE / "tomsontalks", "TomsonTalks.ttf", "comic lettering"),
    *fonts_in(
        "fonts-yusei-magic", TRUETYPE / "yusei-magic", "YuseiMagic-Regular.ttf", "marker pen"
    ),
    *fonts_in(
        "fonts-leckerli-one",
        TRUETYPE / "leckerli-one",
        "LeckerliOne-Regular.ttf",
        "heavy brush script",
    ),
    *fonts_in("fonts-havana", OPENTYPE / "havana", "Havana-Regular.otf", "handwriting"),
    *fonts_in("fonts-seto", TRUETYPE / "seto", "setofont.ttf", "handwriting; " + SINGLE_PEN),
]
LEFT_OUT: list[Font] = [
    *fonts_in(
        "fonts-breip",
        TRUETYPE / "breip",
        "breipfont.ttf",
        "the same digits as Breip.ttf but the 5: counting them twice would weigh one hand double",
    ),
    *fonts_in(
        "fonts-seto", TRUETYPE / "seto", "setofont-ex.ttf", "has no digits (kanji extension)"
    ),
    *fonts_in(
        "fonts-joscelyn",
        OPENTYPE / "joscelyn",
        "Joscelyn-Regular.otf",
        "broad-nib calligraphy: swashes on 2, 3, 5, 6 and 7 run far past the digit",
    ),
    *fonts_in(
        "fonts-ecolier-court",
        TRUETYPE / "ecolier-court",
        "Ecolier-court.ttf",
        "copperplate with hairlines a tenth of the main strokes: they vanish at 28 × 28",
    ),
]


@dataclass(frozen=True)
class Jitter:
    height: float = CLEAN_HEIGHT  # of the digit's ink before rotating, canvas pixels
    rotate: float = 0.0  # degrees, anticlockwise
    shear: float = 0.0  # slant: the top moves right by shear × height
    weight: int = 0  # canvas pixels added to (or taken from) each side of every stroke
    offset: tuple[float, float] = (0.0, 0.0)  # (x, y) of the digit's centre from the canvas's


def random_jitter(rng: np.random.Generator) -> Jitter:
    """Sizes, slants and pens people use on the canvas."""
    return Jitter(
        height=rng.uniform(110, 240),
        rotate=rng.uniform(-12, 12),
        shear=rng.uniform(-0.2, 0.35),  # more people slant right than left
        weight=int(rng.integers(-4, 9)),
        offset=(rng.uniform(-40, 40), rng.uniform(-40, 40)),
    )


def draw_digit(font: Font, digit: int, jitter: Jitter) -> np.ndarray:
    """The digit as the canvas would send it: (280, 280) uint8, white on black."""
    ink = _glyph(font, digit, jitter.height, jitter.weight)
    ink = _slant_and_rotate(ink, jitter.shear, jitter.rotate)
    return _place(ink, jitter.offset)


def stroke_width(mask: np.ndarray) -> float:
    """Average stroke width in pixels of a binary mask: 2 · area / outline length."""
    mask = np.pad(mask, 1)
    edges = np.count_nonzero(mask[:, 1:] != mask[:, :-1]) + np.count_nonzero(mask[1:] != mask[:-1])
    # Edges along x and y overcount a line's length by 4/π on average over angles.
    return 2 * float(mask.sum()) / (edges * np.pi / 4) if edges else 0.0


def _render(font_path: Path, text: str, size: int, outline: int) -> Image.Image:
    """One glyph in white on black, cropped to its ink; `outline` widens every stroke."""
    font = ImageFont.truetype(str(font_path), size)
    left, top, right, bottom = font.getbbox(text, stroke_width=outline)
    pad = 4
    image = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(image).text(
        (pad - left, pad - top), text, fill=255, font=font, stroke_width=outline, stroke_fill=255
    )
    box = image.getbbox()
    if box is None:
        raise ValueError(f"{font_path.name} has no glyph for {text!r}")
    return image.crop(box)


def _glyph(font: Font, digit: int, height: float, weight: int) -> Image.Image:
    """The digit `height` pixels tall, with `weight` pixels of pen added or taken per side."""
    measured = _render(font.path, str(digit), RENDER_SIZE, 0)
    size = max(8, round(RENDER_SIZE * height / measured.height))
    if weight >= 0:
        return _render(font.path, str(digit), size, weight)
    image = _render(font.path, str(digit), size, 0)
    # Thin one pixel per side at a time, never below THINNEST_PEN.
    for _ in range(-weight):
        width = stroke_width(np.asarray(image) > 127)
        if width - 2 < THINNEST_PEN:
            break
        image = image.filter(ImageFilter.MinFilter(3))
    return image


def _slant_and_rotate(image: Image.Image, shear: float, degrees: float) -> Image.Image:
    if shear:
        pad = int(abs(shear) * image.height) + 2
        wide = Image.new("L", (image.width + 2 * pad, image.height), 0)
        wide.paste(image, (pad, 0))
        # Output (x, y) samples input (x + shear · (y - centre), y): the top leans right.
        centre = image.height / 2
        image = wide.transform(
            wide.size,
            Image.Transform.AFFINE,
            (1, shear, -shear * centre, 0, 1, 0),
            resample=Image.Resampling.BICUBIC,
        )
    if degrees:
        image = image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True)
    box = image.getbbox()
    return image.crop(box) if box else image


def _place(image: Image.Image, offset: tuple[float, float]) -> np.ndarray:
    """Paste onto the black canvas, shrunk first if it would not fit, kept inside the margin."""
    room = CANVAS - 2 * MARGIN
    if max(image.size) > room:
        scale = room / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    x = round(CANVAS / 2 + offset[0] - image.width / 2)
    y = round(CANVAS / 2 + offset[1] - image.height / 2)
    x = min(max(x, MARGIN), CANVAS - MARGIN - image.width)
    y = min(max(y, MARGIN), CANVAS - MARGIN - image.height)
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    canvas.paste(image, (x, y))
    return np.asarray(canvas, dtype=np.uint8)
