"""Explore an image: what a photo is to a computer.

Every number on this page is computed from the chosen image, at full resolution;
only the pictures of big images are thinned out for display, and say so.
"""

import streamlit as st

from components.image import sections as section
from components.image.input import choose_image
from components.image.pixel import pixel_inspector
from components.image.texts import INTRO, ONE_PIXEL

st.title("Explore an image")
st.markdown(INTRO)

choice = choose_image()
analysis = section.analysed_or_explained(choice)
if analysis is None:
    st.stop()
section.decoding_notes(analysis)

st.header("1. The image as an array")
section.image_as_array(choice, analysis)

st.header("2. One pixel")
st.markdown(ONE_PIXEL)
pixel_place = st.container()  # the pixel inspector fills it, at the end

st.header("3. Channels")
section.channels(choice, analysis)

st.header("4. Grayscale")
gray_place = section.grayscale(choice, analysis)

st.header("5. Flatten: one long row of numbers")
flat_places = section.flatten(choice, analysis)

st.header("6. What the digit model sees")
section.digit_model_input(analysis)

st.header("7. Take the numbers with you")
section.downloads(choice, analysis)

# Everything that shows the chosen pixel, in sections 2, 4 and 5, is one fragment:
# choosing another pixel reruns only it, not the charts that did not change.
with pixel_place:
    pixel_inspector(choice, gray_place, flat_places)
