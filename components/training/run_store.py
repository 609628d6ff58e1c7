"""Where training runs live: the server's one run manager, and each browser's own runs.

Runs belong to a *browser*, not to a Streamlit session: a reload, a reopened
tab or a laptop waking up starts a new session, and the person expects their
run, its place in the line and their trained models to be there. The browser
is recognised by its token (components/common/browser.py: 128 random bits in
its localStorage, known only to it and to the server); the run manager and
this store see only the token's hash, the *owner*. Until the browser has sent
its token (the first script run of a page load) and where it never does
(AppTest, storage turned off), the session itself is the owner, with a
private folder deleted with the session.

A browser's trained models are files in its folder of the browser store
(model/files/browser_store.py): bounded per browser and in all, the least
recently used browsers' folders evicted first. Its ended runs (about 200 KB
each: every batch's loss, two models' answers on the test set, the pixels of
the digits the gallery shows) are kept in this server's memory by owner, at
most MAX_RUNS_KEPT per owner and MAX_OWNERS owners; session state holds only
small values. Nothing here imports TensorFlow: the sidebar that uses it is on
every page.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from components.common import keys as common_keys
from components.common.browser import browser_token
from components.training import keys
from model.files.browser_store import BrowserStore
from model.files.cards import SHIPPED_NAMES
from model.files.library import saved_models
from model.runs.manager import RunManager
from model.runs.messages import STOPPED
from model.runs.view import RunView

if TYPE_CHECKING:
    from model.runs.queue_manager import QueueRunManager

MAX_RUNS_KEPT = 12  # an owner's oldest runs (and their models) are dropped after this
MAX_OWNERS = 200  # the store keeps the runs of this many browsers or sessions at most


REDIS_ENV = "CNN_LENS_REDIS_URL"


# cache_resource: one manager per server, shared by every session. It owns the
# pool of worker processes and the line of runs waiting for them, or, with
# CNN_LENS_REDIS_URL, sends runs to RQ workers (docs/deploy.md). Cleared (tests
# do), it stops its runs and its workers.
@st.cache_resource(show_spinner=False, on_release=lambda manager: manager.close())
def run_manager() -> RunManager | QueueRunManager:
    url = os.environ.get(REDIS_ENV, "").strip()
    if url:
        from model.runs.queue_manager import QueueRunManager

        return QueueRunManager(url)
    return RunManager(mode="process")


class SessionRuns:
    """Every owner's ended runs, oldest first. Script threads share it."""

    def __init__(self, max_sessions: int = MAX_OWNERS):
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

    def hand_over(self, old: str, new: str) -> None:
        """`old`'s runs go after `new`'s, as its newest."""
        with self._lock:
            runs = self._runs.pop(old, [])
            if runs:
                self._runs.setdefault(new, []).extend(runs)
                self._runs.move_to_end(new)

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


@st.cache_resource(show_spinner=False)
def browser_store() -> BrowserStore:
    """Every browser's kept files (CNN_LENS_BROWSER_DATA): one per server, thread-safe."""
    return BrowserStore()


class SessionHandle:
    """This session, when its browser is not known: a token, and a private folder of models.

    It lives in the session's state; when Streamlit drops a closed session,
    it goes with it, and its finaliser deletes the folder and the session's runs.
    """

    def __init__(self, root: Path, store: SessionRuns):
        self.token = uuid.uuid4().hex[:12]
        self.folder = root / self.token
        self.folder.mkdir(parents=True)
        self._forget = weakref.finalize(
            self, _forget_session, store, f"session-{self.token}", self.folder
        )

    def hand_over(self) -> None:
        """The session's runs went to its browser: its folder outlives it (a run may still
        write its model there, to be moved to the browser's folder when collected; the
        server's runs folder is removed when the server stops)."""
        self._forget.detach()


def _forget_session(store: SessionRuns, owner: str, folder: Path) -> None:
    store.forget(owner)
    shutil.rmtree(folder, ignore_errors=True)


def _handle() -> SessionHandle:
    handle = st.session_state.get(keys.SESSION_HANDLE)
    if handle is None:
        handle = st.session_state[keys.SESSION_HANDLE] = SessionHandle(_runs_root(), session_runs())
    handle.folder.mkdir(parents=True, exist_ok=True)  # e.g. a temp cleaner removed it
    return handle


