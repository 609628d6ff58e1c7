"""The session-state keys every page shares, and the hand-overs between pages.

Each page folder names its own keys in its keys.py. Session state holds small
values only: names, numbers, flags, a 28 × 28 digit. Never a model and never
raw upload bytes.
"""

# Name of the model in use: "default", "seed", or the path of a retrained model.
ACTIVE_MODEL = "active_model"
# bool: the active model is the lesson's, made active by a link of the start page; any
# other choice of model clears it. The sidebar then says why this model is active.
LESSON_MODEL = "lesson_model"
# The draw page's st.toggle "Also read it upright", kept for the session: every page
# that reads a digit also reads a copy sheared upright while it is on.
UPRIGHT = "read_upright"
# Left by the draw page for the network page: a CurrentDigit (handover.py). Absent: none.
CURRENT_DIGIT = "current_digit"
# Left by the Retrain page for the draw page: a test digit to show in its sample view
# (dict: pixels bytes, label, origin), and a flag to switch to that view once.
OPENED_TEST_DIGIT = "opened_test_digit"
SHOW_OPENED_DIGIT = "show_opened_digit"


def css(key: str) -> str:
    """The CSS selector of the element with this `key`: Streamlit adds the class st-key-<key>."""
    return f".st-key-{key}"
