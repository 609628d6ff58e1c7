"""Explore an image: what a photo is to a computer.

Every number on this page is computed from the chosen image, at full resolution;
only the pictures of big images are thinned out for display, and say so.
"""

import streamlit as st

from components import state_keys as keys
from components.image_input import (
    analyse_bytes,
    choose_image,
    clickable_pixel_chart,
    pixel_picker,
    pixel_readout,
)
from components.image_views import (
    CHANNEL_VIEW_CELLS,
    NEIGHBOURHOOD_RADIUS,
    PIXEL_VIEW_CELLS,
    channel_figure,
    digit_input_figure,
    display_note,
    flat_vector_figure,
    histogram_figure,
    neighbourhood_figure,
    pixel_view_figure,
    vector_note,
)
from model.image_math import (
    DIGIT_MODEL_SIDE,
    channel_names,
    describe_dtype,
    luma_by_hand,
    neighbourhood,
)
from model.images import ImageDecodeError, npy_bytes, png_bytes

st.title("Explore an image")
st.markdown(
    "To a computer, a photo is a grid of numbers. Upload one of yours, take a photo, "
    "or pick a sample, and see exactly which numbers a neural network is given."
)

choice = choose_image()
try:
    analysis = analyse_bytes(choice.data, choice.name)
except ImageDecodeError as err:
    st.error(str(err), icon=":material/block:")
    st.caption("Try another file, or remove this one (×) to go back to the sample photos.")
    st.stop()

decoded = analysis.decoded
image = decoded.array  # what numpy sees: (H, W) or (H, W, C)
height, width, channels = decoded.height, decoded.width, decoded.channels
names = channel_names(channels)
for note in decoded.notes:
    if note.startswith("Warning"):
        st.warning(note, icon=":material/warning:")
    else:
        st.info(note, icon=":material/info:")

# --- 1. The array -------------------------------------------------------------
st.header("1. The image as an array")
picture_col, array_col = st.columns([2, 3], gap="large")
picture_col.image(analysis.preview, caption=f"{choice.name} ({choice.origin})")
with array_col:
    st.markdown(
        "Pillow decodes the file into pixels, and numpy holds them as an array. "
        "EXIF orientation (the phone's *which way up*) is applied first when the file has one."
    )
    with st.container(key=keys.IMAGE_SHAPE_BOX):
        st.code(
            ">>> from PIL import Image, ImageOps\n"
            ">>> image = np.asarray(ImageOps.exif_transpose(\n"
            f"...     Image.open({choice.name!r})))\n"
            f">>> image.shape\n{image.shape!r}\n"
            f">>> image.dtype\n{image.dtype!r}\n"
            f">>> image.min(), image.max()\n({analysis.value_min!r}, {analysis.value_max!r})",
            language="python",
        )
        if channels == 1:
            shape_words = (
                f"`{image.shape!r}`: **{height} rows** (the height) and **{width} columns** "
                "(the width), one number per pixel: its brightness. A grayscale image has "
                "no third number."
            )
        else:
            shape_words = (
                f"`{image.shape!r}`: **{height} rows** (the height), **{width} columns** "
                f"(the width) and **{channels} numbers per pixel**: {', '.join(names)}."
            )
        st.markdown(
            f"{shape_words}\n\n"
            f"- Pixels: {height} × {width} = **{analysis.pixel_count:,}**\n"
            f"- Values: {' × '.join(str(n) for n in image.shape)} = "
            f"**{analysis.value_count:,}**\n"
            f"- dtype `{image.dtype}`: {describe_dtype(image.dtype)}; this image runs from "
            f"{analysis.value_min:,} to {analysis.value_max:,}."
        )

# --- 2. One pixel --------------------------------------------------------------
st.header("2. One pixel")
st.markdown(
    "Every pixel has an address: its **row r**, counted from the top, and its **column c**, "
    "counted from the left, both starting at 0. `image[r][c]` reads it. Type a row and "
    "column, or click a pixel in the picture; hovering shows the values."
)
row, col = pixel_picker(height, width, choice.image_id)
view_col, value_col = st.columns([3, 2], gap="large")
with view_col:
    clickable_pixel_chart(
        pixel_view_figure(analysis.pixels8, image, (row, col), PIXEL_VIEW_CELLS),
        keys.PIXEL_VIEW_CHART,
    )
    st.caption(display_note(height, width, PIXEL_VIEW_CELLS))
