import streamlit as st

st.title("Retrain")
st.info("Coming next: change the training recipe, watch the model train live, and compare it.")
