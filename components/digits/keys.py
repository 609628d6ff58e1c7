"""Session-state, widget and container keys of My digits: its page and the draw page's keep box.

Tests rely on these exact strings. Container keys are also the st-key-<key> CSS class.
"""

# On the draw page.
KEEP_LABEL = "keep_label"  # st.segmented_control 0-9, preselected to the prediction
KEEP_DIGIT = "keep_digit"  # st.button "Keep this digit"
KEEP_BOX = "keep_box"  # container of the two
# On /digits.
MY_DIGITS_COUNT = "my_digits_count"  # container whose text says "N digits"
MY_DIGITS_DOWNLOAD = "my_digits_download"  # st.download_button of the .npz
MY_DIGITS_ZIP = "my_digits_zip"  # st.download_button of the PNGs
MY_DIGITS_UPLOAD = "my_digits_upload"  # st.file_uploader, several .npz files
MY_DIGITS_MESSAGES = "my_digits_messages"  # container of what the last action did
PROMPT_BOX = "prompt_box"  # the prompted mode: "Draw a 3", its canvas, Next
PROMPT_CANVAS = "prompt_canvas"  # the prompted mode's canvas component
PROMPT_NEXT = "prompt_next"  # st.button: keep it and ask for the next digit
PROMPT_ON_RELEASE = "prompt_on_release"  # st.toggle: keep as soon as the pen lifts
GALLERY_CLASS = "gallery_class"  # st.segmented_control: which class the gallery shows
MY_EVALUATION_BOX = "my_evaluation"  # the active model on my digits
MY_RUN_BOX = "my_run"  # the last run with my digits: before and after


def relabel(index: int) -> str:
    """The label picker of digit `index` in the gallery."""
    return f"relabel_{index}"


def delete(index: int) -> str:
    return f"delete_{index}"


# State (not widgets).
LAST_COUNT = "my_digits_last_count"  # how many digits this session last saw kept: eviction shows
MESSAGES = "my_digits_message_list"  # [(kind, sentence)]: what the last action did
KEPT_INPUT = "keep_kept_input"  # hash of the draw page's input last kept: Keep once per drawing
LABEL_FOR = "keep_label_for"  # hash of the input the label picker was preselected for
PROMPT_DIGIT = "prompt_digit"  # int: the digit the prompted mode asks for next
PROMPT_GENERATION = "prompt_generation"  # int; bumped to empty the prompted canvas
# components.draw.strokes.CanvasCopy: the drawings the prompted canvas sends its changes from.
PROMPT_CANVAS_COPY = "prompt_canvas_copy"
UPLOADS_DONE = "my_digits_uploads_done"  # file ids of uploads already merged
# In the sidebar's recipe, on every page.
TRAIN_MY_DIGITS = "train_my_digits"  # st.toggle "Add my digits"
TRAIN_FINE_TUNE = "train_fine_tune"  # st.toggle "Start from the active model"
