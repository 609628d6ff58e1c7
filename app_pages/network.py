import streamlit as st

st.title("Inside the CNN")
st.info(
    "Coming next: the architecture, the learned filters, and the arithmetic of "
    "convolution, ReLU, pooling and softmax on your own input."
)
