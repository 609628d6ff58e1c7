"""The one place the CNN is loaded and cached.

Importing this module imports TensorFlow, so only pages that run the model
import it; the image page never does.
"""

from __future__ import annotations

import streamlit as st

from components.sidebar import active_model_name
from model.cards import ModelCard, resolve_model_path
from model.inference import DigitClassifier
from model.persistence import ModelFileError, load_model, verified_card


# cache_resource: one loaded model per server, shared by every session. The
# file's sha256 is part of the key, so a model retrained into the same path is
# loaded afresh instead of served stale. DigitClassifier is thread-safe.
@st.cache_resource(show_spinner="Loading the CNN…", max_entries=4)
def _load_classifier(path: str, sha256: str) -> DigitClassifier:
    model, _ = load_model(path)
    return DigitClassifier(model)


def active_classifier() -> tuple[DigitClassifier, ModelCard] | None:
    """The active model, ready to run; None (with an error shown) if it cannot be loaded."""
    path = resolve_model_path(active_model_name())
    try:
        card = verified_card(path)
        return _load_classifier(str(path), card.sha256), card
    except (ModelFileError, OSError, ValueError) as err:
        st.error(f"The model could not be loaded: {err}")
        return None
