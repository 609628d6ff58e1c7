"""The sidebar recipe's two My digits options, and what they add to a run's job.

"Add my digits" trains the run on this browser's digits too (those not held
out), repeated so that a few dozen count beside MNIST's thousands. "Start from
the active model" fine-tunes it instead of training from the preset's seed:
switching it on puts a short recipe in the widgets (few epochs, a small
learning rate, a few thousand MNIST digits so it does not forget them).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import streamlit as st

from components.digits import keys
from components.digits.store import load_my_digits, my_token
from model.files.cards import CardError, read_card
from model.mine.files import digits_npz
from model.mine.mixing import FINE_TUNE_RECIPE


def my_digits_options(set_recipe_fields, trainable: int | None) -> None:
    """The two toggles. `set_recipe_fields(values)` puts Recipe fields into the recipe widgets;
    `trainable`: how many MNIST digits a run may train on, once known."""

    def fine_tune_recipe() -> None:
        if st.session_state[keys.TRAIN_FINE_TUNE]:
            values = dict(FINE_TUNE_RECIPE)
            if trainable is not None and values["train_size"] > trainable:
                values["train_size"] = None  # a small data source: all of it
            set_recipe_fields(values)

    st.toggle(
        "Add my digits",
        key=keys.TRAIN_MY_DIGITS,
        help="Train on the digits you kept (My digits) too, repeated so that they count. "
        "The held-out ones never train: they show what the run did.",
    )
    st.toggle(
        "Start from the active model",
        key=keys.TRAIN_FINE_TUNE,
        on_change=fine_tune_recipe,
        help="Fine-tune: go on training the model in use for a few seconds, at a small "
        "learning rate, rather than a new one from scratch.",
    )


def job_fields(active_model: str, folder: Path) -> dict | str:
    """RunJob's my_digits and fine_tune (and preset, when fine-tuning), or why not, in words.

    The digits are copied for the run: keeping more while it trains changes nothing.
    """
    fields: dict = {}
    if st.session_state.get(keys.TRAIN_MY_DIGITS):
        token = my_token()
        mine = load_my_digits(token) if token else None
        if mine is None or not len(mine):
            return "You have kept no digits yet: keep some on My digits or the draw page first."
        snapshot = folder / f"my-digits-{uuid.uuid4().hex[:8]}.npz"
        snapshot.write_bytes(digits_npz(mine))
        fields["my_digits"] = str(snapshot)
    if st.session_state.get(keys.TRAIN_FINE_TUNE):
        try:
            fields["preset"] = read_card(active_model).preset
        except CardError as err:
            return str(err)
        fields["fine_tune"] = True
    return fields
