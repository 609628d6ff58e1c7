"""What an MNIST digit is, named once for every module (light: no TensorFlow)."""

SIDE = 28  # a digit is SIDE × SIDE pixels
INPUT_SHAPE = (SIDE, SIDE, 1)  # what the CNN reads: one grayscale channel
NUM_CLASSES = 10  # the digits 0 to 9
