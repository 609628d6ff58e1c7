"""The shared sidebar: which model is active and how good it is.

ACTIVE_MODEL in session state is the one source of truth for the active model:
"default", "seed", or the path of a saved or freshly trained model. The
picker only mirrors it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.common.active_model import active_model_name, is_lesson_model, use_model
from components.training import keys
from components.training.run_store import collect_ended_run, model_choices
from model.files.cards import CardError, ModelCard, read_card

LESSON_NOTE = (
    "The lesson uses **seed**, a small network whose every step the pages work by hand. "
    "Pick another model above at any time."
)


def model_card_sidebar() -> ModelCard | None:
    """Show the active model's card; return it, or None if it cannot be read."""
    collect_ended_run()  # a run that ended since the last app run: the picker lists its model
    name = active_model_name()
    with st.sidebar:
        st.subheader("Active model")
        model_picker(name)
        try:
            card = read_card(name)
        except CardError as err:  # a sentence naming the model, never its path
            st.error(str(err), icon=":material/error:")
            return None
        st.markdown(f"**{card.name}** · preset `{card.preset}`")
        st.metric(
            "Test accuracy",
            f"{card.test_accuracy:.2%}",
            # The card's figure reads each test digit once; the draw page reads twice and
            # averages, so the README's figure for the default differs: the help says which.
            help=f"Measured on the {card.test_set}, each digit read once as it is (the draw "
            "page also reads an upright copy of a digit and averages the two); test loss "
            f"{card.test_loss:.4f}.",
        )
        st.caption(f"Trained on the {card.trained_on}. {card.params:,} parameters.")
        if is_lesson_model(name):
            st.info(LESSON_NOTE, icon=":material/school:")
    return card


def _picked() -> None:
    use_model(st.session_state[keys.MODEL_PICKER])


def model_picker(active: str) -> None:
    """Shipped models, saved models and this session's trained ones; picking one activates it."""
    choices = model_choices()
    if active not in choices:  # e.g. a saved model whose files were removed meanwhile
        choices[active] = f"{Path(active).stem} (missing)"
    if st.session_state.get(keys.MODEL_PICKER) != active:
        st.session_state[keys.MODEL_PICKER] = active
    st.selectbox(
        "Active model",
        list(choices),
        format_func=choices.__getitem__,
        key=keys.MODEL_PICKER,
        on_change=_picked,
        label_visibility="collapsed",
        help="Used by the draw page and the network page, for this browser session only. "
        "Saved models are in the local model folder; models trained in this session stay "
        "private to it until saved.",
    )
