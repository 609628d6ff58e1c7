"""The Draw a digit page: the canvas, photo and test-digit inputs, the prediction, panels and
chart functions.
"""
