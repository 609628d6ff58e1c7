"""The shared sidebar: which model is active and how good it is."""

from __future__ import annotations

import streamlit as st

from components import state_keys
from model.cards import CardError, ModelCard, read_card


def active_model_name() -> str:
    return st.session_state.setdefault(state_keys.ACTIVE_MODEL, "default")


def model_card_sidebar() -> ModelCard | None:
    """Show the active model's card; return it, or None if it cannot be read."""
    name = active_model_name()
    with st.sidebar:
        st.subheader("Active model")
        try:
            card = read_card(name)
        except CardError as err:  # a sentence naming the model, never its path
            st.error(str(err), icon=":material/error:")
            return None
        st.markdown(f"**{card.name}** · preset `{card.preset}`")
        st.metric(
            "Test accuracy",
            f"{card.test_accuracy:.2%}",
            help=f"Measured on the {card.test_set}; test loss {card.test_loss:.4f}.",
        )
        st.caption(f"Trained on the {card.trained_on}. {card.params:,} parameters.")
    return card