with value_col:
    pixel = image[row][col]
    with st.container(key=keys.PIXEL_VALUE_BOX):
        code = f">>> image[{row}][{col}]\n{pixel!r}"
        if channels > 1:
            code += f"\n>>> image[{row}][{col}].tolist()\n{pixel.tolist()}"
        st.code(code, language="python")
        pixel_readout(pixel, analysis.pixels8[row][col], names)
    window, top, left = neighbourhood(image, row, col, NEIGHBOURHOOD_RADIUS)
    window8, _, _ = neighbourhood(analysis.pixels8, row, col, NEIGHBOURHOOD_RADIUS)
    st.markdown(
        f"Its neighbourhood, `image[{top}:{top + window.shape[0]}, {left}:{left + window.shape[1]}]`, "
        "with every value printed. Click a neighbour to move to it."
    )
    clickable_pixel_chart(
        neighbourhood_figure(window8, window, top, left, (row, col)), keys.NEIGHBOURHOOD_CHART
    )

# --- 3. Channels ----------------------------------------------------------------
st.header("3. Channels")
if channels == 1:
    st.markdown(
        f"This image has **one channel**: `image.shape` is `{image.shape!r}`, with no third "
        "number, so each pixel is a single brightness from 0 (black) to 255 (white)."
    )
else:
    st.markdown(
        f"The last number of the shape, {channels}, counts the channels. Slice one out with "
        "`image[:, :, i]` and you get a grayscale picture of how much of that colour each "
        "pixel has: bright where there is a lot. The histogram under it counts how many "
        "pixels have each value from 0 to 255."
        + (
            " The alpha channel is transparency: 0 see-through, 255 solid."
            if "alpha" in names
            else ""
        )
    )
for index, (name, column) in enumerate(zip(names, st.columns(max(3, len(names))), strict=False)):
    with column:
        plane = analysis.pixels8 if channels == 1 else analysis.pixels8[:, :, index]
        st.markdown(f"**{name}** `image{'' if channels == 1 else f'[:, :, {index}]'}`")
        st.plotly_chart(channel_figure(plane, name, CHANNEL_VIEW_CELLS), key=f"channel_{name}")
        st.plotly_chart(histogram_figure(analysis.histograms[name], name), key=f"hist_{name}")
st.caption(
    display_note(height, width, CHANNEL_VIEW_CELLS)
    + f" The histograms count all {analysis.pixel_count:,} pixels."
)

# --- 4. Grayscale ----------------------------------------------------------------
st.header("4. Grayscale")
st.markdown(
    'Grayscale keeps one number per pixel, its brightness. Pillow\'s `convert("L")` '
    "mixes red, green and blue with the ITU-R 601-2 luma weights: green counts most "
    "because our eyes are most sensitive to it, blue least."
)
st.latex(r"L = 0.299\,R + 0.587\,G + 0.114\,B")
gray = analysis.gray  # (H, W) uint8
gray_col, hand_col = st.columns([2, 3], gap="large")
with gray_col:
    st.plotly_chart(channel_figure(gray, "gray", CHANNEL_VIEW_CELLS), key="gray_picture")
    st.caption(display_note(height, width, CHANNEL_VIEW_CELLS))
