"""The CNN core, one folder per concern: images/ (decoding uploads), digits/ (MNIST),
preprocess/ (a drawing or photo to a 28 × 28 input, and reading it), network/ (the CNN and
its scores), inside/ (looking inside it), training/, runs/ (training in a worker process)
and files/ (model files and signing). train.py, evaluate.py and predict.py are the
command-line tools; nothing in the folders imports them.

Nothing here imports streamlit, and importing this package imports nothing heavy:
TensorFlow is pulled in only by the modules that need it (network/, inside/, training/,
files/persistence.py), so the image page stays light.
"""

import os

# TensorFlow's C++ start-up chatter (CUDA probing on CPU-only machines) drowns
# the CLIs' output; warnings and errors still show. A user's own setting wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
