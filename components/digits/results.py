"""The latest of this session's runs that trained with my digits, before and after."""

from __future__ import annotations

import streamlit as st

from components.digits.evaluation import run_before_after
from components.training.run_store import run_label, runs


def last_run_with_my_digits() -> None:
    for view in reversed(runs()):
        evaluation = view.end.evaluation if view.end else None
        if evaluation is not None and evaluation.mine is not None:
            run_before_after(run_label(view), evaluation)
            return
    st.caption("No run with your digits yet in this session.")
