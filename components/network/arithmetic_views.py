"""Charts for the worked arithmetic and the digit space: data in, plotly Figures out.

No session state here. As in network_views, each figure is one `go.Figure(data,
layout)` call: these are redrawn on every click. The feature maps are clickable in the page (a click
picks a cell), so each cell is one heatmap square whose x and y are its column
and row.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.common.pictures import tile_maps
from components.network.views import (
    ACTIVE,
    GRAY,
    IMAGE_X,
    IMAGE_Y,
    SIGNED,
    click_targets,
    outline,
)
from model.inside.arithmetic import ConvCell, DenseNeuron

# One colour per digit (Plotly's 10-colour qualitative palette), for the digit space.
DIGIT_COLOURS = [
    "#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a",
    "#19d3f3", "#ff6692", "#b6e880", "#ff97ff", "#fecb52",
]  # fmt: skip
# One shape per label as well as one colour; the star is kept for the user's digit.
DIGIT_SYMBOLS = [
    "circle",
    "square",
    "diamond",
    "cross",
    "x",
    "triangle-up",
    "triangle-down",
    "pentagon",
    "hexagon",
    "triangle-right",
]


def map_figure(
    values: np.ndarray,
    title: str,
    picked: tuple[int, int] | None = None,
    window: tuple[int, int, int, int] | None = None,
    *,
    gray: bool = False,
    height: int = 330,
    clickable: bool = False,
) -> go.Figure:
    """One (h, w) map, a picked cell and/or a (top, left, rows, cols) window outlined.

    A window may reach past the map into the zero padding: the axes then widen
    to show it, and the padding shows as gray squares around the map. A
    clickable map carries a click target on every cell (which costs the browser
    one invisible marker per cell); the others hover from the heatmap itself.
    """
    values = np.asarray(values, np.float32)
    signed = not gray and float(values.min()) < 0
    bound = max(float(np.abs(values).max()), 1e-6)
    rows, cols = values.shape
    hover = "row %{y}, column %{x}: %{z:.4f}<extra></extra>"
    x_range, y_range, shapes, padded = [-0.5, cols - 0.5], [rows - 0.5, -0.5], [], False
    if picked is not None:
        shapes.append(outline(*picked, 1, 1))
    if window is not None:
        top, left, tall, wide = window
        shapes.append(outline(top, left, tall, wide))
        x_range = [min(-0.5, left - 0.5), max(cols - 0.5, left + wide - 0.5)]
        y_range = [max(rows - 0.5, top + tall - 0.5), min(-0.5, top - 0.5)]
        padded = top < 0 or left < 0 or top + tall > rows or left + wide > cols
    return go.Figure(
        data=[
            dict(
                type="heatmap",
                z=values,
                colorscale=GRAY if gray else SIGNED if signed else ACTIVE,
                zmin=-bound if signed else 0,
                zmax=1 if gray else bound,
                showscale=False,
                hoverinfo="skip" if clickable else None,
                hovertemplate=None if clickable else hover,
            ),
            *([click_targets(values, hover.replace("%{z", "%{customdata"))] if clickable else []),
        ],
        layout=dict(
            title=dict(text=title, x=0, font=dict(size=14)),
            height=height,
            margin=dict(l=5, r=5, t=40, b=5),
            xaxis=dict(IMAGE_X, range=x_range, showticklabels=rows > 4),
            yaxis=dict(
                IMAGE_Y, range=y_range, autorange=False, constrain="domain", showticklabels=rows > 4
            ),
            # Gray shows the zero padding where a window reaches past the map.
            plot_bgcolor="#d9d9d9" if padded else "rgba(0,0,0,0)",
            # A click selects the square under it: the page reads it as the picked cell.
            clickmode="event+select",
            dragmode=False,
            hovermode="closest",
            shapes=shapes,
        ),
    )


def conv_work_figure(cell: ConvCell) -> go.Figure:
    """Patch × kernel = products, channel by channel; numbers written in when there is one."""
    channels = cell.patch.shape[-1]
    columns = min(channels, 8)
    one = channels == 1
    parts = [
        ("Input patch", cell.patch, False, "input"),
        ("× Kernel (the weights)", cell.kernel, True, "weight"),
        ("= Products", cell.products, True, "product"),
    ]
    traces, annotations, layout = [], [], {}
    for number, (title, values, signed, what) in enumerate(parts):
        mosaic, where = tile_maps(values.astype(np.float32), columns)
        bound = max(float(np.nanmax(np.abs(mosaic))), 1e-6)
        axis = "" if number == 0 else str(number + 1)
        trace = dict(
            type="heatmap",
            z=mosaic,
            customdata=where,
            colorscale=SIGNED if signed else ACTIVE,
            zmin=-bound if signed else 0,
            zmax=bound,
            showscale=False,
            hoverongaps=False,
            hovertemplate=f"input channel %{{customdata[0]}} · row %{{customdata[1]}}, column "
            f"%{{customdata[2]}}<br>{what} %{{z:.4f}}<extra></extra>",
            xaxis=f"x{axis}",
            yaxis=f"y{axis}",
        )
        if one:  # the values written in, and the zero padding named
            trace["text"] = [
                [
                    f"{v:.2f}" + ("<br>padding" if pad else "")
                    for v, pad in zip(row, pads, strict=True)
                ]
                for row, pads in zip(values[:, :, 0], cell.padding, strict=True)
            ]
            trace["texttemplate"] = "%{text}"
            trace["textfont"] = dict(size=13)
        traces.append(trace)
        left = number * 0.345
        layout[f"xaxis{axis}"] = dict(IMAGE_X, visible=False, domain=[left, left + 0.31])
        layout[f"yaxis{axis}"] = dict(
            IMAGE_Y, visible=False, anchor=f"x{axis}", scaleanchor=f"x{axis}"
        )
        annotations.append(
            dict(text=f"<b>{title}</b>", x=left, y=1, xref="paper", yref="paper",
                 xanchor="left", yanchor="bottom", showarrow=False)
        )  # fmt: skip
    rows = -(-channels // columns)
    height = 300 if one else int(80 + 330 * rows / columns)
    return go.Figure(
        data=traces,
        layout=dict(
            layout, height=height, margin=dict(l=5, r=5, t=30, b=5), annotations=annotations
        ),
    )


def channel_sums_figure(cell: ConvCell) -> go.Figure:
    """Each input channel's share of the sum: the sum of its k×k products."""
    sums = cell.products.sum(axis=(0, 1))
    return go.Figure(
        data=[
            dict(
                type="bar",
                x=np.arange(len(sums)),
                y=sums,
                marker=dict(
                    color=np.where(sums >= 0, "#d6604d", "#4393c3").tolist(), line=dict(width=0)
                ),
                hovertemplate="input channel %{x}: %{y:.4f}<extra></extra>",
            )
        ],
        layout=dict(
            height=200,
            bargap=0.15,
            margin=dict(l=5, r=5, t=10, b=5),
            xaxis=dict(title="input channel"),
            yaxis=dict(title="sum of its products"),
        ),
    )


