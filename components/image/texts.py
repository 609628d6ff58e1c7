"""The image page's teaching words, in one place.

They are a third of the page: kept here, the page and its section functions
read as layout and calls, and the words can be edited without reading code.
Sentences that carry a computed number are functions of that number.
"""

from __future__ import annotations

INTRO = (
    "To a computer, a photo is a grid of numbers. Upload one of yours, take a photo, "
    "or pick a sample, and see exactly which numbers a neural network is given."
)
AFTER_ERROR = "Try another file, or remove this one (×) to go back to the sample photos."

DECODING = (
    "Pillow decodes the file into pixels, and numpy holds them as an array. "
    "EXIF orientation (the phone's *which way up*) is applied first when the file has one."
)

ONE_PIXEL = (
    "Every pixel has an address: its **row r**, counted from the top, and its **column c**, "
    "counted from the left, both starting at 0. `image[r][c]` reads it. Type a row and "
    "column, or click a pixel in the picture; hovering shows the values."
)

CHANNELS = (
    "The last number of the shape, {channels}, counts the channels. Slice one out with "
    "`image[:, :, i]` and you get one number per pixel: how much of that colour it has. "
    "Each picture below draws one channel from black (0) to its own colour at full "
    "strength (255), so it is bright where the pixel has a lot of that colour. The "
    "histogram under it counts how many pixels have each value from 0 to 255."
)
ALPHA = (
    " The alpha channel is transparency, drawn from black (0: see-through) to white "
    "(255: solid); the frame shows where the picture ends when it is solid white."
)
ONE_CHANNEL = (
    "This image has **one channel**: `image.shape` is `{shape}`, with no third number, "
    "so each pixel is a single brightness from 0 (black) to 255 (white)."
)

GRAYSCALE = (
    'Grayscale keeps one number per pixel, its brightness. Pillow\'s `convert("L")` '
    "mixes red, green and blue with the ITU-R 601-2 luma weights: green counts most "
    "because our eyes are most sensitive to it, blue least."
)
LUMA_FORMULA = r"L = 0.299\,R + 0.587\,G + 0.114\,B"
PILLOW_ROUNDING = (
    ", one off from {rounded}. Pillow does the sum in whole numbers, (19595 R + 38470 G + "
    "7471 B + 32768) ÷ 65536 rounded down, and the weights × 65536 are not exactly whole, "
    "so a few pixels land one step away."
)
ALPHA_DROPPED = "The alpha channel is dropped: grayscale keeps brightness only."
ALREADY_GRAY_ALPHA = (
    'This image is already gray: `convert("L")` keeps the gray channel and drops alpha.'
)
ALREADY_GRAY = 'This image is already grayscale, so `convert("L")` leaves every value as it is.'
NOT_EIGHT_BIT = (
    "The file holds {dtype} values; the grayscale image is uint8, on the 0-255 scale "
    "(see the note at the top of the page)."
)

FLATTEN = (
    "A dense layer of a neural network takes a plain list of numbers. `flatten()` lays the "
    "rows end to end: row 0's {width} values, then row 1's, and so on, so pixel (r, c) lands "
    "at index r × {width} + c. That makes **{height} × {width} = {size:,}** values, each "
    "from 0 (black) to 255 (white)."
)
VECTOR_CAPTION = "The vector from left to right; the red dot is the selected pixel. "


def digit_model(height: int, width: int, side: int) -> str:
    """What the digit model reads, and how this image was brought to its size."""
    if height >= side and width >= side:
        how = (
            "squashed to that size: each cell is the average of a block of about "
            f"{height / side:.0f} × {width / side:.0f} pixels"
        )
    else:
        how = "stretched to that size, as it is smaller: each pixel covers several cells"
    return (
        f"The digit model in this app reads **{side} × {side} grayscale** images, shape "
        f"`({side}, {side}, 1)`: {side * side} numbers. Here is your image {how}. A plain "
        f"dense network would flatten these to `({side * side},)`; a CNN keeps the grid, so "
        "its filters can look at each pixel together with its neighbours, like the close-up "
        "in section 2."
    )


DIGIT_MODEL_PHOTO = (
    "The model learnt from white digits on a black background, so a photo means "
    "nothing to it. Draw a digit to see what it does with an image it understands."
)
