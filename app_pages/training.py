"""Retrain: this session's runs side by side, and each run's test results."""

import streamlit as st

from components.training.run_store import runs
from components.training.run_views import compare_runs, follow_new_runs, run_details, runs_table

st.title("Retrain")
st.markdown(
    "Change the recipe in the sidebar and press **Train**: the network trains in the "
    "background while you keep using the app, and its loss and accuracy move live in the "
    "sidebar. Every run of this browser session is listed here. Compare runs to see what "
    "changing one setting did, and look at where each model goes wrong."
)
history = runs()
if not history:
    st.info(
        "No runs yet in this session. Open **Recipe** in the sidebar, set the epochs (1 "
        "is enough to start), and press **Train**.",
        icon=":material/model_training:",
    )
    st.stop()

follow_new_runs(history)
st.header("1. Your runs")
runs_table(history)

st.header("2. Compare runs")
st.markdown(
    "The training loss falls as the network learns; the validation accuracy, measured "
    "after every epoch on digits held out of training, says whether that learning carries "
    "over to digits it has not seen."
)
compare_runs(history)

st.header("3. One run in detail")
run_details(history)
