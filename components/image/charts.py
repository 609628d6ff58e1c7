"""Charts for the image page's sections 3 to 6: data in, a Figure or HTML out. No session state.

The pixel pictures of section 2 are in image_views.py.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.image.views import IMAGE_AXES, image_trace
from model.images.analysis import StridedView, vector_step

CHANNEL_VIEW_CELLS = 120  # the smaller channel and grayscale pictures
VECTOR_POINTS = 4000  # the flattened image's line plot
CHANNEL_COLOURS = {
    "red": "#d62728",
    "green": "#2ca02c",
    "blue": "#1f77b4",
    "gray": "#7f7f7f",
    "alpha": "#9467bd",
}
# Channel pictures: each value drawn from black (0) to full strength (255) in the
# channel's own colour, and which colour of the drawn picture holds the value.
_TINTS = {
    "red": ((1, 0, 0), 0),
    "green": ((0, 1, 0), 1),
    "blue": ((0, 0, 1), 2),
    "gray": ((1, 1, 1), 0),
    "alpha": ((1, 1, 1), 0),
}


def channel_figure(view: StridedView, name: str, channel: int | None = None) -> go.Figure:
    """One channel as a picture: black where the value is 0, its own colour at 255.

    `channel` picks a channel of a colour view; None draws a one-channel view (gray).
    A frame shows where the picture ends, even when it is as white as the page.
    Hovering reads the value back from the drawn picture, which holds it exactly.
    """
    plane8 = view.pixels8 if channel is None else view.pixels8[:, :, channel]
    tint, holder = _TINTS[name]
    tinted = plane8[:, :, None] * np.array(tint, dtype=np.uint8)
    step = view.step
    frame = dict(showline=True, mirror=True, linecolor="#888888", linewidth=1)
    template = f"row %{{y}}, column %{{x}}<br>{name} %{{color[{holder}]}}<extra></extra>"
    fig = go.Figure(image_trace(tinted, 0, 0, step, template))
    fig.update_layout(
        height=260,
        # pad=0: Streamlit's theme pads the plot area, which would leave a gap in the frame.
        margin=dict(l=10, r=10, t=30, b=10, pad=0),
        xaxis=dict(IMAGE_AXES["x"], **frame, title=None, range=[-step / 2, view.width - step / 2]),
        yaxis=dict(IMAGE_AXES["y"], **frame, title=None),
    )
    return fig


def channels_figure(view: StridedView, histograms: dict[str, np.ndarray]) -> go.Figure:
    """Every channel as a picture (channel_figure) over the histogram of its values.

    One figure rather than two charts per channel: each chart costs the browser its
    own setup, and eight of them made the page slow to come back to.
    """
    names = list(histograms)
    columns = len(names)
    titles = [
        f"{name}: image[:, :, {i}]" if columns > 1 else "image" for i, name in enumerate(names)
    ]
    fig = make_subplots(
        rows=2,
        cols=columns,
        row_heights=[0.56, 0.44],
        vertical_spacing=0.1,
        horizontal_spacing=0.06,
        subplot_titles=titles + [""] * columns,
    )
    for i, name in enumerate(names):
        picture = channel_figure(view, name, None if columns == 1 else i)
        histogram = histogram_figure(histograms[name], name)
        fig.add_trace(picture.data[0], row=1, col=i + 1)
        fig.add_trace(histogram.data[0], row=2, col=i + 1)
        x_axis = picture.layout.xaxis.to_plotly_json() | {"showticklabels": False}
        y_axis = picture.layout.yaxis.to_plotly_json() | {"showticklabels": False}
        y_axis["scaleanchor"] = "x" if i == 0 else f"x{i + 1}"  # square pixels in its own subplot
        fig.update_xaxes(x_axis, row=1, col=i + 1)
        fig.update_yaxes(y_axis, row=1, col=i + 1)
        fig.update_xaxes(histogram.layout.xaxis.to_plotly_json(), row=2, col=i + 1)
        y_hist = histogram.layout.yaxis.to_plotly_json()
        fig.update_yaxes(y_hist if i == 0 else y_hist | {"title": None}, row=2, col=i + 1)
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=30, b=10, pad=0), showlegend=False)
    return fig


def histogram_figure(counts: np.ndarray, name: str) -> go.Figure:
    """How many pixels have each value 0..255 in one channel.

    Drawn as one stepped, filled line rather than 256 bars: the same picture, one
    SVG path instead of 256 for the browser to lay out.
    """
    colour = CHANNEL_COLOURS.get(name, "#7f7f7f")
    fig = go.Figure(
        go.Scatter(
            x=np.arange(256),
            y=counts,
            mode="lines",
            line=dict(shape="hvh", color=colour, width=1),
            fill="tozeroy",
            fillcolor=colour,
            hovertemplate=f"{name} = %{{x}}: %{{y:,}} pixels<extra></extra>",
        )
    )
    fig.update_layout(
        height=220,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title=f"{name} value", range=[-0.5, 255.5], tickvals=[0, 64, 128, 192, 255]),
        yaxis=dict(title="pixels", rangemode="tozero"),
    )
    return fig


def vector_note(length: int, max_points: int = VECTOR_POINTS) -> str:
    """Says how much of a long vector its line plot draws."""
    step = vector_step(length, max_points)
    if step == 1:
        return f"All {length:,} values are drawn."
    return f"Downsampled for display: one value in every {step} is drawn."


def flat_vector_figure(
    indices: np.ndarray, values: np.ndarray, length: int, marked: tuple[int, int]
) -> go.Figure:
    """The flattened grayscale image as a line: value against position in the vector.

    indices and values are the drawn points (see ImageAnalysis.flat_samples), length
    the whole vector's, and marked the selected pixel's (index, value).
    """
    # SVG, not WebGL: each WebGL chart costs Chromium a second to set up on this
    # machine, and the line is a single path however long.
    fig = go.Figure(
        go.Scatter(
            x=indices,
            y=values,
            mode="lines",
            line=dict(color="#555555", width=1),
            hovertemplate="flat[%{x:,}] = %{y}<extra></extra>",
            name="gray values",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[marked[0]],
            y=[int(marked[1])],
            mode="markers",
            marker=dict(color="#d62728", size=11, line=dict(color="white", width=1)),
            hovertemplate="selected pixel: flat[%{x:,}] = %{y}<extra></extra>",
            name="selected pixel",
        )
    )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title="index in the flat vector", range=[0, length - 1]),
        yaxis=dict(title="value (0 black, 255 white)", range=[-5, 260]),
        showlegend=False,
    )
    return fig
