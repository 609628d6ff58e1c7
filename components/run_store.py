"""Where training runs live: the server's one run manager, and each session's own runs.

Nothing here imports TensorFlow: the sidebar that uses it is on every page.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
import weakref
from pathlib import Path

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components import state_keys as keys
from model.cards import SHIPPED_NAMES
from model.model_library import saved_models
from model.run_manager import RunManager
from model.run_types import FINISHED
from model.run_view import RunView

MAX_RUNS_KEPT = 12  # a session's oldest runs (and their models) are dropped after this


def _connected(session: str) -> bool | None:
    """Whether this session's browser is still connected; None when no server can tell."""
    if not runtime.exists():
        return None  # AppTest: heartbeats decide
    return runtime.get_instance().is_active_session(session.split("/")[0])


# cache_resource: one manager per server, shared by every session. It owns the
# worker process; only one run trains at a time, whoever pressed Train.
@st.cache_resource(show_spinner=False)
def run_manager() -> RunManager:
    return RunManager(mode="process", liveness=_connected)


@st.cache_resource(show_spinner=False)
def _runs_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="cnn-lens-runs-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


class SessionFolder:
    """A session's private folder of trained models, removed when the session ends.

    It lives in the session's state: when Streamlit drops a closed session,
    this object goes with it and the folder is deleted.
    """

    def __init__(self, root: Path):
        self.path = root / uuid.uuid4().hex
        self.path.mkdir(parents=True)
        weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)


def session_id() -> str:
    """This browser session, for the run manager: Streamlit's session id and our own token.

    The token tells sessions apart where Streamlit's id does not (AppTest gives
    every test app the same one).
    """
    ctx = get_script_run_ctx()
    token = st.session_state.setdefault(keys.SESSION_TOKEN, uuid.uuid4().hex[:12])
    return f"{ctx.session_id if ctx else 'none'}/{token}"


def session_folder() -> Path:
    folder = st.session_state.get(keys.RUN_FOLDER)
    if folder is None or not folder.path.is_dir():
        folder = st.session_state[keys.RUN_FOLDER] = SessionFolder(_runs_root())
    return folder.path


def runs() -> list[RunView]:
    """This session's ended runs, oldest first."""
    return st.session_state.setdefault(keys.RUN_HISTORY, [])


def keep_run(view: RunView) -> None:
    history = runs()
    history.append(view)
    active = st.session_state.get(keys.ACTIVE_MODEL)
    while len(history) > MAX_RUNS_KEPT:
        dropped = history.pop(0)
        path = dropped.end.model_path if dropped.end else None
        if path and path != active:
            Path(path).unlink(missing_ok=True)
            Path(path).with_suffix(".json").unlink(missing_ok=True)


def run_label(view: RunView) -> str:
    """E.g. "run 3: seed, 97.12%" or "run 4: robust, stopped"."""
    evaluation = view.end.evaluation if view.end else None
    result = f"{evaluation.test_accuracy:.2%}" if evaluation else view.status
    return f"run {view.job.number}: {view.job.preset}, {result}"


def next_run_number() -> int:
    return len(runs()) + 1 + (1 if st.session_state.get(keys.ACTIVE_RUN) else 0)


def model_choices() -> dict[str, str]:
    """Every model this session may make active: value for ACTIVE_MODEL -> label."""
    choices = {name: f"{name} (shipped)" for name in SHIPPED_NAMES}
    for saved in saved_models():
        if saved.card is not None:
            choices[str(saved.path)] = f"{saved.name} (saved)"
    for view in runs():
        path = view.end.model_path if view.status == FINISHED and view.end else None
        if path and Path(path).exists():
            choices[path] = f"{run_label(view)} (this session, not saved)"
    return choices


def model_name(name_or_path: str) -> str:
    """How people know a model: "default", "seed", "run 3", or a saved model's name."""
    if name_or_path in SHIPPED_NAMES:
        return name_or_path
    for view in runs():
        if view.end and view.end.model_path == name_or_path:
            return f"run {view.job.number}"
    return Path(name_or_path).stem
