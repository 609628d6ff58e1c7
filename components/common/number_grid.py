"""The 28 × 28 number grid: a digit as the model reads it, every value written in its cell.

Shown by the image page (the picture as the digit model would read it) and the
draw page (the model's input, as numbers).
"""

from __future__ import annotations

import html

import numpy as np

GRID_NAME = "The image as numbers, 0 black to 255 white, by row and column"
# Cells above this level have their number written in black, the rest in white: 4.5:1 or
# more either way (white on 119 is 4.48:1, black on 119 is 4.7:1).
DARK_TEXT_ABOVE = 118
DARK_TEXT = ' class="cnn-dark"'


def digit_input_html(small: np.ndarray, name: str = GRID_NAME) -> str:
    """The 28 × 28 image the digit model would read: each cell shaded by its value and
    printing it, with row and column numbers.

    HTML rather than a plotly heatmap with 784 text labels, which took Chromium 1.5 to
    3 s to lay out on this machine: this is one grid of plain boxes. ARIA table roles
    make a screen reader read it as a table, each value with its row and column
    header; the rows are `display: contents`, so the boxes still lay out as one grid.
    The layout is the `cnn-grid` rules of assets/access.css: each cell carries only its
    shade (and `cnn-dark` where its number is written in black), so the grid is about
    40 KB, not the 116 KB that inline layout on every cell made of it. The draw page
    sends it on every stroke, to every student.
    """
    side_h, side_w = small.shape
    row_start = '<div role="row">'
    header = '<div role="columnheader"><span class="cnn-sr-inline">row</span></div>'
    header += "".join(f'<div role="columnheader">{c}</div>' for c in range(side_w))
    rows = [f"{row_start}{header}</div>"]
    for r, row in enumerate(small.tolist()):
        values = "".join(
            f'<div role="cell"{DARK_TEXT if value > DARK_TEXT_ABOVE else ""} '
            f'style="background:#{value:02x}{value:02x}{value:02x}">{value}</div>'
            for value in row
        )
        rows.append(f'{row_start}<div role="rowheader">{r}</div>{values}</div>')
    table = (
        f'<div role="table" class="cnn-grid" aria-label="{html.escape(name)}" '
        f'style="grid-template-columns:repeat({side_w + 1},1fr)">{"".join(rows)}</div>'
    )
    # Three-digit numbers keep each column about 13 px wide: 392 px in all, past a phone's
    # 390. The grid scrolls sideways inside its own box there, never the page.
    return f'<div class="cnn-grid-box">{table}</div>'
