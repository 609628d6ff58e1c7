"""What can be done with a trained model: use it, download it, save it under a name."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.common import keys as common_keys
from components.common.active_model import use_model
from components.training import keys
from model.files.cards import SHIPPED_NAMES
from model.files.library import SaveNameError, check_name, models_folder, save_trained
from model.runs.view import RunView


def _file_name(view: RunView, suffix: str) -> str:
    return f"cnn-lens-run-{view.job.number}{suffix}"


def run_actions(view: RunView, run_id: str | None = None) -> None:
    """Use this model, Download .keras (and its card), Save under a name. Full reruns on change.

    run_id: the Retrain page's run whose widgets these are; None in the sidebar.
    """
    path = view.end.model_path if view.end else None
    if not path or not Path(path).exists():
        st.caption("This run's model is no longer kept (only the latest runs keep theirs).")
        return
    active = st.session_state.get(common_keys.ACTIVE_MODEL) == path
    if st.button(
        "Use this model",
        key=keys.for_run(keys.USE_MODEL_BUTTON, run_id),
        icon=":material/check_circle:",
        disabled=active,
        help="Makes it the active model of this browser session only: the draw page and the "
        "network page use it. Other people keep their own model.",
        width="stretch",
    ):
        use_model(path)
        st.rerun()  # the whole app: the sidebar's card and the page follow the new model
    if active:
        st.caption("Active in this browser session.")
    st.download_button(
        "Download .keras",
        data=lambda: Path(path).read_bytes(),
        file_name=_file_name(view, ".keras"),
        mime="application/octet-stream",
        key=keys.for_run(keys.DOWNLOAD_MODEL, run_id),
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        "Download its card (.json)",
        data=lambda: Path(path).with_suffix(".json").read_bytes(),
        file_name=_file_name(view, ".json"),
        mime="application/json",
        key=keys.for_run(keys.DOWNLOAD_CARD, run_id),
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
        help="The model card: recipe, data, test accuracy and the file's hash. "
        "Keep it next to the .keras file.",
    )
    _save_form(path, view, run_id)


def _save_form(path: str, view: RunView, run_id: str | None) -> None:
    saved_key = keys.for_run(keys.SAVED_MESSAGE, run_id)
    saved = st.session_state.pop(saved_key, None)
    if saved:
        st.success(saved, icon=":material/save:")
    name = st.text_input(
        "Save as",
        key=keys.for_run(keys.SAVE_NAME, run_id),
        placeholder=f"run-{view.job.number}",
        help="Saves it in the local model folder with its card, for everyone using this "
        "server. Letters, digits, '-' and '_'.",
    )
    exists = bool(name) and name.strip().lower() not in SHIPPED_NAMES
    exists = exists and (models_folder() / f"{name.strip()}.keras").exists()
    replace = exists and st.checkbox(
        f"Replace it: a saved model “{name.strip()}” exists",
        key=keys.for_run(keys.SAVE_REPLACE, run_id),
    )
    if not st.button("Save", key=keys.for_run(keys.SAVE_BUTTON, run_id), icon=":material/save:"):
        return
    try:
        check_name(name, replace=replace)
        with st.spinner("Saving…"):
            card = save_trained(path, name, replace=replace)
    except SaveNameError as err:
        st.error(str(err), icon=":material/block:")
        return
    except (OSError, ValueError) as err:
        st.error(f"The model could not be saved: {type(err).__name__}.", icon=":material/error:")
        return
    st.session_state[saved_key] = (
        f"Saved as “{card.name}” in the local model folder: pick it under Active model."
    )
    st.rerun()  # the whole app: the picker lists the new model
