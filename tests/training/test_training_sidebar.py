"""AppTest: the training sidebar turns its widgets into a run, and a run into a model.

Runs really train, in the app's own worker process, on MNIST_PATH when it is
set, else on the bundled sample (conftest.py turns the Keras download off), cut
to 1,000 digits and 1 epoch. Expected words come from the data the worker
reported, so the tests hold for either source.
"""

import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.common import keys as common_keys
from components.draw import keys as draw_keys
from components.training import keys
from components.training.run_store import run_manager
from model.runs.worker_process import WORKERS_ENV
from model.training.recipes import Recipe
from tests.conftest import APP_TIMEOUT_S, ROOT

RUN_TIMEOUT_S = 600  # the first run waits for the worker to load TensorFlow


def open_app(page: str = "app_pages/training.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.switch_page(page)
    return at.run()


def sidebar_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error")
        for e in at.sidebar.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def wait_until(at: AppTest, condition, timeout: float = RUN_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition(at):
        assert time.monotonic() < deadline, sidebar_text(at)
        assert not at.exception, at.exception
        time.sleep(1)
        at.run()


@pytest.fixture
def own_manager():
    """A run manager of this test's own (a fresh worker), closed after it: no test leaves
    a run, a worker or a changed setting behind for the next."""
    run_manager.clear()
    yield
    run_manager.clear()


@pytest.mark.slow
@pytest.mark.usefixtures("own_manager")
def test_sidebar_values_become_the_recipe():
    at = open_app()
    assert at.number_input(key=keys.TRAIN_EPOCHS).value == 5, "defaults: the seed recipe"
    at.selectbox(key=keys.TRAIN_PRESET).set_value("robust").run()
    assert at.number_input(key=keys.TRAIN_EPOCHS).value == 30, "a preset loads its recipe"
    assert at.selectbox(key=keys.TRAIN_OPTIMIZER).value == "adam"
    at.number_input(key=keys.TRAIN_EPOCHS).set_value(2)
    at.number_input(key=keys.TRAIN_BATCH_SIZE).set_value(32)
    at.selectbox(key=keys.TRAIN_OPTIMIZER).set_value("sgd")
    at.number_input(key=keys.TRAIN_LEARNING_RATE).set_value(0.0)
    at.toggle(key=keys.TRAIN_AUGMENT).set_value(False)
    at.number_input(key=keys.TRAIN_DIGITS).set_value(1000)
    at.number_input(key=keys.TRAIN_SEED).set_value(7)
    at.button(key=keys.TRAIN_BUTTON).click().run()
    # A bad value is refused in words, and nothing starts.
    assert any("Learning rate must be above 0" in e.value for e in at.sidebar.error)
    assert keys.ACTIVE_RUN not in at.session_state or not at.session_state[keys.ACTIVE_RUN]
    at.number_input(key=keys.TRAIN_LEARNING_RATE).set_value(0.01)
    at.button(key=keys.TRAIN_BUTTON).click().run()
    run_id = at.session_state[keys.ACTIVE_RUN]
    view = run_manager().view(run_id)
    assert view.job.preset == "robust"
    assert view.job.recipe == Recipe(
        epochs=2,
        batch_size=32,
        optimizer="sgd",
        learning_rate=0.01,
        augment=False,
        train_size=1000,
        seed=7,
        schedule="cosine",
    )
    assert view.job.previous_model == "default"
    at.button(key=keys.STOP_BUTTON).click().run()
    # Two epochs on 1,000 digits can end before the Stop click reaches the worker on a fast
    # CPU; either way the run ends and the active model stays. Stopping a long run from the
    # sidebar is tested in test_a_run_started_before_the_browser_was_known_is_the_browser_s_once_it_is.
    wait_until(at, lambda at: "stopped" in sidebar_text(at) or "finished" in sidebar_text(at))
    assert at.session_state[common_keys.ACTIVE_MODEL] == "default"


@pytest.mark.slow
@pytest.mark.usefixtures("own_manager")
def test_a_tab_that_stops_rerunning_has_its_run_stopped():
    """A closed tab sends no more heartbeats: its sidebar no longer ticks."""
    at = open_app()
    at.number_input(key=keys.TRAIN_EPOCHS).set_value(50)
    at.number_input(key=keys.TRAIN_DIGITS).set_value(1000)
    at.button(key=keys.TRAIN_BUTTON).click().run()
    run_id = at.session_state[keys.ACTIVE_RUN]
    manager = run_manager()
    wait_until(at, lambda at: manager.view(run_id).status == "training")
    manager.heartbeat_timeout_s = 3.0  # the app's is 45 s; the rule is the same
    # The tab is "closed": no more app runs, so no more heartbeats.
    deadline = time.monotonic() + 60
    while not manager.view(run_id).ended:
        assert time.monotonic() < deadline, manager.view(run_id).status_text()
        time.sleep(0.5)
    assert manager.view(run_id).status == "stopped"
    # Were the tab to come back, it would say what happened, and the model is unchanged.
    at.run()
    assert "stopped after" in sidebar_text(at) and "browser tab stopped answering" in (
        sidebar_text(at)
    )
    assert at.session_state[common_keys.ACTIVE_MODEL] == "default"


@pytest.fixture(scope="module")
def trained():
    """One session that trained one epoch; a second session watched it, with one worker."""
    run_manager.clear()  # a manager of this module's own, closed after it
    old_workers = os.environ.get(WORKERS_ENV)
    os.environ[WORKERS_ENV] = "1"  # so that the second session's run waits in line
    at, other = open_app(), open_app()
    at.number_input(key=keys.TRAIN_EPOCHS).set_value(1)
    at.number_input(key=keys.TRAIN_DIGITS).set_value(1000)
    at.button(key=keys.TRAIN_BUTTON).click().run()
    # What a second user sees meanwhile, and what their Train press does.
    other.run()
    seen_by_other = sidebar_text(other)
    other.button(key=keys.TRAIN_BUTTON).click().run()
    queued = sidebar_text(other)
    assert "waiting: number 1 in line" in queued, queued
    other.button(key=keys.STOP_BUTTON).click().run()
    wait_until(at, lambda at: "Test accuracy:" in sidebar_text(at))
    # Tests below change `at` (a model used, another page): what held right after the
    # run is kept here, so each test passes in any order.
    active_after_run = at.session_state[common_keys.ACTIVE_MODEL]
    yield at, seen_by_other, queued, active_after_run
    run_manager.clear()
    if old_workers is None:
        del os.environ[WORKERS_ENV]
    else:
        os.environ[WORKERS_ENV] = old_workers


@pytest.mark.slow
def test_a_one_epoch_run_gives_a_result(trained):
    at, _, _, active_after_run = trained
    at.switch_page("app_pages/training.py").run()
    text = sidebar_text(at)
    data = run_manager().data_info()  # what the worker loaded: MNIST_PATH or the sample
    assert f"Data:** {data.words}" in text
    (box,) = [m.value for m in at.sidebar.markdown if "Test accuracy:" in m.value]
    assert "Run 1** (seed) finished" in box
    accuracy = float(box.split("Test accuracy: ")[1].split("%")[0]) / 100
    assert 0.5 < accuracy < 1.0, "one epoch on 1,000 real digits learns something"
    assert data.test_description in text
    options = at.selectbox(key=keys.MODEL_PICKER).options
    assert any("run 1: seed" in o and "this browser, not saved" in o for o in options), options
    assert active_after_run == "default", "a new model is not used unasked"
    # The Retrain page shows the run, its confusion matrix and the comparison.
    assert not at.exception
    assert len(at.dataframe) == 1
    assert any(m.label == "Test accuracy" for m in at.metric)
    assert any(m.label.startswith("Accuracy vs default") for m in at.metric)


@pytest.mark.slow
def test_a_second_user_sees_the_run_and_waits_in_line(trained):
    _, seen_by_other, queued, _ = trained
    assert "Another session is training (seed" in seen_by_other
    assert "One run trains at a time: if you press Train, yours waits in line" in seen_by_other
    assert "waiting: number 1 in line" in queued


@pytest.mark.slow
def test_use_this_model_is_for_this_session_only(trained):
    at, *_ = trained
    # From the shipped model, whatever the tests before made active (Open makes the run's).
    at.selectbox(key=keys.MODEL_PICKER).set_value("default").run()
    assert at.session_state[common_keys.ACTIVE_MODEL] == "default"
    at.button(key=keys.USE_MODEL_BUTTON).click().run()
    path = at.session_state[common_keys.ACTIVE_MODEL]
    assert path.endswith(".keras") and at.session_state[keys.MODEL_PICKER] == path
    at.switch_page("app_pages/draw.py").run()
    assert not at.exception
    assert any("your retrained model **run 1**" in c.value for c in at.caption)
    # Another browser session still runs the shipped model.
    other = open_app("app_pages/draw.py")
    assert other.session_state[common_keys.ACTIVE_MODEL] == "default"
    assert any("shipped model **default**" in c.value for c in other.caption)


@pytest.mark.slow
def test_a_mistake_opens_on_the_draw_page(trained):
    at, *_ = trained
    at.switch_page("app_pages/training.py").run()
    opens = [b for b in at.button if b.key and b.key.startswith("mistake_")]
    assert opens, "the gallery shows the model's mistakes"
    index = int(opens[0].key.rsplit("_", 1)[1])
    opens[0].click().run()
    assert not at.exception
    opened = at.session_state[common_keys.OPENED_TEST_DIGIT]
    test_set = run_manager().data_info().test_description
    assert opened["origin"] == f"test digit #{index:,} of the {test_set}"
    assert at.session_state[draw_keys.DIGIT_SOURCE] == "sample"
    # The draw page predicts it, next to its true label, with the run's own model.
    assert any(f"true label **{opened['label']}**" in m.value for m in at.markdown)
    active = Path(at.session_state[common_keys.ACTIVE_MODEL])
    assert active.parent == at.session_state[keys.SESSION_HANDLE].folder  # the run's model
    assert any("Read by run 1's model" in c.value for c in at.caption)


class _LoadedManager:
    """A run manager whose worker has finished loading (here: failed to load) the digits."""

    def heartbeat(self, session: str) -> None:
        pass

    def data_info(self):
        return None

    def data_error(self) -> str:
        return "The digits could not be loaded."

    def activity(self) -> list:
        return []

    def collect(self, owner: str) -> list:
        return []

    def active_of(self, owner: str) -> None:
        return None


def _live_panel_script() -> None:
    import streamlit as st

    from components.training import sidebar as training_panel

    # As in the app: the panel ticks while the digits load; each run here stands for a tick.
    st.session_state.runs = st.session_state.get("runs", 0) + 1
    training_panel._live(False)


def test_live_panel_shows_the_digits_loaded_without_rerunning_the_app(monkeypatch):
    # A whole-app rerun from the panel can leave the page's widgets showing their
    # defaults: a recipe switch clicked about when the digits loaded stayed off. The
    # panel says itself that they loaded (here: failed to), tick after tick.
    from components.training import sidebar as training_panel

    monkeypatch.setattr(training_panel, "run_manager", _LoadedManager)
    at = AppTest.from_function(_live_panel_script, default_timeout=APP_TIMEOUT_S)
    for tick in (1, 2, 3, 4):
        at.run()
        assert not at.exception
        assert at.session_state.runs == tick, "no whole-app rerun when the digits load"
        assert "could not be loaded" in "\n".join(e.value for e in at.error)


def _recipe_form_script() -> None:
    from components.training.recipe_form import recipe_form
    from model.runs.messages import DataInfo

    recipe_form(DataInfo("MNIST from MNIST_PATH", 24_345, 10_000, "official MNIST test set"))


def test_a_quick_robust_run_is_warned_that_batch_norm_will_not_settle():
    at = AppTest.from_function(_recipe_form_script, default_timeout=APP_TIMEOUT_S).run()

    def warned(at: AppTest) -> str:
        return " ".join(c.value for c in at.caption if "batch normalisation" in c.value)

    at.button(key=f"{keys.CLASS_RECIPE_BUTTON}_quick").click().run()
    assert not warned(at), "the seed network has no batch normalisation"
    at.selectbox(key=keys.TRAIN_PRESET).set_value("robust").run()
    assert not warned(at), "the robust recipe takes thousands of steps"
    at.button(key=f"{keys.CLASS_RECIPE_BUTTON}_quick").click().run()
    assert "This run takes 8 training steps" in warned(at)
    assert not at.exception


@pytest.mark.slow
@pytest.mark.usefixtures("own_manager")
def test_a_run_started_before_the_browser_was_known_is_the_browser_s_once_it_is(tmp_path):
    # Train pressed in a new browser's first moment, before its token arrived (AppTest
    # sends none: it is handed to the session below as the component would).
    from components.common.browser import WIDGET_KEY

    token = {"token": "5e" * 16}
    at = open_app()
    at.number_input(key=keys.TRAIN_EPOCHS).set_value(50)
    at.number_input(key=keys.TRAIN_DIGITS).set_value(1000)
    at.number_input(key=keys.TRAIN_BATCH_SIZE).set_value(8)
    at.button(key=keys.TRAIN_BUTTON).click().run()
    assert at.session_state[keys.ACTIVE_RUN]
    at.session_state[WIDGET_KEY] = token
    at.run()
    assert not at.exception
    # A reload: a new session of the same browser, which knows the token at once.
    reloaded = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    reloaded.switch_page("app_pages/training.py")
    reloaded.session_state[WIDGET_KEY] = token
    reloaded.run()
    assert reloaded.session_state[keys.ACTIVE_RUN] == at.session_state[keys.ACTIVE_RUN]
    reloaded.button(key=keys.STOP_BUTTON).click().run()
    wait_until(reloaded, lambda at: "stopped" in sidebar_text(at))
    assert not reloaded.exception


@pytest.mark.slow
@pytest.mark.usefixtures("own_manager")
def test_a_handed_over_run_s_model_is_kept_in_the_browser_s_folder():
    from components.common.browser import WIDGET_KEY
    from components.training.run_store import browser_store

    token = {"token": "7a" * 16}
    at = open_app()
    at.number_input(key=keys.TRAIN_EPOCHS).set_value(1)
    at.number_input(key=keys.TRAIN_DIGITS).set_value(1000)
    at.button(key=keys.TRAIN_BUTTON).click().run()
    at.session_state[WIDGET_KEY] = token  # the token arrives while the run trains
    wait_until(at, lambda at: "Test accuracy:" in sidebar_text(at))
    folder = browser_store().folder(token["token"])
    kept = [str(p) for p in folder.glob("*.keras")]
    assert len(kept) == 1, "the run's model moved from the session's folder to the browser's"
    options = at.selectbox(key=keys.MODEL_PICKER).options
    assert any(o.startswith("run 1: seed") and "this browser" in o for o in options), options
    assert not at.exception


def _small_data_recipe_form_script() -> None:
    from components.training.recipe_form import recipe_form
    from model.runs.messages import DataInfo

    recipe_form(DataInfo("bundled sample (5,600 digits)", 4_000, 1_600, "the sample's test set"))


def test_a_class_recipe_asking_for_more_digits_than_there_are_takes_them_all():
    at = AppTest.from_function(_small_data_recipe_form_script, default_timeout=APP_TIMEOUT_S).run()
    at.button(key=f"{keys.CLASS_RECIPE_BUTTON}_short").click().run()
    assert at.number_input(key=keys.TRAIN_DIGITS).value == 3_600  # 4,000 less 400 held out
    assert at.number_input(key=keys.TRAIN_EPOCHS).value == 2
    assert not at.exception


def _small_source_form_script() -> None:
    from components.training.recipe_form import recipe_form
    from model.runs.messages import DataInfo

    # The bundled sample: 4,000 training digits, 3,600 to train on.
    recipe_form(DataInfo("bundled sample (5,000 digits)", 4_000, 1_000, "sample test digits"))


def test_start_from_the_active_model_on_a_small_source_trains_on_all_it_has():
    from components.digits import keys as digits_keys
    from model.mine.mixing import FINE_TUNE_RECIPE

    at = AppTest.from_function(_small_source_form_script, default_timeout=APP_TIMEOUT_S).run()
    at.toggle(key=digits_keys.TRAIN_FINE_TUNE).set_value(True).run()
    assert not at.exception
    assert FINE_TUNE_RECIPE["train_size"] > 3_600
    assert at.session_state[keys.TRAIN_DIGITS] is None, "all 3,600, not a refusal at Train"
    assert at.session_state[keys.TRAIN_EPOCHS] == FINE_TUNE_RECIPE["epochs"]
