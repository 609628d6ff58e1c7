"""The CNN core: data, preprocessing, architectures, training, inference, persistence.

Nothing here imports streamlit, and importing this package imports nothing heavy:
TensorFlow is pulled in only by the modules that need it (architectures, training,
inference, persistence), so the image page stays light.
"""

import os

# TensorFlow's C++ start-up chatter (CUDA probing on CPU-only machines) drowns
# the CLIs' output; warnings and errors still show. A user's own setting wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
