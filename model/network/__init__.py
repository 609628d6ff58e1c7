"""The CNN itself: its architectures, one forward pass with every layer (`inference`), and a
small per-model cache.
"""
