"""My digits: collect your own handwriting, see how the model reads it, train with it."""

import streamlit as st

from components.common.active_model import active_model_name
from components.common.model_store import active_classifier
from components.digits.evaluation import my_evaluation
from components.digits.files import count_line, downloads, messages, uploads
from components.digits.gallery import gallery
from components.digits.prompt import prompted
from components.digits.results import last_run_with_my_digits
from components.digits.store import load_my_digits, lost_since, my_token, said
from components.training.run_store import model_name

st.title("My digits")
st.markdown(
    "The model learned from MNIST's writers, not from you. Keep a few of your own digits, "
    "see where the model misreads them, then train with them and see what that did to "
    "your digits and to MNIST's. Your digits stay with this browser: no other visitor "
    "sees them, and a reload finds them again."
)
token = my_token()
if token is None:
    st.info("Waiting for this browser's storage, which keeps your digits…")
    st.stop()
mine = load_my_digits(token)
if lost := lost_since(mine):
    st.warning(
        f"Your {lost:,} digits were removed from the server to make room (the browsers "
        "not used for the longest time go first). Upload your downloaded .npz to restore them."
    )
messages(said())
count_line(mine)
downloads(mine)
uploads(token)

st.header("1. Collect")
st.markdown(
    "Draw the digit asked for; Next keeps it with that label and asks for the next one. "
    "Ten of each takes a couple of minutes. The draw page's **Keep this digit** adds to "
    "the same set."
)
prompted(token)
if not len(mine):
    st.stop()

st.header("2. Your digits")
gallery(token, mine)

st.header("3. How the model reads them")
loaded = active_classifier()
if loaded is not None:
    my_evaluation(loaded[0], model_name(active_model_name()), mine)

st.header("4. Train with them")
st.markdown(
    "In the sidebar's recipe, switch on **Add my digits** (they are repeated so that a few "
    "dozen count beside MNIST's thousands) and, for a run of seconds, **Start from the "
    "active model**. Then press Train: the result shows here."
)
last_run_with_my_digits()
