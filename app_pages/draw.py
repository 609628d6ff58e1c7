"""Draw a digit: what the CNN predicts, the exact 28×28 input, each layer, saliency."""

import streamlit as st

from components.common.active_model import active_model_name
from components.common.handover import hand_over_digit
from components.common.model_store import active_classifier
from components.digits.keep import keep_this_digit
from components.draw.input import (
    choose_source,
    drawn_digit,
    model_note,
    photo_digit,
    reading_settings,
    sample_digit,
    show_prediction,
)
from components.draw.panels import layer_explorer, saliency_explorer
from components.draw.sections import input_numbers, preprocessing_steps
from model.preprocess.reading import read_digit

st.title("Draw a digit")
# Short: on a phone the prediction must still show under the canvas without scrolling.
st.markdown(
    "Draw a digit and the CNN says at once what it sees. Below: the exact 28×28 image it "
    "was given, and what each layer did with it."
)
loaded = active_classifier()
if loaded is None:
    st.stop()
classifier, card = loaded


# Everything below reruns alone on a stroke: a fragment. The sidebar and the rest of the
# app frame (a sixth of the server's time per stroke) are left as they were; thirty
# students drawing at once share the server's cores. A change in the sidebar, or on
# another page, still reruns the whole app, this part included.
@st.fragment
def reading_and_layers() -> None:
    source = choose_source()
    # The prediction beside the input, or right under it on a phone: settings come after both.
    input_col, prediction_col = st.columns([1, 1], gap="large")
    with input_col:
        if source == "photo":
            picture = photo_digit()
        elif source == "sample":
            picture = sample_digit()
        else:
            picture = drawn_digit()
    mnist_style, upright = reading_settings(pen=source == "draw")
    model_note(card, active_model_name())

    reading = None
    if picture.pixels is not None:  # prepared, then every layer run on it, in one call
        reading = read_digit(
            classifier, picture.pixels, mnist_style=mnist_style, ink=picture.ink, upright=upright
        )
    forward = reading.forward if reading is not None else None
    hand_over_digit(reading.prepared.input if forward is not None else None, picture.origin)
    with prediction_col:
        show_prediction(reading, picture)
        keep_this_digit(reading, picture.pixels if source == "draw" else None)

    # A photo with no digit in it still shows its steps, so the user sees why.
    if reading is None or (reading.forward is None and not picture.photo):
        st.stop()

    st.header("1. From your picture to the model's input")
    st.markdown(
        "The model learned from MNIST, so your drawing is first made to look like an MNIST "
        "digit. MNIST digits are white on black, cropped to the ink, scaled to fit a 20×20 box and "
        "placed in a 28×28 image so that their centre of mass is in the middle. Your picture "
        "goes through the same steps; the last image is exactly what the model reads."
        if mnist_style
        else "MNIST-style preprocessing is off: the whole picture is squashed to 28×28, as many "
        "demos do. Watch the prediction when the digit is small or off-centre."
    )
    preprocessing_steps(picture, reading.prepared, reading.upright)
    if reading.forward is None:
        st.stop()

    st.header("2. The model's input, as numbers")
    st.markdown(
        "To the model, an image is nothing but a grid of numbers. Here is the last picture "
        "above as the model gets it: the same 28×28 pixels, each with its value written in."
    )
    input_numbers(reading.prepared.input)

    st.header("3. What each layer sees")
    st.markdown(
        "All layers ran once, on the input above (as prepared, not the upright copy). "
        "Convolution layers slide small filters over the image and make one feature map per "
        "filter; pooling layers keep the strongest value of each 2×2 patch; the last layers "
        "are flat lists of numbers, ending in the ten probabilities."
    )
    layer_explorer(reading.forward.activations)

    st.header("4. Where the model looked")
    st.markdown(
        "Saliency maps colour the pixels that matter most for one class: by default the "
        "predicted one. Pick another class to see what would make the model say that."
    )
    saliency_explorer(classifier.model, reading.prepared.input, reading.digit)


reading_and_layers()
