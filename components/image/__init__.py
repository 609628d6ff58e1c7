"""The Explore an image page: the image input, its sections, the pixel inspector, teaching words,
the byte-bounded store of analysed images, and its pictures and charts.
"""
