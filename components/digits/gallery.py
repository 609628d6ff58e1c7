"""My digits by class: each with its label to correct, Delete, and whether it is held out."""

from __future__ import annotations

import streamlit as st

from components.common.pictures import thumbnail
from components.digits import keys
from components.digits.store import change_my_digits, say
from model.digits.mnist import NUM_CLASSES
from model.mine.collection import TOO_FEW, MyDigits

COLUMNS = 6
SHOWN = 60  # of one class at a time; the newest first


def gallery(token: str, mine: MyDigits) -> None:
    counts = mine.counts()
    classes = list(range(NUM_CLASSES))
    first = int(mine.y[-1]) if len(mine) else 0
    st.session_state.setdefault(keys.GALLERY_CLASS, first)
    digit = st.segmented_control(
        "Class",
        classes,
        format_func=lambda d: f"{d} ({counts[d]})",
        required=True,
        key=keys.GALLERY_CLASS,
    )
    if digit is None:  # a browser that sent no value for it shows none chosen: the newest digit's
        digit = first
    if counts[digit] < TOO_FEW:
        st.caption(
            f"Only {counts[digit]} of your {digit}s: too few to say anything about how the "
            f"model reads your {digit}s. Keep at least {TOO_FEW}, better ten."
        )
    indices = [int(i) for i in (mine.y == digit).nonzero()[0]][::-1][:SHOWN]
    for start in range(0, len(indices), COLUMNS):
        for column, index in zip(
            st.columns(COLUMNS), indices[start : start + COLUMNS], strict=False
        ):
            with column:
                _one(token, mine, index)


def _one(token: str, mine: MyDigits, index: int) -> None:
    st.image(thumbnail(mine.x[index], 84), output_format="PNG")
    st.caption("held out" if mine.held_out[index] else "trains")
    st.selectbox(
        "Label",
        list(range(NUM_CLASSES)),
        index=int(mine.y[index]),
        key=keys.relabel(index),
        on_change=_relabel,
        args=(token, index),
        label_visibility="collapsed",
    )
    st.button(
        "Delete",
        key=keys.delete(index),
        icon=":material/delete:",
        on_click=_delete,
        args=(token, index),
    )


def _relabel(token: str, index: int) -> None:
    label = int(st.session_state[keys.relabel(index)])
    _, problem = change_my_digits(token, lambda mine: mine.relabeled(index, label))
    say("warn", problem) if problem else say("ok", f"Relabelled as {label}.")
    _forget_gallery_widgets()


def _delete(token: str, index: int) -> None:
    _, problem = change_my_digits(token, lambda mine: mine.without(index))
    say("warn", problem) if problem else say("ok", "Deleted.")
    _forget_gallery_widgets()


def _forget_gallery_widgets() -> None:
    """Indices shift after a change: the pickers must show the stored labels afresh."""
    for key in [k for k in st.session_state if str(k).startswith("relabel_")]:
        del st.session_state[key]
