"""The one place the CNN is loaded and cached.

Importing this module imports TensorFlow, so only pages that run the model
import it; the image page never does.
"""

from __future__ import annotations

import gc
import os

import streamlit as st

from components.common.active_model import active_model_name
from components.common.patches import keep_keras_state
from model.files.cards import ModelCard, model_label, resolve_model_path
from model.files.persistence import ModelFileError, load_model
from model.network.inference import DigitClassifier

# Streamlit's keras.backend.clear_session() after every run costs 0.2 s or more and
# does nothing for an app that keeps its models: turned off (see patches.py).
keep_keras_state()


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
    _freeze_what_lives_long()
    return DigitClassifier(model), card


_frozen = False


def _freeze_what_lives_long() -> None:
    """Once per server process: leave TensorFlow, Keras and the first model out of every
    later garbage collection.

    Python's collector walks every object that can hold a reference, and TensorFlow and
    Keras bring hundreds of thousands; each full collection walked them all again, about
    a third of the server's CPU per stroke while a class drew (25 of 65 ms, 15 students
    drawing on the same beat). Everything alive at the first model's load lives as long
    as the server: after one collection, `gc.freeze` moves it out of the collector's
    sight. Once only, so that a model loaded later and dropped from the cache is still
    collected.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


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
