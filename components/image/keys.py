"""Session-state, widget and container keys of the Explore an image page.

Tests rely on these exact strings. Container and chart keys are also the
st-key-<key> CSS class.
"""

# Widget keys.
IMAGE_UPLOAD = "image_upload"  # st.file_uploader
IMAGE_SAMPLE = "image_sample"  # which sample photo (st.selectbox)
IMAGE_USE_CAMERA = "image_use_camera"  # st.toggle that shows the camera
IMAGE_CAMERA = "image_camera"  # st.camera_input
PIXEL_ROW = "pixel_row"  # st.number_input: the inspected pixel's row
PIXEL_COL = "pixel_col"  # st.number_input: the inspected pixel's column
PIXEL_VIEW_CHART = "pixel_view_chart"  # clickable overview of the image
NEIGHBOURHOOD_CHART = "neighbourhood_chart"  # clickable 7 × 7 close-up
CHANNELS_CHART = "channels"  # every channel's picture over its histogram
# Container keys.
IMAGE_SHAPE_BOX = "image_shape"
PIXEL_VALUE_BOX = "pixel_value"
DIGIT_INPUT_BOX = "digit_input"  # container of the 28 × 28 grid of values
# State (not widgets).
# Which image the pixel position belongs to (a short id), to keep row/col in range.
PIXEL_IMAGE_ID = "pixel_image_id"
# str: the sentence saying a typed row or column was moved into the picture.
PIXEL_MOVED = "pixel_moved"
# int: how many pixels were picked by a click; the clickable picture is redrawn
# fresh after each, so that a later click on the same pixel is seen again.
PIXEL_PICKS = "pixel_picks"
# dict(id, name, origin): this session's last own image, shown again after the upload
# widget empties on a page switch (its analysis lives in components/image/store.py).
IMAGE_EARLIER = "image_earlier"
