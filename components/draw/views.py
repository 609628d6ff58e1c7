"""Charts for the drawing page: arrays in, plotly Figures (or small images) out.

No session state here. Each figure is made by one `go.Figure(data, layout)` call, as
on the network page (`update_layout` afterwards parses every key as a property path: about
4 ms a figure, on every stroke). The figures are also made to be cheap to send on every
stroke: numpy arrays travel as binary (plotly encodes them in base64), a layer's
feature maps are tiled into one heatmap rather than one subplot per map, and no
figure carries more than a few tens of thousands of numbers.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from components.common.pictures import tile_maps

_GRAY = [[0, "#000000"], [1, "#ffffff"]]
_ACTIVE = [[0, "#0d0887"], [0.5, "#cc4778"], [1, "#f0f921"]]  # plasma: 0 dark, strong bright
_SIGNED = "RdBu_r"  # batch-norm outputs are signed: blue below 0, red above
# Saliency over the digit: weak values transparent, so the digit shows through.
_SALIENCY = [
    (0.0, (255, 80, 0), 0.0),
    (0.25, (255, 80, 0), 0.25),
    (0.6, (255, 140, 0), 0.65),
    (1.0, (255, 235, 0), 0.9),
]
PREDICTED_COLOUR = "#ff4b4b"
OTHER_COLOUR = "#9aa4b1"
TRUE_COLOUR = "#21c354"
PREDICTED_PATTERN = "/"
TRUE_PATTERN = "x"
_IMAGE_Y = dict(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False)
_IMAGE_X = dict(showgrid=False, zeroline=False, constrain="domain")


def probability_figure(probabilities: np.ndarray, true_label: int | None = None) -> go.Figure:
    """All ten class probabilities as bars; the predicted digit in red, a known true one in green.

    Colour is not the only sign, for readers who cannot tell red from green:
    the predicted bar is hatched and the true one cross-hatched, and both are
    named under their digit on the axis.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    predicted = int(np.argmax(probabilities))
    digits = list(range(len(probabilities)))
    colours = [OTHER_COLOUR] * len(probabilities)
    patterns = [""] * len(probabilities)
    ticks = [str(digit) for digit in digits]
    colours[predicted] = PREDICTED_COLOUR
    patterns[predicted] = PREDICTED_PATTERN
    ticks[predicted] = f"<b>{predicted}</b><br>predicted"
    if true_label is not None and true_label != predicted:
        colours[true_label] = TRUE_COLOUR
        patterns[true_label] = TRUE_PATTERN
        ticks[true_label] = f"<b>{true_label}</b><br>true"
    elif true_label is not None:
        ticks[predicted] = f"<b>{predicted}</b><br>predicted, true"
    bars = dict(
        type="bar",
        x=digits,
        y=probabilities,
        marker=dict(
            color=colours,
            pattern=dict(shape=patterns, fgcolor="#ffffff", size=6, solidity=0.3),
        ),
        text=[f"{p:.0%}" if p >= 0.005 else "" for p in probabilities],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="digit %{x}: %{y:.2%}<extra></extra>",
    )
    layout = dict(
        height=200,
        margin=dict(l=10, r=10, t=20, b=10),
        xaxis=dict(
            title="digit",
            tickmode="array",
            tickvals=digits,
            ticktext=ticks,
            # Level even on a phone: "predicted" is on its own line, under its digit.
            tickangle=0,
            fixedrange=True,
        ),
        yaxis=dict(title="probability", range=[0, 1.1], tickformat=".0%", fixedrange=True),
        bargap=0.25,
    )
    return go.Figure(data=[bars], layout=layout)


def live_prediction_html(text: str) -> str:
    """A polite live region: a screen reader says the new prediction when it changes."""
    return f'<p class="cnn-sr-only" role="status" aria-live="polite">{html.escape(text)}</p>'


