"""The plotly config every chart in the app is shown with (st.plotly_chart's `config`).

No toolbar: each one is a dozen SVG buttons built with its chart, whether or not
anyone hovers. Dropping the six on the image page took switching back to it from
1.5 s to 1.3 s (p50 of 12, Chromium on the 2-core development machine). Drag to
zoom and double-click to zoom out still work, and the captions say so.
"""

CHART_CONFIG = {"displayModeBar": False}
