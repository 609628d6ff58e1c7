"""Pictures as numbers: decoding uploads safely, eight-bit scaling, the image page's analysis, the sample photos.

No TensorFlow here, so the image page opens at once.
"""
