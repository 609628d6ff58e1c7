"""The one place the CNN is loaded and cached.

Importing this module imports TensorFlow, so only pages that run the model
import it; the image page never does.
"""

from __future__ import annotations

import os

import keras
import streamlit as st

from components.common.active_model import active_model_name
from model.files.cards import ModelCard, model_label, resolve_model_path
from model.files.persistence import ModelFileError, load_model
from model.network.inference import DigitClassifier


def _keep_keras_state(*args, **kwargs) -> None:
    """Stands in for keras.backend.clear_session in the server; see below."""


# Streamlit calls keras.backend.clear_session() after every script run once Keras is
# imported, for scripts that build a new model on each run. This app builds each
# model once and keeps it, so the reset does nothing for it; but it runs a full
# garbage collection and empties TensorFlow's kernel cache every time, 0.2-0.4 s
# of CPU on this machine after every rerun and every tick of a fragment, before
# the page hears that the run is over. Nothing in the app calls it.
keras.backend.clear_session = _keep_keras_state


# cache_resource: one loaded model per server, shared by every session.
# DigitClassifier is thread-safe. The key is the file's path plus its size, mtime
# and inode, which every save changes (saves replace the file by renaming), so a
# model retrained into the same path is loaded afresh; load_model checks the
# sha256 against the card once, here, rather than hashing the file on every rerun.
@st.cache_resource(show_spinner="Loading the CNN…", max_entries=4)
def _load_classifier(
    path: str, file_stamp: tuple[int, int, int]
) -> tuple[DigitClassifier, ModelCard]:
    model, card = load_model(path)
    return DigitClassifier(model), card


def active_classifier() -> tuple[DigitClassifier, ModelCard] | None:
    """The active model, ready to run; None (with an error shown) if it cannot be loaded.

    Errors are sentences that name the model, never its path on the server.
    """
    name = active_model_name()
    path = resolve_model_path(name)
    try:
        stat = os.stat(path)
    except OSError:
        st.error(f"The model “{model_label(name)}” is missing: there is no such model file.")
        return None
    try:
        return _load_classifier(str(path), (stat.st_size, stat.st_mtime_ns, stat.st_ino))
    except ModelFileError as err:
        st.error(str(err))
    except ValueError:  # loaded, but not shaped like a digit classifier
        st.error(
            f"The model “{model_label(name)}” does not read 28×28 digits, so it cannot be used."
        )
    return None