def dense_figure(neuron: DenseNeuron) -> go.Figure:
    """A neuron's weighted sum as a waterfall: largest contributions, the rest, the bias, total."""
    labels = [f"input {i}" for i in neuron.largest]
    steps = [float(neuron.products[i]) for i in neuron.largest]
    hover = [
        f"input {i}: {neuron.inputs[i]:.4f} × weight {neuron.weights[i]:.4f} = {neuron.products[i]:.4f}"
        for i in neuron.largest
    ]
    others = len(neuron.products) - len(neuron.largest)
    labels.append(f"the other {others:,}")
    steps.append(neuron.rest)
    hover.append(f"the sum of the other {others:,} products: {neuron.rest:.4f}")
    measures = ["relative"] * len(steps)
    if neuron.bias is not None:
        labels.append("bias")
        steps.append(neuron.bias)
        hover.append(f"bias: {neuron.bias:.4f}")
        measures.append("relative")
    labels.append("total")
    steps.append(neuron.pre_activation)
    hover.append(f"total: {neuron.pre_activation:.4f}")
    measures.append("total")
    return go.Figure(
        data=[
            dict(
                type="waterfall",
                x=labels,
                y=steps,
                measure=measures,
                hovertext=hover,
                hoverinfo="text",
                increasing=dict(marker=dict(color="#d6604d")),
                decreasing=dict(marker=dict(color="#4393c3")),
                totals=dict(marker=dict(color="#6f6f6f")),
                connector=dict(line=dict(color="#bbb", width=1)),
            )
        ],
        layout=dict(
            height=300,
            margin=dict(l=5, r=5, t=10, b=5),
            yaxis=dict(title="running sum", zeroline=True),
            xaxis=dict(tickangle=-30),
        ),
    )


def digit_space_figure(
    points: np.ndarray,
    labels: np.ndarray,
    you: np.ndarray,
    neighbours: np.ndarray,
    axis_titles: tuple[str, str],
) -> go.Figure:
    """Test digits as dots coloured by true label; the user's digit as a star, its neighbours ringed.

    Each label also has its own marker shape, so the classes stay apart for
    readers who cannot tell the ten colours apart (and in a grey print-out).
    """
    indices = np.arange(len(labels))
    traces = [
        dict(
            type="scattergl",
            x=points[labels == digit, 0],
            y=points[labels == digit, 1],
            mode="markers",
            name=str(digit),
            marker=dict(
                size=6, color=DIGIT_COLOURS[digit], symbol=DIGIT_SYMBOLS[digit], opacity=0.65
            ),
            customdata=indices[labels == digit],
            hovertemplate=f"test digit #%{{customdata}} · label {digit}<extra></extra>",
        )
        for digit in range(10)
    ]
    traces.append(
        dict(
            type="scatter",
            x=points[neighbours, 0],
            y=points[neighbours, 1],
            mode="markers",
            name="nearest",
            marker=dict(size=13, color="rgba(0,0,0,0)", line=dict(color="#222", width=2)),
            customdata=neighbours,
            hovertemplate="nearest: test digit #%{customdata}<extra></extra>",
        )
    )
    traces.append(
        dict(
            type="scatter",
            x=[you[0]],
            y=[you[1]],
            mode="markers",
            name="your digit",
            marker=dict(size=22, symbol="star", color="#111", line=dict(color="white", width=2)),
            hovertemplate="your digit<extra></extra>",
        )
    )
    return go.Figure(
        data=traces,
        layout=dict(
            height=520,
            margin=dict(l=5, r=5, t=10, b=5),
            xaxis=dict(title=axis_titles[0], zeroline=False),
            yaxis=dict(title=axis_titles[1], zeroline=False),
            legend=dict(title="true label", itemsizing="constant"),
        ),
    )
