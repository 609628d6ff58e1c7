"""Start here: what the app is for, the lesson's four steps in order, notes and glossary."""

import streamlit as st

from components.lesson.path import glossary, lesson_path, teacher_notes
from components.lesson.texts import INTRO

st.title("How a CNN reads a digit")
st.markdown(INTRO)

st.header("The lesson, in four steps")
st.markdown(
    "Go in this order: each step uses what the one before showed. The links make the "
    "lesson's small network, **seed**, the model in use; the sidebar says so."
)
lesson_path()

teacher_notes()
glossary()
