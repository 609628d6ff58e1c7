"""The font group kept for the reported figure: read once, at the end, never to choose.

Handwriting fonts from Debian packages that nothing else in the benchmarks
draws from, so no recipe, reading or setting was ever chosen by how well it
reads them. Their centre lines, redrawn by a random hand, are the reported
strokes. Looking at these figures while choosing spends them: a family looked
at twice is a choosing family, and a new reported group has to be found.
"""

from __future__ import annotations

from benchmarks.hands.fonts import TRUETYPE, Font, fonts_in

REPORTED_FONTS: list[Font] = [
    *fonts_in(
        "fonts-nanum-extra",
        TRUETYPE / "nanum",
        "NanumPen.ttf NanumBrush.ttf NanumBarunpenR.ttf NanumBarunpenB.ttf",
        "pen and brush handwriting; a rounded pen, regular and bold",
    ),
    *fonts_in("fonts-staypuft", TRUETYPE / "staypuft", "StayPuft.ttf", "fat marker lettering"),
    *fonts_in("fonts-navilu", TRUETYPE / "Navilu", "Navilu.ttf", "slanted felt-tip handwriting"),
    *fonts_in(
        "fonts-aoyagi-soseki",
        TRUETYPE / "aoyagi-soseki",
        "aoyagi-soseki.ttf",
        "a writer's brush hand, thin strokes",
    ),
]
# Not the other fonts of fonts-nanum-extra: Gothic, Myeongjo and Square are print.