def owner() -> str:
    """Whose runs these are: this browser's token's hash, or this session when it is unknown.

    A run started before the browser's token arrived (Train pressed within a new
    browser's first second) is the session's until the token arrives; then the
    session hands its runs over to the browser, so a reload finds them.
    """
    pinned = st.session_state.get(keys.RUN_OWNER)
    token = browser_token()
    if token:
        browser = "browser-" + hashlib.sha256(token.encode()).hexdigest()[:32]
        if pinned:  # its browser is known now: its runs are the browser's, reload or not
            run_manager().hand_over(pinned, browser)
            session_runs().hand_over(pinned, browser)
            _handle().hand_over()
            del st.session_state[keys.RUN_OWNER]
        return browser
    return pinned or session_owner(_handle())


def pin_owner_for_a_run() -> str:
    """The owner to submit a run under; noted in the session while the token is unknown."""
    who = owner()
    if browser_token() is None:
        st.session_state[keys.RUN_OWNER] = who
    return who


def session_owner(handle: SessionHandle) -> str:
    """The owner of a session's runs while its browser is unknown (AppTest, no storage)."""
    return f"session-{handle.token}"


def model_folder() -> Path:
    """Where this owner's trained models are written: its browser's folder, or the session's."""
    token = browser_token()
    if not token:
        return _handle().folder
    folder = browser_store().folder(token)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def collect_ended_run() -> bool:
    """Move this owner's ended runs into its runs; True if that happened now.

    Also notes the owner's run that waits or trains (ACTIVE_RUN), whichever tab or
    session started it. Called before the picker is drawn, and where a run that ends
    during an app run reruns the app; never by what only reads the runs, so that all
    of one app run (picker, result, Retrain page) shows the same runs.
    """
    manager = run_manager()
    ended = manager.collect(owner())
    for view in ended:
        _keep_run(view)
    mine = manager.active_of(owner())
    st.session_state[keys.ACTIVE_RUN] = mine.job.run_id if mine else None
    return bool(ended)


def active_run() -> RunView | None:
    """This owner's run that is waiting or training, if any."""
    return run_manager().active_of(owner())


def runs() -> list[RunView]:
    """This owner's ended runs that have been collected, oldest first."""
    return session_runs().of(owner())


def _keep_run(view: RunView) -> None:
    view = _in_browser_folder(view)
    active = st.session_state.get(common_keys.ACTIVE_MODEL)
    for dropped in session_runs().add(owner(), view):
        path = dropped.end.model_path if dropped.end else None
        if path and path != active:
            Path(path).unlink(missing_ok=True)
            Path(path).with_suffix(".json").unlink(missing_ok=True)
    token = browser_token()
    if token and view.end and view.end.model_path:
        # The worker wrote the file: the store counts it, and makes room if all
        # browsers' files together are past the budget (least recently used first).
        browser_store().make_room(token)


def _in_browser_folder(view: RunView) -> RunView:
    """A run handed over by its session wrote its model to the session's folder: move it."""
    path = Path(view.end.model_path) if view.end and view.end.model_path else None
    if browser_token() is None or path is None or not path.exists():
        return view
    folder = model_folder()
    if path.parent == folder:
        return view
    moved = folder / path.name
    shutil.move(path, moved)
    if path.with_suffix(".json").exists():
        shutil.move(path.with_suffix(".json"), moved.with_suffix(".json"))
    return dataclasses.replace(view, end=dataclasses.replace(view.end, model_path=str(moved)))


def run_label(view: RunView) -> str:
    """E.g. "run 3: seed, 97.12%", "run 4: seed, 95.01% after epoch 2" or "run 5: robust, failed"."""
    evaluation = view.end.evaluation if view.end else None
    result = f"{evaluation.test_accuracy:.2%}" if evaluation else view.status
    if evaluation and view.status == STOPPED:
        result += f" after epoch {view.end.epochs_done}"
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
        path = view.end.model_path if view.end else None
        if path and Path(path).exists():
            choices[path] = f"{run_label(view)} (this browser, not saved)"
    return choices


def model_name(name_or_path: str) -> str:
    """How people know a model: "default", "seed", "run 3", or a saved model's name."""
    if name_or_path in SHIPPED_NAMES:
        return name_or_path
    for view in runs():
        if view.end and view.end.model_path == name_or_path:
            return f"run {view.job.number}"
    return Path(name_or_path).stem
