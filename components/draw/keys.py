"""Session-state, widget and container keys of the Draw a digit page.

Tests rely on these exact strings. Container keys are also the st-key-<key>
CSS class. The upright toggle's key is shared (common/keys.py): the network
page reads digits the same way.
"""

# Container keys.
DIGIT_CANVAS_BOX = "digit_canvas"  # holds the drawing canvas
PREDICTION_BOX = "prediction"  # "Prediction: N", or the invitation to draw
DRAW_LAYERS_BOX = "draw_layers"  # container of the layer explorer
DRAW_INPUT_NUMBERS_BOX = "draw_input_numbers"  # container of the 784 values of the input
# Widget keys.
DIGIT_CANVAS = "digit_canvas_widget"  # the canvas component; one key for good (see canvas._clear)
CLEAR_BUTTON = "clear_canvas"  # st.button: empties the canvas
STROKE_WIDTH = "stroke_width"  # st.slider: pen width in canvas pixels
DIGIT_SOURCE = "digit_source"  # st.segmented_control: draw, photo or sample
DIGIT_UPLOAD = "digit_upload"  # st.file_uploader for a photo of a digit
DIGIT_INK = "digit_ink"  # st.segmented_control on the photo tab: guess or either ink
MNIST_STYLE = "mnist_style"  # st.toggle: MNIST-style preprocessing or a plain resize
LAYER_CHOICE = "layer_choice"  # st.selectbox: which layer's activations are shown
SALIENCY_METHOD = "saliency_method"  # st.segmented_control: Grad-CAM or gradient
SALIENCY_CLASS = "saliency_class"  # st.selectbox: explain the prediction or a chosen digit
# State (not widgets).
CANVAS_GENERATION = "canvas_generation"  # int; Clear bumps it, and the canvas empties itself
# The last drawing, kept for a new canvas after a visit elsewhere: a strokes.Drawing, its
# Fabric objects (the strokes) and its picture. Absent while nothing is drawn.
KEPT_DRAWING = "kept_drawing"
# strokes.CanvasCopy: the drawings the canvas on the page sends its changes from.
CANVAS_COPY = "canvas_copy"
CANVAS_START = "canvas_start"  # list: the strokes the canvas now on the page started from
SAMPLE_INDEX = "sample_index"  # int: which bundled MNIST test digit is shown
