"""Digits from other hands than MNIST's writers, built from Debian packages.

fonts.py draws the digits of handwriting fonts; strokes.py redraws the Hershey
fonts' pen strokes the way a person draws on the canvas; packages.py makes
sure the Debian packages are there. benchmarks/other_hands.py runs them.
"""
