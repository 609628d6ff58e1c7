"""Charts for the image page: arrays in, plotly Figures out. No session state.

Big images are thinned out for display only: a view keeps every `stride`-th row
and column (real pixels, not averages), and its axes and hover labels use the
true row and column numbers, so what you hover is exactly `image[r][c]`.
"""

from __future__ import annotations

import base64
from io import BytesIO

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from model.images.analysis import StridedView, display_stride

PIXEL_VIEW_CELLS = 200  # the clickable picture: at most 200 × 200 drawn pixels
LOCATOR_CELLS = 100  # the small picture that marks the chosen pixel
LOCATOR_SHOW = (190, 440)  # at most this high and wide on screen, in CSS pixels
NEIGHBOURHOOD_RADIUS = 2  # the close-up is 5 × 5 pixels: room to print every value
IMAGE_AXES = {  # pixel pictures: row 0 at the top, square pixels, no padding around
    "x": dict(title="column c", side="top", showgrid=False, zeroline=False, constrain="domain"),
    "y": dict(
        title="row r",
        autorange="reversed",
        scaleanchor="x",
        constrain="domain",
        showgrid=False,
        zeroline=False,
    ),
}


def display_note(height: int, width: int, max_cells: int) -> str:
    """Says how a picture drawn with this many cells per side relates to the image."""
    step = display_stride(height, width, max_cells)
    if step == 1:
        return "Every pixel is drawn. Drag to zoom in, double-click to zoom out."
    rows, cols = -(-height // step), -(-width // step)  # ceiling division
    return (
        f"Downsampled for display: one row and one column in every {step} is drawn "
        f"({rows} × {cols} of {height} × {width} pixels). Hovering shows each drawn pixel's "
        "true row, column and values; the numbers on this page always use every pixel."
    )


def _png_source(view8: np.ndarray) -> str:
    """8-bit pixels as a PNG data URI."""
    buffer = BytesIO()
    Image.fromarray(np.ascontiguousarray(view8)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_trace(
    view8: np.ndarray, x0: int, y0: int, step: int, hovertemplate: str | None = None
) -> go.BaseTraceType:
    """Colours of an 8-bit (h, w) or (h, w, C) array, pixel centres at x0 + j·step.

    Given as a PNG, which the browser draws as one picture: a z array is turned into
    pixels by plotly's own code, 10 to 20 times slower in Chromium (0.9-1.9 s against
    0.1 s for a 200 × 200 view on this machine). Gray + alpha shows its transparency.
    Without a hovertemplate, hovering shows nothing; with one, `%{x}` and `%{y}` are
    the pixel's column and row and `%{color[i]}` its colour as drawn (0-255).
    """
    hover = {"hoverinfo": "skip"} if hovertemplate is None else {"hovertemplate": hovertemplate}
    return go.Image(source=_png_source(view8), x0=x0, dx=step, y0=y0, dy=step, **hover)


def _shown_brightness(pixels8: np.ndarray) -> np.ndarray:
    """Mean of the colour channels, composited over white where there is alpha: (h, w)."""
    if pixels8.ndim == 2:
        return pixels8.astype(np.float64)
    has_alpha = pixels8.shape[2] in (2, 4)
    colour = pixels8[:, :, :-1] if has_alpha else pixels8
    mean = colour.mean(axis=2)
    if not has_alpha:
        return mean
    alpha = pixels8[:, :, -1] / 255
    return alpha * mean + (1 - alpha) * 255


def _value_template(channels: int, source: str = "customdata") -> str:
    if channels == 1:
        return f"%{{{source}}}"
    parts = ", ".join(f"%{{{source}[{i}]}}" for i in range(channels))
    return f"[{parts}]"


def _outline(fig: go.Figure, row: int, col: int, half: float) -> None:
    """Mark a pixel with a box readable on any colour: black under white."""
    box = dict(type="rect", x0=col - half, x1=col + half, y0=row - half, y1=row + half)
    fig.add_shape(**box, line=dict(color="black", width=4))
    fig.add_shape(**box, line=dict(color="white", width=2))


def _crosshair(fig: go.Figure, row: int, col: int) -> None:
    """Faint lines through the selected pixel, so it can be found in a big picture."""
    for colour, width in (("black", 3), ("white", 1)):  # readable on any colour
        line = dict(color=colour, width=width)
        fig.add_hline(y=row, line=line, opacity=0.7)
        fig.add_vline(x=col, line=line, opacity=0.7)


def pixel_view_figure(view: StridedView, revision: int = 0) -> go.Figure:
    """The whole image, zoomable; hover shows the true row, column and values.

    The view's 8-bit pixels give the colours; its values (what numpy decoded) are
    shown on hover. An invisible marker sits on every displayed pixel so that a
    click reports its row and column.

    It does not mark the chosen pixel (locator_picture does): a figure that changes
    is a new chart to Streamlit, and this one, with its WebGL markers, is the
    slowest on the page to set up. `revision` changes after each click, so that the
    next click on the same pixel is a new selection to plotly.
    """
    height, width, step = view.height, view.width, view.step
    view8, view_values = view.pixels8, view.values
    # uint16 coordinates halve the payload; a 50-megapixel image can be wider than that.
    coord_type = np.uint16 if max(height, width) < 2**16 else np.uint32
    rows, cols = np.mgrid[0:height:step, 0:width:step].astype(coord_type)
    channels = 1 if view_values.ndim == 2 else view_values.shape[2]
    fig = go.Figure(image_trace(view8, 0, 0, step))
    fig.add_trace(
        go.Scattergl(
            x=cols.ravel(),
            y=rows.ravel(),
            customdata=view_values.reshape(view_values.shape[0] * view_values.shape[1], -1)
            if channels > 1
            else view_values.ravel(),
            mode="markers",
            marker=dict(size=max(4, 600 // max(view8.shape[:2])), opacity=0),
            selected=dict(marker=dict(opacity=0)),
            unselected=dict(marker=dict(opacity=0)),
            hovertemplate="row %{y}, column %{x}<br>"
            + _value_template(channels)
            + "<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(
        height=520,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(IMAGE_AXES["x"], range=[-step / 2, width - step / 2]),
        yaxis=IMAGE_AXES["y"],
        dragmode="zoom",
        clickmode="event+select",
        hovermode="closest",
        meta=dict(revision=revision),
    )
    return fig


def locator_picture(view: StridedView, selected: tuple[int, int]) -> Image.Image:
    """A small picture of the image with the chosen pixel marked: where it is.

    Drawn here with Pillow, not as a chart: it changes with every pixel, and a
    picture is far cheaper for the browser than a plotly figure. Twice the size it
    is shown at (LOCATOR_SHOW), so that its lines stay sharp on high-density screens.
    A crosshair through the pixel, then a box around it, each black under white so
    that they show on any colour.
    """
    cells = view.pixels8.shape[:2]
    picture = Image.fromarray(np.ascontiguousarray(view.pixels8)).convert("RGBA")
    most_h, most_w = 2 * LOCATOR_SHOW[0], 2 * LOCATOR_SHOW[1]
    scale = min(most_h / cells[0], most_w / cells[1])
    size = (max(1, round(cells[1] * scale)), max(1, round(cells[0] * scale)))
    picture = picture.resize(size, Image.Resampling.NEAREST)
    cell_h, cell_w = size[1] / cells[0], size[0] / cells[1]
    row, col = selected
    # Pixel (row, col) of the image, in picture coordinates: the view keeps every
    # step-th pixel, each drawn as a cell centred on its own row and column.
    y, x = (row / view.step + 0.5) * cell_h, (col / view.step + 0.5) * cell_w
    lines = Image.new("RGBA", size)
    draw = ImageDraw.Draw(lines)
    for colour, width in (((0, 0, 0, 180), 6), ((255, 255, 255, 180), 2)):
        draw.line([(0, y), (size[0], y)], fill=colour, width=width)
        draw.line([(x, 0), (x, size[1])], fill=colour, width=width)
    picture = Image.alpha_composite(picture, lines)
    half = max(view.step * 3, 2) / view.step  # in cells: at least a few pixels across
    box = [x - half * cell_w, y - half * cell_h, x + half * cell_w, y + half * cell_h]
    draw = ImageDraw.Draw(picture)
    draw.rectangle(box, outline=(0, 0, 0, 255), width=8)
    draw.rectangle([v + (2 if i < 2 else -2) for i, v in enumerate(box)], outline="white", width=4)
    return picture


def neighbourhood_figure(
    window8: np.ndarray, window_values: np.ndarray, top: int, left: int, selected: tuple[int, int]
) -> go.Figure:
    """A few pixels around the selected one, each with its values printed in it."""
    height, width = window_values.shape[:2]
    channels = 1 if window_values.ndim == 2 else window_values.shape[2]
    rows, cols = np.mgrid[top : top + height, left : left + width]
    flat_values = window_values.reshape(height * width, channels)
    labels = ["<br>".join(str(v) for v in cell) for cell in flat_values.tolist()]
    # Dark text on light pixels, light text on dark ones, judged on the colour as
    # shown: a see-through pixel shows the white page behind it.
    light = _shown_brightness(window8)
    text_colours = np.where(light.ravel() > 140, "black", "white")
    fig = go.Figure(image_trace(window8, left, top, 1))
    fig.add_trace(
        go.Scatter(
            x=cols.ravel(),
            y=rows.ravel(),
            mode="markers+text",
            text=labels,
            textfont=dict(color=text_colours.tolist(), size=13),
            marker=dict(size=48, opacity=0, symbol="square"),
            selected=dict(marker=dict(opacity=0)),
            unselected=dict(marker=dict(opacity=0)),
            customdata=flat_values,
            hovertemplate="row %{y}, column %{x}<br>"
            + _value_template(channels)
            + "<extra></extra>",
            showlegend=False,
        )
    )
    _outline(fig, *selected, half=0.5)
    fig.update_layout(
        # Each cell has room for one printed line per channel.
        height=100 + height * (16 * channels + 14),
        margin=dict(l=10, r=10, t=40, b=10),
        # Cells may be taller than wide (an image trace makes them square unless told
        # otherwise): room for three or four printed values.
        xaxis=dict(IMAGE_AXES["x"], dtick=1, range=[left - 0.5, left + width - 0.5]),
        yaxis=dict(
            IMAGE_AXES["y"],
            dtick=1,
            scaleanchor=False,
            autorange=False,
            range=[top + height - 0.5, top - 0.5],  # reversed: row `top` at the top
        ),
        dragmode=False,
        clickmode="event+select",
    )
    return fig
