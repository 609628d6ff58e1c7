"""Every st.session_state key the app uses, named once.

Session state holds small values only: names, numbers, flags. Never a model
and never raw upload bytes.
"""

# Name of the model in use: "default", "seed", or the path of a retrained model.
ACTIVE_MODEL = "active_model"

# --- Explore an image (app_pages/image.py) ---
# Widget keys. Tests and other pages rely on these exact strings.
IMAGE_UPLOAD = "image_upload"  # st.file_uploader
IMAGE_SAMPLE = "image_sample"  # which sample photo (st.selectbox)
IMAGE_USE_CAMERA = "image_use_camera"  # st.toggle that shows the camera
IMAGE_CAMERA = "image_camera"  # st.camera_input
PIXEL_ROW = "pixel_row"  # st.number_input: the inspected pixel's row
PIXEL_COL = "pixel_col"  # st.number_input: the inspected pixel's column
PIXEL_VIEW_CHART = "pixel_view_chart"  # clickable overview of the image
NEIGHBOURHOOD_CHART = "neighbourhood_chart"  # clickable 7 × 7 close-up
# Which image the pixel position belongs to (a short id), to keep row/col in range.
PIXEL_IMAGE_ID = "pixel_image_id"
# Container keys (the st-key-<key> CSS class), not session state, named here once.
IMAGE_SHAPE_BOX = "image_shape"
PIXEL_VALUE_BOX = "pixel_value"

# --- Draw a digit (app_pages/draw.py) ---
# Container keys (the st-key-<key> CSS class). Tests rely on these exact strings.
DIGIT_CANVAS_BOX = "digit_canvas"  # holds the drawing canvas
PREDICTION_BOX = "prediction"  # "Prediction: N", or the invitation to draw
# Widget and state keys.
CANVAS_GENERATION = "canvas_generation"  # int; Clear bumps it, and the canvas empties itself
STROKE_WIDTH = "stroke_width"  # st.slider: pen width in canvas pixels
DIGIT_SOURCE = "digit_source"  # st.segmented_control: draw, photo or sample
DIGIT_UPLOAD = "digit_upload"  # st.file_uploader for a photo of a digit
SAMPLE_INDEX = "sample_index"  # int: which bundled MNIST test digit is shown
MNIST_STYLE = "mnist_style"  # st.toggle: MNIST-style preprocessing or a plain resize
LAYER_CHOICE = "layer_choice"  # st.selectbox: which layer's activations are shown
SALIENCY_METHOD = "saliency_method"  # st.segmented_control: Grad-CAM or gradient
SALIENCY_CLASS = "saliency_class"  # st.selectbox: explain the prediction or a chosen digit


def css(key: str) -> str:
    """The CSS selector of the element with this `key`: Streamlit adds the class st-key-<key>."""
    return f".st-key-{key}"


# --- Draw a digit: fixes from issue 10 ---
DIGIT_CANVAS = "digit_canvas_widget"  # the canvas component; one key for good (see canvas._clear)
DRAW_LAYERS_BOX = "draw_layers"  # container of the layer explorer (st-key-<key> class)
