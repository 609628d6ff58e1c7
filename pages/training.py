import streamlit as st

from components.frame import require_frame

require_frame()

st.title("Retrain")
st.info("Coming next: change the training recipe, watch the model train live, and compare it.")
