"""The CNN itself: its architectures, one forward pass with every layer (`inference`), how
good its predictions are (`assessment`: loss, accuracy, confusion, mistakes), and a small
per-model cache.
"""
