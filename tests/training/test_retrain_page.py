"""AppTest: the Retrain page's run pickers follow new runs and keep the user's picks.

The runs are made up (no training): finished runs with a small test set, put
where the sidebar puts collected runs, under this session's token.
"""

import time

import numpy as np
from streamlit.testing.v1 import AppTest

from components.training import keys
from components.training.run_store import session_owner, session_runs
from model.runs.messages import FINISHED, Evaluation, RunEnd, RunJob
from model.runs.view import EpochPoint, RunView
from model.training.recipes import Recipe
from tests.conftest import APP_TIMEOUT_S, ROOT


def made_up_run(number: int) -> RunView:
    rng = np.random.default_rng(number)
    labels = rng.integers(0, 10, 200).astype(np.uint8)
    predicted = np.where(rng.random(200) < 0.9, labels, (labels + 1) % 10).astype(np.uint8)
    evaluation = Evaluation(
        test_description="first 200 digits of the official MNIST test set",
        test_loss=0.3,
        test_accuracy=float(np.mean(predicted == labels)),
        labels=labels,
        predicted=predicted,
        confidence=np.full(200, 0.9, np.float32),
        previous=None,
        previous_error="the previous model could not be run (made up)",
    )
    job = RunJob(f"run{number}", number, "seed", Recipe(epochs=1), "", "default", "default")
    return RunView(
        job=job,
        status=FINISHED,
        place=None,
        worker_ready=True,
        last=None,
        batch_loss=(2.0, 1.0, 0.5),
        batch_accuracy=(0.2, 0.6, 0.8),
        epochs=(EpochPoint(1, 1.2, 0.5, 1.0, 0.6),),
        submitted_at=time.time(),
        started_at=time.time(),
        ended_at=time.time(),
        end=RunEnd(FINISHED, train_seconds=3.0, epochs_done=1, evaluation=evaluation),
        stop_reason=None,
        test_description=evaluation.test_description,
    )


def test_new_runs_join_the_comparison_and_picks_survive_other_pages():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.switch_page("app_pages/training.py").run()
    token = session_owner(at.session_state[keys.SESSION_HANDLE])  # AppTest: no browser token
    store = session_runs()
    for number in (1, 2, 3):
        store.add(token, made_up_run(number))
    at.run()
    assert not at.exception
    assert at.multiselect(key=keys.COMPARE_RUNS).value == ["run2", "run3"], "the last two"
    assert at.selectbox(key=keys.DETAIL_RUN).value == "run3"
    (table,) = at.dataframe
    assert list(table.value["how it ended"]) == ["finished"] * 3
    # The user's own picks stay, here and after a visit to another page.
    at.multiselect(key=keys.COMPARE_RUNS).set_value(["run1", "run3"]).run()
    at.selectbox(key=keys.DETAIL_RUN).set_value("run1").run()
    at.switch_page("app_pages/image.py").run()
    at.switch_page("app_pages/training.py").run()
    assert at.multiselect(key=keys.COMPARE_RUNS).value == ["run1", "run3"]
    assert at.selectbox(key=keys.DETAIL_RUN).value == "run1"
    # A run that ends meanwhile joins the comparison and is shown in detail.
    store.add(token, made_up_run(4))
    at.run()
    assert at.multiselect(key=keys.COMPARE_RUNS).value == ["run1", "run3", "run4"]
    assert at.selectbox(key=keys.DETAIL_RUN).value == "run4"
    assert not at.exception
    store.forget(token)


def test_runs_table_says_percent_like_the_sidebar_and_never_none():
    """A browser adds nothing here: the table's values are what a person reads."""
    from dataclasses import replace

    from model.runs.messages import STOPPED

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.switch_page("app_pages/training.py").run()
    token = session_owner(at.session_state[keys.SESSION_HANDLE])  # AppTest: no browser token
    store = session_runs()
    finished = made_up_run(1)
    stopped = made_up_run(2)
    stopped = replace(
        stopped, status=STOPPED, end=replace(stopped.end, outcome=STOPPED, evaluation=None)
    )
    store.add(token, finished)
    store.add(token, stopped)
    at.run()
    assert not at.exception
    (table,) = at.dataframe
    accuracy = finished.end.evaluation.test_accuracy
    assert list(table.value["test accuracy"]) == [f"{accuracy:.2%}", "not tested"]
    at.selectbox(key=keys.DETAIL_RUN).set_value("run1").run()
    assert f"{accuracy:.2%}" in [m.value for m in at.metric if m.label == "Test accuracy"]
    store.forget(token)
