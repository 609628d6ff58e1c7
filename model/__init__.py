"""The CNN core: data, preprocessing, architectures, training, inference, persistence.

Nothing here imports streamlit, and importing this package imports nothing heavy:
TensorFlow is pulled in only by the modules that need it (architectures, training,
inference, persistence), so the image page stays light.
"""
