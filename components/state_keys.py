"""Every st.session_state key the app uses, named once.

Session state holds small values only: names, numbers, flags. Never a model
and never raw upload bytes.
"""

# Name of the model in use: "default", "seed", or the path of a retrained model.
ACTIVE_MODEL = "active_model"

# --- Explore an image (pages/image.py) ---
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
