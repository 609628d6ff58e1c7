"""Charts for the network page's architecture and filters: arrays in, plotly Figures out.

No session state here. Each figure is made by one `go.Figure(data, layout)`
call, shapes and annotations included: plotly checks every property it is
given, and adding them one by one afterwards (or `make_subplots`) costs several
times more, on every rerun of a panel. Weights are drawn on a signed scale (blue negative, red
positive, white 0); activations on the plasma scale of the draw page (dark 0,
bright strong); inputs in gray, as the model reads them (white ink on black).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from components.common.pictures import tile_maps
from model.inside.anatomy import ShapeStep

ACTIVE = [[0, "#0d0887"], [0.5, "#cc4778"], [1, "#f0f921"]]  # plasma, as on the draw page
SIGNED = "RdBu_r"  # weights and signed values: blue below 0, red above
GRAY = [[0, "#000000"], [1, "#ffffff"]]
PICKED = "#21c354"  # outline of the picked cell or window
IMAGE_Y = dict(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False)
IMAGE_X = dict(showgrid=False, zeroline=False, constrain="domain")
KIND_COLOURS = {
    "Input": "#9aa4b1",
    "Conv2D": "#4c78a8",
    "MaxPooling2D": "#f58518",
    "Flatten": "#54a24b",
    "Dense": "#b279a2",
}
OUTPUT_COLOUR = "#e45756"


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def _block(shape: tuple[int, ...]) -> tuple[float, float, float]:
    """(front width, front height, depth) of a tensor's block, in chart units.

    A map's side grows with its height in pixels and its depth with the log of
    its channels; a flat vector is a thin bar whose height grows with the log of
    its length. Monotone, not to scale: a 28-pixel side beside a 3-pixel one.
    """
    if len(shape) == 3:
        height, width, channels = shape
        return 0.7 + 2.3 * width / 28, 0.7 + 2.3 * height / 28, 0.2 + 0.3 * math.log2(channels)
    return 0.3, 0.6 + 0.8 * math.log10(max(shape[0], 1)), 0.0


_LABEL_STAGGER = 0.45  # in the chart's y units: about one line of label text
_NAMES_TOP = -1.7  # just under the tallest block, a 28×28 input


def shape_chain_figure(steps: tuple[ShapeStep, ...]) -> go.Figure:
    """The data's shape through the network: one block per shape, arrows between them."""
    traces, annotations, x = [], [], 0.0
    # The shapes sit in three rows over the tallest block, like the names under it: over
    # their own blocks, the labels of a tall block and a short one next to it came out on
    # one line and ran together on a phone ("28×28×3214×14×32", "1152128").
    shapes_base = max(_block(s.shape)[1] / 2 + 0.4 * _block(s.shape)[2] for s in steps)
    for number, step in enumerate(steps):
        front, height, depth = _block(step.shape)
        dx, dy = 0.55 * depth, 0.4 * depth
        last = number == len(steps) - 1
        colour = OUTPUT_COLOUR if last else KIND_COLOURS.get(step.kind, "#bab0ac")
        bottom = -height / 2
        faces = [
            [(x, bottom), (x + front, bottom), (x + front, -bottom), (x, -bottom)],
            [(x, -bottom), (x + dx, -bottom + dy), (x + front + dx, -bottom + dy), (x + front, -bottom)],
            [(x + front, bottom), (x + front + dx, bottom + dy), (x + front + dx, -bottom + dy), (x + front, -bottom)],
        ]  # fmt: skip
        for face, opacity in zip(faces, (0.9, 0.55, 0.7), strict=True):
            xs, ys = zip(*[*face, face[0]], strict=True)
            traces.append(
                dict(
                    type="scatter",
                    x=xs,
                    y=ys,
                    fill="toself",
                    mode="lines",
                    line=dict(color="white", width=1),
                    fillcolor=colour,
                    opacity=opacity,
                    hoveron="fills",
                    hoverinfo="text",
                    text=f"<b>{step.name}</b> {shape_text(step.shape)}<br>{step.why}",
                    showlegend=False,
                )
            )
        centre = x + (front + dx) / 2
        # Labels in staggered rows: on a tablet the blocks are closer together than the
        # labels are wide, and neighbours would print over each other. The names sit in
        # four rows under the tallest block; the shapes in three over it.
        # The last labels end at the chart's right edge rather than run past it.
        edge = dict(x=x + front + dx, xanchor="right") if last else dict(x=centre)
        annotations.append(
            dict(
                **edge,
                y=shapes_base + 0.25 + _LABEL_STAGGER * (number % 3),
                text=f"<b>{shape_text(step.shape)}</b>",
                yanchor="bottom",
            )
        )
        annotations.append(
            dict(
                **edge,
                y=_NAMES_TOP - _LABEL_STAGGER * (number % 4),
                text=step.name,
                yanchor="top",
                font=dict(size=11),
            )
        )
        x += front + dx
        if not last:
            annotations.append(
                dict(x=x + 0.85, ax=x + 0.15, y=0, ay=0, axref="x", ayref="y", text="",
                     showarrow=True, arrowhead=2, arrowwidth=1.5, arrowcolor="#888")
            )  # fmt: skip
            x += 1.0
    for annotation in annotations:
        annotation.setdefault("showarrow", False)
    return go.Figure(
        data=traces,
        layout=dict(
            annotations=annotations,
            height=340,
            margin=dict(l=5, r=5, t=10, b=10),
            xaxis=dict(visible=False, range=[-0.3, x + 0.3], fixedrange=True),
            yaxis=dict(
                visible=False,
                range=[-2.2 - 3 * _LABEL_STAGGER, 2.9 + 2 * _LABEL_STAGGER],
                fixedrange=True,
            ),
            plot_bgcolor="rgba(0,0,0,0)",
        ),
    )


