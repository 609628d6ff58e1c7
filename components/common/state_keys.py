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
UPRIGHT = "read_upright"  # st.toggle, kept for the session: also read a copy sheared upright
LAYER_CHOICE = "layer_choice"  # st.selectbox: which layer's activations are shown
SALIENCY_METHOD = "saliency_method"  # st.segmented_control: Grad-CAM or gradient
SALIENCY_CLASS = "saliency_class"  # st.selectbox: explain the prediction or a chosen digit


def css(key: str) -> str:
    """The CSS selector of the element with this `key`: Streamlit adds the class st-key-<key>."""
    return f".st-key-{key}"


# --- Inside the CNN (app_pages/network.py) ---
# Left by the draw page for this one: a CurrentDigit (common/handover.py). Absent: none.
CURRENT_DIGIT = "current_digit"
# Widget keys. Tests rely on these exact strings.
NETWORK_SOURCE = "network_source"  # st.segmented_control: the drawn digit or an MNIST one
NETWORK_SAMPLE = "network_sample"  # st.number_input: which MNIST test digit
FILTER_LAYER = "filter_layer"  # st.selectbox: the conv layer whose filters are shown
FILTER_OUT = "filter_out"  # st.number_input: the filter (output channel)
FILTER_IN = "filter_in"  # st.number_input: the input channel of its kernel
FILTER_SLICES_CHART = "filter_slices_chart"  # clickable: one kernel per input channel
CONV_LAYER = "conv_layer"  # st.selectbox: the conv layer worked step by step
CONV_FILTER = "conv_filter"  # st.number_input: its filter (output map)
CONV_ROW = "conv_row"  # st.number_input: the output cell's row
CONV_COL = "conv_col"  # st.number_input: the output cell's column
CONV_MAP_CHART = "conv_map_chart"  # clickable feature map: a click picks the cell
POOL_LAYER = "pool_layer"
POOL_CHANNEL = "pool_channel"
POOL_ROW = "pool_row"
POOL_COL = "pool_col"
POOL_MAP_CHART = "pool_map_chart"
DENSE_LAYER = "dense_layer"  # st.selectbox: a hidden dense layer
DENSE_UNIT = "dense_unit"  # st.number_input: one of its neurons
# Container keys (the st-key-<key> CSS class). Tests rely on these exact strings.
NETWORK_INPUT_BOX = "network_input"  # the digit shown, and where it came from
PARAM_TOTAL_BOX = "param_total"  # the total parameter count, with commas
CONV_CHECK_BOX = "conv_check"  # "max difference: X" for the worked convolution
WORKED_CONV_BOX = "worked_conv"  # the worked sum of the picked cell
DIGIT_SPACE_BOX = "digit_space"  # where the digit sits among 2,000 test digits


# --- Retrain (sidebar on every page, app_pages/training.py) ---
# Widget keys. Tests rely on these exact strings.
MODEL_PICKER = "model_picker"  # st.selectbox: the active model (its value mirrors ACTIVE_MODEL)
TRAIN_PRESET = "train_preset"  # st.selectbox: seed, robust
TRAIN_EPOCHS = "train_epochs"  # st.number_input, 1-50
TRAIN_BATCH_SIZE = "train_batch_size"  # st.number_input
TRAIN_OPTIMIZER = "train_optimizer"  # st.selectbox: rmsprop, adam, sgd
TRAIN_LEARNING_RATE = "train_learning_rate"  # st.number_input
TRAIN_AUGMENT = "train_augment"  # st.toggle
TRAIN_DIGITS = "train_digits"  # st.number_input; empty = all training digits
TRAIN_SEED = "train_seed"  # st.number_input: the random seed
TRAIN_BUTTON = "train_button"
STOP_BUTTON = "stop_button"
USE_MODEL_BUTTON = "use_model"  # + "_<run id>" on the Retrain page
SAVE_NAME = "save_name"  # st.text_input, + "_<run id>"
SAVE_REPLACE = "save_replace"  # st.checkbox, + "_<run id>"
COMPARE_RUNS = "compare_runs"  # st.multiselect of runs on the Retrain page
DETAIL_RUN = "detail_run"  # st.selectbox: the run whose details are shown
RUNS_SEEN = "runs_seen"  # tuple of run ids the Retrain page has shown: new ones join in
COMPARE_KEPT = "compare_kept"  # COMPARE_RUNS's picks, kept while other pages are shown
DETAIL_KEPT = "detail_kept"  # DETAIL_RUN's pick, likewise
# Container keys (the st-key-<key> CSS class).
TRAIN_RESULT_BOX = "train_result"  # "Test accuracy: 0.xxxx" after a run, or "stopped …"
TRAIN_PROGRESS_BOX = "train_progress"  # status, progress bar, curves while a run is on
# State (not widgets).
# SessionHandle: a token naming this browser session for the run manager, and the
# path of its private model folder. Its ended runs are kept on the server, by token.
SESSION_HANDLE = "session_handle"
ACTIVE_RUN = "active_run"  # run id of this session's run that is waiting or training
LIVE_TICKS = "live_ticks"  # int: runs of the sidebar's live fragment since the last app run
TRAIN_MESSAGE = "train_message"  # a refusal or problems from the last Train press
SAVED_MESSAGE = "run_saved_message"  # + "_<run id>": the sentence shown after a save
# The draw page shows this test digit (dict: pixels bytes, label, origin) in its sample view.
OPENED_TEST_DIGIT = "opened_test_digit"
SHOW_OPENED_DIGIT = "show_opened_digit"  # True once a digit was opened: the draw page shows it


# --- Explore an image: charts, sections and the pixel inspector ---
# Plotly chart keys (also the st-key-<key> CSS class).
CHANNELS_CHART = "channels"  # every channel's picture over its histogram
DIGIT_INPUT_BOX = "digit_input"  # container of the 28 × 28 grid of values
# int: how many pixels were picked by a click; the clickable picture is redrawn
# fresh after each, so that a later click on the same pixel is seen again.
PIXEL_PICKS = "pixel_picks"
# dict(id, name, origin): this session's last own image, shown again after the upload
# widget empties on a page switch (its analysis lives in components/image/store.py).
IMAGE_EARLIER = "image_earlier"


# --- Draw a digit: the canvas widget, the layer maps, the photo's ink, the input's numbers ---
DIGIT_CANVAS = "digit_canvas_widget"  # the canvas component; one key for good (see canvas._clear)
DRAW_LAYERS_BOX = "draw_layers"  # container of the layer explorer (st-key-<key> class)
DIGIT_INK = "digit_ink"  # st.segmented_control on the photo tab: guess or either ink
DRAW_INPUT_NUMBERS_BOX = "draw_input_numbers"  # container of the 784 values of the input
