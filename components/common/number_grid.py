"""The 28 × 28 number grid: a digit as the model reads it, every value written in its cell.

Shown by the image page (the picture as the digit model would read it) and the
draw page (the model's input, as numbers).
"""

from __future__ import annotations

import html

import numpy as np

GRID_NAME = "The image as numbers, 0 black to 255 white, by row and column"


def digit_input_html(small: np.ndarray, name: str = GRID_NAME) -> str:
    """The 28 × 28 image the digit model would read: each cell shaded by its value and
    printing it, with row and column numbers.

    HTML rather than a plotly heatmap with 784 text labels, which took Chromium 1.5 to
    3 s to lay out on this machine: this is one grid of plain boxes. ARIA table roles
    make a screen reader read it as a table, each value with its row and column
    header; the rows are `display: contents`, so the boxes still lay out as one grid.
    """
    side_h, side_w = small.shape
    cell = "aspect-ratio:1;display:flex;align-items:center;justify-content:center"
    # Row and column numbers at 7:1 on white: Streamlit's caption grey, #808495, is 3.7:1.
    label = f"{cell};color:#595959;font-size:9px"
    row_start = '<div role="row" style="display:contents">'
    header = (
        f'<div role="columnheader" style="{label}"><span class="cnn-sr-inline">row</span></div>'
    )
    header += "".join(f'<div role="columnheader" style="{label}">{c}</div>' for c in range(side_w))
    rows = [f"{row_start}{header}</div>"]
    for r, row in enumerate(small.tolist()):
        values = "".join(
            f'<div role="cell" style="{cell};background:rgb({value},{value},{value});'
            f'color:{"#000" if value > 140 else "#fff"}">{value}</div>'
            for value in row
        )
        rows.append(f'{row_start}<div role="rowheader" style="{label}">{r}</div>{values}</div>')
    grid = (
        f"display:grid;grid-template-columns:repeat({side_w + 1},1fr);"
        "font-size:9px;line-height:1;text-align:center;max-width:620px"
    )
    table = (
        f'<div role="table" aria-label="{html.escape(name)}" style="{grid}">{"".join(rows)}</div>'
    )
    # Three-digit numbers keep each column about 13 px wide: 392 px in all, past a phone's
    # 390. The grid scrolls sideways inside its own box there, never the page.
    return f'<div style="overflow-x:auto;max-width:100%">{table}</div>'
