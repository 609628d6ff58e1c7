"""The 28 × 28 number grid: a digit as the model reads it, every value written in its cell.

Shown by the image page (the picture as the digit model would read it) and the
draw page (the model's input, as numbers).
"""

from __future__ import annotations

import numpy as np


def digit_input_html(small: np.ndarray) -> str:
    """The 28 × 28 image the digit model would read: each cell shaded by its value and
    printing it, with row and column numbers.

    HTML rather than a plotly heatmap with 784 text labels, which took Chromium 1.5 to
    3 s to lay out on this machine: this is one grid of plain boxes.
    """
    side_h, side_w = small.shape
    label = "color:#808495;font-size:9px;display:flex;align-items:center;justify-content:center"
    cells = [f'<div style="{label}"></div>']
    cells += [f'<div style="{label}">{c}</div>' for c in range(side_w)]
    for r, row in enumerate(small.tolist()):
        cells.append(f'<div style="{label}">{r}</div>')
        for value in row:
            ink = "#000" if value > 140 else "#fff"
            cells.append(
                f'<div style="background:rgb({value},{value},{value});color:{ink}">{value}</div>'
            )
    grid = (
        f"display:grid;grid-template-columns:repeat({side_w + 1},1fr);"
        "font-size:9px;line-height:1;text-align:center;max-width:620px"
    )
    cell = "aspect-ratio:1;display:flex;align-items:center;justify-content:center"
    body = "".join(c.replace('<div style="', f'<div style="{cell};', 1) for c in cells)
    return f'<div style="{grid}">{body}</div>'
