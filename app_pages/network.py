"""Inside the CNN: the architecture, the filters and the arithmetic of each layer, on one digit."""

import streamlit as st

from components.common.handover import reads_upright
from components.common.model_store import active_classifier
from components.network.arithmetic_panels import (
    convolution_explorer,
    dense_explorer,
    digit_space,
    pooling_explorer,
    softmax_table,
)
from components.network.input import choose_network_digit
from components.network.panels import (
    architecture,
    filter_explorer,
    first_layer_filters,
    show_input,
)
from model.preprocess.reading import second_look

st.title("Inside the CNN")
st.markdown(
    "Follow one digit through the network: pixels → local patterns → pooling → fully "
    "connected layers → softmax. Every number is computed from your digit by the model in use."
)
loaded = active_classifier()
if loaded is None:
    st.stop()
classifier, card = loaded
model = classifier.model

digit = choose_network_digit()
forward = classifier.forward(digit.pixels)  # every layer, in one pass
# The draw page's prediction, read the same way, so both pages give the same number.
upright = second_look(classifier, digit.pixels) if reads_upright() else None
show_input(digit, forward, upright)

st.header("1. The architecture")
st.markdown(
    f"`{card.name}` is a stack of layers. Each one turns the numbers it gets into new "
    "numbers, of a new shape. Hover a block for why its shape follows from the one before."
)
architecture(model)

st.header("2. Filters: what the convolutions look for")
st.markdown(
    "A filter is a small grid of weights. It slides over its input and, at each place, "
    "multiplies and adds: the sum is large where the input looks like the filter. The "
    "first layer's filters see pixels, so they find edges and strokes; each one makes a "
    "feature map of your digit, in the same place on the right."
)
first_layer_filters(model, forward)
st.markdown(
    "Deeper filters see the maps of the layer before, one 3×3 kernel per map, and combine "
    "them into larger patterns: corners, loops, line ends."
)
filter_explorer(model, forward)

st.header("3. A convolution, step by step")
st.markdown(
    "Pick a cell of a feature map: click it, or type its row and column. Its value is the "
    "input patch under the filter, times the kernel, added up, plus a bias, through ReLU, "
    "which keeps positives and turns negatives to 0. A network with batch normalisation "
    "first rescales the sum with four numbers per map learned in training; its shift β "
    "is the bias there. Every step is worked below, for the model in use."
)
convolution_explorer(model, forward, digit.pixels)

st.header("4. Pooling, dense layers and softmax")
st.markdown(
    "**Pooling** keeps the largest value of each small window: the map shrinks, the "
    "strongest signals stay, and a pattern may move a pixel without changing the result."
)
pooling_explorer(model, forward, digit.pixels)
st.markdown(
    "**Flatten** lays the last maps out as one row of numbers. **Dense** (fully connected) "
    "layers weigh every one of them: each neuron is a weighted sum of all its inputs."
)
dense_explorer(model, forward, digit.pixels)
st.markdown("**Softmax** turns the last layer's ten sums into ten probabilities that add up to 1.")
softmax_table(model, forward, digit.pixels)

st.header("5. Where your digit sits")
digit_space(model, forward, digit.test_index)
