"""Streamlit UI pieces: widgets that return plain values, and chart functions
that take data and return a plotly Figure (they never read session state)."""
