"""My digits: a learner's own handwriting, kept, scored and trained on.

collection.py holds the set itself (the prepared 28 × 28 inputs, their labels, the
drawings they came from, which are held out); files.py reads and writes it as an
.npz (uploads are checked before a byte of their arrays is read) and as a zip of
PNGs; mixing.py puts my digits beside MNIST's for a run. No streamlit, no TensorFlow.
"""
