"""The plotly config every chart in the app is shown with (st.plotly_chart's `config`).

No toolbar: each one is a dozen SVG buttons built with its chart, whether or not
anyone hovers. Dropping the six on the image page took switching back to it from
1.5 s to 1.3 s (p50 of 12, Chromium on the 2-core development machine). Drag to
zoom and double-click to zoom out still work, and the captions say so.
"""

import plotly.graph_objects as go

CHART_CONFIG = {"displayModeBar": False}


def figure(traces: dict | list[dict], layout: dict) -> go.Figure:
    """A Figure from plain trace and layout dicts, validated once, in one call.

    The same figure as `go.Figure(go.Heatmap(...))` then `update_layout(...)`, at a
    fifth of the cost: `update_layout` parses every key as a property path and
    copies the layout, about 4 ms a figure here. The draw page makes three figures
    on every stroke, for every student in a class.
    """
    data = traces if isinstance(traces, list) else [traces]
    return go.Figure({"data": data, "layout": layout})