def probability_table_html(probabilities: np.ndarray) -> str:
    """The ten probabilities as a table with headers, for screen readers (the bars' twin)."""
    rows = "".join(
        f"<tr><th scope='row'>{digit}</th><td>{p:.1%}</td></tr>"
        for digit, p in enumerate(np.asarray(probabilities, dtype=np.float64))
    )
    return (
        "<table class='cnn-sr-only'><caption>The model's probability for each digit</caption>"
        f"<thead><tr><th scope='col'>Digit</th><th scope='col'>Probability</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def feature_maps_figure(title: str, maps: np.ndarray) -> go.Figure:
    """A conv or pooling layer's output, (h, w, n): one small heatmap per feature map.

    All maps share one colour scale, so bright means strongly active anywhere in
    the layer. Hovering shows the map, row, column and value.
    """
    maps = np.asarray(maps, dtype=np.float32)
    height, width, count = maps.shape
    mosaic, where = tile_maps(maps)
    low, high = float(maps.min()), float(maps.max())
    signed = low < 0
    bound = max(abs(low), abs(high), 1e-6)
    heatmap = dict(
        type="heatmap",
        z=mosaic,
        customdata=where,
        colorscale=_SIGNED if signed else _ACTIVE,
        zmin=-bound if signed else 0,
        zmax=bound if signed else max(high, 1e-6),
        hoverongaps=False,
        colorbar=dict(thickness=12, len=0.8, title=dict(text="value", side="right")),
        hovertemplate="map %{customdata[0]} · row %{customdata[1]}, column %{customdata[2]}"
        "<br>value %{z:.3f}<extra></extra>",
    )
    mosaic_rows, mosaic_cols = mosaic.shape
    layout = dict(
        title=dict(text=title, x=0, font=dict(size=15)),
        # Tall enough that the square cells fill a wide page's width.
        height=min(820, max(240, int(70 + 860 * mosaic_rows / mosaic_cols))),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(_IMAGE_X, visible=False),
        yaxis=dict(_IMAGE_Y, visible=False),
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return go.Figure(data=[heatmap], layout=layout)


def vector_figure(title: str, values: np.ndarray, predicted: int | None = None) -> go.Figure:
    """A flat layer's output (Flatten, Dense, softmax) as one bar per value."""
    values = np.asarray(values, dtype=np.float32).ravel()
    colours = np.where(values >= 0, "#4c78a8", "#e45756").tolist()
    if predicted is not None:
        colours[predicted] = PREDICTED_COLOUR
    bars = dict(
        type="bar",
        x=np.arange(values.size),
        y=values,
        marker=dict(color=colours, line=dict(width=0)),
        hovertemplate="value %{x}: %{y:.4f}<extra></extra>",
    )
    layout = dict(
        title=dict(text=title, x=0, font=dict(size=15)),
        height=260,
        bargap=0 if values.size > 100 else 0.2,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="index", dtick=1 if values.size <= 16 else None),
        yaxis=dict(title="activation"),
    )
    return go.Figure(data=[bars], layout=layout)


def _saliency_scale(backdrop: int | None = None) -> list[list]:
    """The saliency colours: see-through (None), or as they look over a gray level 0..255."""
    if backdrop is None:
        return [[at, f"rgba{(*rgb, alpha)}"] for at, rgb, alpha in _SALIENCY]
    return [
        [at, "rgb({}, {}, {})".format(*(round(alpha * c + (1 - alpha) * backdrop) for c in rgb))]
        for at, rgb, alpha in _SALIENCY
    ]


def saliency_figure(digit: np.ndarray, saliency: np.ndarray, title: str) -> go.Figure:
    """The 28×28 input in gray with a saliency map (0..1) over it, weak parts see-through.

    The colour bar shows the colours as they look over the black background,
    where most of the map lies; a see-through bar would show them over the
    white page instead, from white to yellow, matching nothing in the picture.
    """
    digit = np.asarray(digit, dtype=np.float32)
    saliency = np.asarray(saliency, dtype=np.float32)
    colour_bar = dict(thickness=12, len=0.8, title=dict(text="saliency", side="right"))
    traces = [
        dict(
            type="heatmap",
            z=digit,
            colorscale=_GRAY,
            zmin=0,
            zmax=1,
            showscale=False,
            hoverinfo="skip",
        ),
        dict(
            type="heatmap",
            z=saliency,
            customdata=digit[..., np.newaxis],
            colorscale=_saliency_scale(),
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="row %{y}, column %{x}<br>saliency %{z:.2f}"
            "<br>input %{customdata[0]:.2f}<extra></extra>",
        ),
        # A trace with no points, there only for its colour bar.
        dict(
            type="scatter",
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker=dict(
                colorscale=_saliency_scale(backdrop=0),
                cmin=0,
                cmax=1,
                color=[0],
                showscale=True,
                colorbar=colour_bar,
            ),
        ),
    ]
    layout = dict(
        title=dict(text=title, x=0, font=dict(size=15)),
        width=470,
        height=420,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(_IMAGE_X, dtick=7, range=[-0.5, 27.5]),
        yaxis=dict(_IMAGE_Y, dtick=7, range=[27.5, -0.5], autorange=False),
    )
    return go.Figure(data=traces, layout=layout)