def _mosaic_trace(maps: np.ndarray, columns: int, hover: str, **style) -> dict:
    mosaic, where = tile_maps(np.asarray(maps, np.float32), columns)
    return dict(
        type="heatmap", z=mosaic, customdata=where, hoverongaps=False, hovertemplate=hover, **style
    )


def click_targets(values: np.ndarray, hover: str, customdata: np.ndarray | None = None) -> dict:
    """Invisible markers on every cell of a grid (NaN cells left out), so a click picks one.

    Streamlit reports clicked *points*; a heatmap's squares are not points. The
    markers take over the heatmap's hover text, with the value as `customdata`
    unless other customdata is given.
    """
    rows, cols = np.nonzero(~np.isnan(np.asarray(values, np.float32)))
    data = values[rows, cols] if customdata is None else customdata[rows, cols]
    return dict(
        type="scatter",
        x=cols.astype(np.uint16),
        y=rows.astype(np.uint16),
        customdata=data,
        mode="markers",
        marker=dict(size=max(6, 300 // max(values.shape)), opacity=0, symbol="square"),
        selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
        hovertemplate=hover,
        showlegend=False,
    )


def _signed_bound(values: np.ndarray) -> float:
    return max(float(np.abs(values).max()), 1e-6)


def first_layer_figure(kernels: np.ndarray, maps: np.ndarray, columns: int = 8) -> go.Figure:
    """Every first-layer kernel (k, k, n) beside the map (h, w, n) it makes, in the same place."""
    kernel_bound = _signed_bound(kernels)
    signed = float(maps.min()) < 0
    map_bound = _signed_bound(maps) if signed else max(float(maps.max()), 1e-6)
    traces = [
        _mosaic_trace(
            kernels,
            columns,
            "filter %{customdata[0]} · weight at row %{customdata[1]}, column "
            "%{customdata[2]}<br>%{z:.3f}<extra></extra>",
            colorscale=SIGNED,
            zmin=-kernel_bound,
            zmax=kernel_bound,
            colorbar=dict(x=0.4, thickness=10, len=0.9, title=dict(text="weight", side="right")),
        ),
        _mosaic_trace(
            maps,
            columns,
            "filter %{customdata[0]} · row %{customdata[1]}, column %{customdata[2]}"
            "<br>%{z:.3f}<extra></extra>",
            colorscale=SIGNED if signed else ACTIVE,
            zmin=-map_bound if signed else 0,
            zmax=map_bound,
            colorbar=dict(thickness=10, len=0.9, title=dict(text="value", side="right")),
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    rows = math.ceil(maps.shape[-1] / columns)
    hidden = dict(IMAGE_X, visible=False)
    titles = [
        dict(text="<b>Kernels</b>: each filter's weights", x=0, xanchor="left"),
        dict(text="<b>Feature maps</b> of your digit, filter by filter", x=0.46, xanchor="left"),
    ]
    return go.Figure(
        data=traces,
        layout=dict(
            height=int(110 + 420 * rows / columns),
            margin=dict(l=5, r=5, t=30, b=5),
            xaxis=dict(hidden, domain=[0, 0.38]),
            yaxis=dict(IMAGE_Y, visible=False),
            xaxis2=dict(hidden, domain=[0.46, 0.95]),
            yaxis2=dict(IMAGE_Y, scaleanchor="x2", visible=False, anchor="x2"),
            annotations=[
                dict(t, xref="paper", yref="paper", y=1.0, yanchor="bottom", showarrow=False)
                for t in titles
            ],
        ),
    )


def kernel_slices_figure(slices: np.ndarray, picked: int, title: str) -> go.Figure:
    """One filter's kernels (k, k, c_in), one per input channel; the picked one outlined."""
    count = slices.shape[-1]
    columns = min(count, 8)
    bound = _signed_bound(slices)
    k = slices.shape[0]
    top, left = (picked // columns) * (k + 1), (picked % columns) * (k + 1)
    rows = math.ceil(count / columns)
    mosaic, where = tile_maps(np.asarray(slices, np.float32), columns)
    hover = "input channel %{customdata[0]} · row %{customdata[1]}, column %{customdata[2]}"
    cells = np.concatenate([where, np.nan_to_num(mosaic)[..., np.newaxis]], axis=-1)
    return go.Figure(
        data=[
            dict(
                type="heatmap",
                z=mosaic,
                colorscale=SIGNED,
                zmin=-bound,
                zmax=bound,
                showscale=False,
                hoverinfo="skip",
            ),
            click_targets(mosaic, hover + "<br>weight %{customdata[3]:.3f}<extra></extra>", cells),
        ],
        layout=dict(
            title=dict(text=title, x=0, font=dict(size=14)),
            height=int(60 + 300 * rows / columns),
            margin=dict(l=5, r=5, t=35, b=5),
            xaxis=dict(IMAGE_X, visible=False),
            yaxis=dict(IMAGE_Y, visible=False),
            shapes=[outline(top, left, k, k)],
            # A click selects the square under it: the page reads it as the picked cell.
            clickmode="event+select",
            dragmode=False,
            hovermode="closest",
        ),
    )


def outline(top: float, left: float, height: int, width: int) -> dict:
    """A rectangle around cells (top, left) to (top + height - 1, left + width - 1)."""
    return dict(
        type="rect",
        x0=left - 0.5,
        x1=left + width - 0.5,
        y0=top - 0.5,
        y1=top + height - 0.5,
        line=dict(color=PICKED, width=3),
    )


def value_grid_figure(
    values: np.ndarray, title: str, *, signed: bool = True, picked: tuple[int, int] | None = None
) -> go.Figure:
    """A small grid (a kernel, a pooling window) with every value written in it; NaN left blank."""
    values = np.asarray(values, np.float64)
    bound = _signed_bound(np.nan_to_num(values))
    side = 70 * max(values.shape)
    return go.Figure(
        data=[
            dict(
                type="heatmap",
                z=values,
                text=[["" if np.isnan(v) else f"{v:.2f}" for v in row] for row in values],
                texttemplate="%{text}",
                textfont=dict(size=13),
                colorscale=SIGNED if signed else ACTIVE,
                zmin=-bound if signed else 0,
                zmax=bound,
                showscale=False,
                hoverongaps=False,
                hovertemplate="row %{y}, column %{x}: %{z:.4f}<extra></extra>",
            )
        ],
        layout=dict(
            title=dict(text=title, x=0, font=dict(size=14)),
            width=max(side, 190),
            height=side + 50,
            margin=dict(l=5, r=5, t=40, b=5),
            xaxis=dict(IMAGE_X, visible=False),
            yaxis=dict(IMAGE_Y, visible=False),
            shapes=[] if picked is None else [outline(*picked, 1, 1)],
        ),
    )


def digit_figure(pixels: np.ndarray, title: str, height: int = 300) -> go.Figure:
    """A 28×28 input in gray, one square per pixel, its value on hover.

    Plotly never wraps a title: break a long one with "<br>" for narrow columns.
    """
    return go.Figure(
        data=[
            dict(
                type="heatmap",
                z=np.asarray(pixels, np.float32),
                colorscale=GRAY,
                zmin=0,
                zmax=1,
                showscale=False,
                hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>",
            )
        ],
        layout=dict(
            title=dict(text=title, x=0, font=dict(size=14)),
            height=height,
            margin=dict(l=5, r=5, t=40 + 18 * title.count("<br>"), b=5),
            xaxis=dict(IMAGE_X, dtick=7, range=[-0.5, 27.5]),
            yaxis=dict(IMAGE_Y, dtick=7, range=[27.5, -0.5], autorange=False),
        ),
    )
