import streamlit as st

st.title("Draw a digit")
st.info("Coming next: draw a digit and see the CNN's prediction and every layer's activations.")