with hand_col:
    st.code(
        f'>>> gray = np.asarray(Image.fromarray(image).convert("L"))\n'
        f">>> gray.shape\n{gray.shape!r}\n"
        f">>> gray[{row}][{col}]\n{gray[row][col]!r}",
        language="python",
    )
    if channels >= 3:
        red, green, blue = analysis.pixels8[row][col][:3].tolist()
        luma = luma_by_hand(red, green, blue)
        t_red, t_green, t_blue = luma.terms
        st.markdown(f"By hand, for the pixel at row {row}, column {col}:")
        st.latex(
            rf"""\begin{{aligned}}
            L &= 0.299 \times {red} + 0.587 \times {green} + 0.114 \times {blue} \\
              &= {t_red:.3f} + {t_green:.3f} + {t_blue:.3f} \\
              &= {luma.exact:.3f} \approx {luma.rounded}
            \end{{aligned}}"""
        )
        pillow_words = f"Pillow's result: **{int(gray[row][col])}**"
        if luma.rounded == luma.pillow:
            st.markdown(pillow_words + " — the same.")
        else:
            st.markdown(
                pillow_words + f", one off from {luma.rounded}. Pillow does the sum in whole "
                "numbers, (19595 R + 38470 G + 7471 B + 32768) ÷ 65536 rounded down, and the "
                "weights × 65536 are not exactly whole, so a few pixels land one step away."
            )
        if "alpha" in names:
            st.markdown("The alpha channel is dropped: grayscale keeps brightness only.")
    elif channels == 2:
        st.markdown(
            'This image is already gray: `convert("L")` keeps the gray channel and drops alpha.'
        )
    else:
        st.markdown(
            'This image is already grayscale, so `convert("L")` leaves every value as it is.'
        )
    if image.dtype != gray.dtype:
        st.markdown(
            f"The file holds {image.dtype} values; the grayscale image is uint8, on the 0-255 "
            "scale (see the note at the top of the page)."
        )

# --- 5. Flatten ------------------------------------------------------------------
st.header("5. Flatten: one long row of numbers")
flat = gray.ravel()  # the same values as gray.flatten(), without a copy
flat_index = row * width + col
st.markdown(
    f"A dense layer of a neural network takes a plain list of numbers. `flatten()` lays the "
    f"rows end to end: row 0's {width} values, then row 1's, and so on, so pixel (r, c) lands "
    f"at index r × {width} + c. That makes **{height} × {width} = {flat.size:,}** values, "
    "each from 0 (black) to 255 (white)."
)
st.code(
    f">>> flat = gray.flatten()\n>>> flat.shape\n{flat.shape!r}\n>>> flat\n{flat!r}\n"
    f">>> flat[{row} * {width} + {col}]\n{flat[flat_index]!r}",
    language="python",
)
vector_col, histogram_col = st.columns(2, gap="large")
with vector_col:
    st.plotly_chart(flat_vector_figure(flat, flat_index), key="flat_vector")
    st.caption(
        "The vector from left to right; the red dot is the selected pixel. "
        + vector_note(flat.size)
    )
with histogram_col:
    st.plotly_chart(histogram_figure(analysis.gray_histogram, "gray"), key="gray_histogram")
    st.caption(f"How many of the {flat.size:,} values are 0, 1, … 255: all of them counted.")

# --- 6. Towards the CNN -----------------------------------------------------------
st.header("6. What the digit model sees")
side = DIGIT_MODEL_SIDE
small_col, words_col = st.columns([3, 2], gap="large")
with small_col:
    st.plotly_chart(digit_input_figure(analysis.digit_input), key="digit_input")
with words_col:
    st.markdown(
        f"The digit model in this app reads **{side} × {side} grayscale** images, shape "
        f"`({side}, {side}, 1)`: {side * side} numbers. Here is your image squashed to that "
        f"size: each cell is the average of a block of about {height / side:.0f} × "
        f"{width / side:.0f} pixels. A plain dense network would flatten these to "
        f"`({side * side},)`; a CNN keeps the grid, so its filters can look at each pixel "
        "together with its neighbours, like the close-up in section 2."
    )
    st.markdown(
        "The model learnt from white digits on a black background, so a photo means "
        "nothing to it. Draw a digit to see what it does with an image it understands."
    )
    st.page_link("app_pages/draw.py", label="Draw a digit for the CNN", icon=":material/draw:")

# --- 7. Downloads ------------------------------------------------------------------
st.header("7. Take the numbers with you")
png_col, npy_col = st.columns(2)
# Callables: the files are only built when someone clicks.
png_col.download_button(
    "Grayscale PNG",
    data=lambda: png_bytes(gray),
    file_name=f"{choice.file_stem}_gray.png",
    mime="image/png",
    icon=":material/download:",
)
npy_col.download_button(
    f"The array as .npy {image.shape!r}",
    data=lambda: npy_bytes(image),
    file_name=f"{choice.file_stem}.npy",
    mime="application/octet-stream",
    icon=":material/download:",
)
st.caption(
    f'`np.load("{choice.file_stem}.npy")` gives back the array: shape {image.shape!r}, '
    f"dtype {image.dtype}."
)
