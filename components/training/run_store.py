"""Where training runs live: the server's one run manager, and each session's own runs.

Session state holds only small values for training: the id of the run in
progress and a SessionHandle (a token and a folder path). A run's record is
not small (every batch's loss, the test set's answers of two models, the
pixels of the digits the gallery shows: about 200 KB), so this session's ended
runs are kept on the server, in one store keyed by the token. The handle's
finaliser empties the session's entry and deletes its folder when Streamlit
drops the session; the store's size bound covers a session that never goes.

Nothing here imports TensorFlow: the sidebar that uses it is on every page.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import uuid
import weakref
from collections import OrderedDict
from pathlib import Path

import streamlit as st

from components.common import keys as common_keys
from components.training import keys
from model.files.cards import SHIPPED_NAMES
from model.files.library import saved_models
from model.runs.manager import RunManager
from model.runs.messages import FINISHED
from model.runs.view import RunView

MAX_RUNS_KEPT = 12  # a session's oldest runs (and their models) are dropped after this
MAX_SESSIONS = 200  # the store keeps the runs of this many sessions at most


# cache_resource: one manager per server, shared by every session. It owns the
# worker process; only one run trains at a time, whoever pressed Train. Cleared
# (tests do), it stops its runs and its worker.
@st.cache_resource(show_spinner=False, on_release=RunManager.close)
def run_manager() -> RunManager:
    return RunManager(mode="process")


class SessionRuns:
    """Every session's ended runs by session token, oldest first. Script threads share it."""

    def __init__(self, max_sessions: int = MAX_SESSIONS):
        self._lock = threading.Lock()
        self._runs: OrderedDict[str, list[RunView]] = OrderedDict()
        self._max_sessions = max_sessions

    def of(self, token: str) -> list[RunView]:
        with self._lock:
            if token in self._runs:
                self._runs.move_to_end(token)
            return list(self._runs.get(token, ()))

    def add(self, token: str, view: RunView, keep: int = MAX_RUNS_KEPT) -> list[RunView]:
        """Keep `view` as the session's newest run; return its runs dropped to stay in bounds.

        Past the bound on sessions, the least recently seen session loses its list
        (its model files stay in its folder until the session goes).
        """
        with self._lock:
            runs = self._runs.setdefault(token, [])
            self._runs.move_to_end(token)
            runs.append(view)
            dropped = runs[:-keep]
            del runs[:-keep]
            while len(self._runs) > self._max_sessions:
                self._runs.popitem(last=False)
            return dropped

    def forget(self, token: str) -> None:
        with self._lock:
            self._runs.pop(token, None)


@st.cache_resource(show_spinner=False)
def session_runs() -> SessionRuns:
    """The server's store of ended runs: the sidebar adds to it, the Retrain page reads it."""
    return SessionRuns()


@st.cache_resource(show_spinner=False)
def _runs_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="cnn-lens-runs-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


class SessionHandle:
    """This browser session for training: a token, and a private folder of trained models.

    It lives in the session's state; when Streamlit drops a closed session,
    it goes with it, and its finaliser deletes the folder and the session's runs.
    """

    def __init__(self, root: Path, store: SessionRuns):
        self.token = uuid.uuid4().hex[:12]
        self.folder = root / self.token
        self.folder.mkdir(parents=True)
        weakref.finalize(self, _forget_session, store, self.token, self.folder)


def _forget_session(store: SessionRuns, token: str, folder: Path) -> None:
    store.forget(token)
    shutil.rmtree(folder, ignore_errors=True)


def _handle() -> SessionHandle:
    handle = st.session_state.get(keys.SESSION_HANDLE)
    if handle is None:
        handle = st.session_state[keys.SESSION_HANDLE] = SessionHandle(_runs_root(), session_runs())
    handle.folder.mkdir(parents=True, exist_ok=True)  # e.g. a temp cleaner removed it
    return handle


def session_id() -> str:
    """This browser session, for the run manager."""
    return _handle().token


def session_folder() -> Path:
    return _handle().folder


def collect_ended_run() -> bool:
    """Move this session's run into its runs once it has ended; True if that happened now.

    Called before the picker is drawn, and where a run that ends during an app run
    reruns the app; never by what only reads the runs, so that all of one app run
    (picker, result, Retrain page) shows the same runs.
    """
    run_id = st.session_state.get(keys.ACTIVE_RUN)
    if not run_id:
        return False
    manager = run_manager()
    view = manager.view(run_id)
    if view is not None and not view.ended:
        return False
    ended = manager.collect(session_id(), run_id)
    if ended is not None:
        _keep_run(ended)
    st.session_state[keys.ACTIVE_RUN] = None
    return ended is not None


def active_run() -> RunView | None:
    """This session's run that is waiting or training, if any (an ended one waits to be
    collected)."""
    run_id = st.session_state.get(keys.ACTIVE_RUN)
    view = run_manager().view(run_id) if run_id else None
    return view if view is not None and not view.ended else None


def runs() -> list[RunView]:
    """This session's ended runs that have been collected, oldest first."""
    return session_runs().of(session_id())


def _keep_run(view: RunView) -> None:
    active = st.session_state.get(common_keys.ACTIVE_MODEL)
    for dropped in session_runs().add(session_id(), view):
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
    history = runs()
    return (history[-1].job.number if history else 0) + 1


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
