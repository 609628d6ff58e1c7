"""The sidebar's training section, on every page: recipe, Train and Stop, live progress, result.

The training itself runs in the run manager's worker processes; this code only
reads snapshots of it. While a run is on anywhere on the server, the controls
are an `st.fragment` that reruns every second on its own, so progress moves
while the rest of the page (a drawing, say) is left alone.
"""

from __future__ import annotations

import uuid

import streamlit as st

from components.common.active_model import active_model_name
from components.common.chart_text import chart_with_summary
from components.digits.recipe_options import job_fields
from components.training import keys
from components.training.charts import Curves, curves_text, live_curves_figure
from components.training.recipe_form import (
    checked_recipe,
    current_recipe_values,
    data_words,
    recipe_form,
    recipe_summary,
)
from components.training.run_actions import run_actions
from components.training.run_store import (
    active_run,
    collect_ended_run,
    model_folder,
    model_name,
    next_run_number,
    owner,
    pin_owner_for_a_run,
    run_manager,
    runs,
)
from model.network.assessment import accuracy
from model.runs.manager import RunRefused
from model.runs.messages import FINISHED, STOPPED, RunJob
from model.runs.view import WAITING, RunView, format_seconds

POLL_S = 1.0  # progress redraws per second while a run is on
# While the worker loads the digits, every open tab ticks, and each tick costs the
# browser a redraw of the page: at one a second, five tabs slowed a 49-megapixel
# upload's page by seconds. The recipe may appear a few seconds late instead.
WARMING_POLL_S = 3.0
# The live panel reruns the whole app when what the app run drew is out of date: this
# session's run ended (the picker lists its model), or a run started or ended anywhere
# (the buttons and the ticking follow). Never on its first ticks after an app run: a
# whole-app st.rerun() from a fragment can leave the page's widgets showing their
# defaults while the script keeps its values (streamlit/streamlit#11266; seen here with
# streamlit 1.67.0, the pen width back at 6 and no input chosen after a long first run;
# the draw page's two now have those values as their own defaults, see
# components/draw/canvas.py), and ticks asked for during a long app run come right after
# it. A later tick does it instead, a second or two later.
# Not when the digits have loaded: the panel shows that itself. A recipe switch clicked
# about when they loaded stayed off in a browser test at a person's pace, most likely
# that same fault. The panel then goes on ticking every WARMING_POLL_S until the page's
# next app run.
SETTLE_TICKS = 2


def training_sidebar() -> None:
    manager = run_manager()
    manager.heartbeat(owner())
    with st.sidebar:
        st.divider()
        st.subheader("Train a new model")
        data = manager.data_info()
        with st.expander("Recipe", expanded=False):
            recipe_form(data)
        # The picker above collected a run that had ended by then; one that ended since
        # is collected here, and the whole app reruns so that the picker lists its model.
        if collect_ended_run():
            st.rerun()
        mine = active_run()
        _buttons(mine)
        # An own run that ended a moment ago still ticks once, to be collected.
        running = bool(st.session_state.get(keys.ACTIVE_RUN)) or bool(manager.activity())
        warming = data is None and manager.data_error() is None
        # The fragments hold no widgets: a click on a widget that a ticking fragment is
        # redrawing can be lost. Each sits in a container of its own, so redrawing one
        # never touches the other. Re-registered on every app run: it ticks only
        # while something is training, or while the worker loads the digits.
        with st.container():
            poll = POLL_S if running else WARMING_POLL_S if warming else None
            st.session_state[keys.LIVE_TICKS] = 0
            st.fragment(_live, run_every=poll)(running)
        with st.container():
            st.fragment(_latest_result)()


def _buttons(mine: RunView | None) -> None:
    """Train and Stop. A click reruns the whole app, which then starts or stops the ticking."""
    stopping = mine is not None and mine.stop_reason is not None
    train_col, stop_col = st.columns(2)
    train_col.button(
        "Train",
        key=keys.TRAIN_BUTTON,
        type="primary",
        icon=":material/play_arrow:",
        disabled=mine is not None,
        on_click=_press_train,
        width="stretch",
    )
    stop_col.button(
        "Stop",
        key=keys.STOP_BUTTON,
        icon=":material/stop:",
        disabled=mine is None or stopping,
        on_click=_press_stop,
        width="stretch",
    )
    message = st.session_state.pop(keys.TRAIN_MESSAGE, None)
    if message:
        kind, text = message
        (st.error if kind == "error" else st.warning)(text, icon=":material/block:")


def _press_train() -> None:
    collect_ended_run()  # before a new run takes its place
    preset, values = current_recipe_values()
    manager = run_manager()
    recipe = checked_recipe(values, manager.data_info())
    if isinstance(recipe, list):
        st.session_state[keys.TRAIN_MESSAGE] = ("error", " ".join(recipe))
        return
    active = active_model_name()
    mine = job_fields(active, model_folder())
    if isinstance(mine, str):
        st.session_state[keys.TRAIN_MESSAGE] = ("error", mine)
        return
    preset = mine.pop("preset", preset)
    job = RunJob(
        run_id=uuid.uuid4().hex[:12],
        number=next_run_number(),
        preset=preset,
        recipe=recipe,
        out_path=str(model_folder() / f"run-{uuid.uuid4().hex[:8]}.keras"),
        previous_model=active,
        previous_label=model_name(active),
        **mine,
    )
    try:
        view = manager.submit(pin_owner_for_a_run(), job)
    except RunRefused as err:
        st.session_state[keys.TRAIN_MESSAGE] = ("warning", str(err))
        return
    st.session_state[keys.ACTIVE_RUN] = view.job.run_id


def _press_stop() -> None:
    mine = active_run()
    if mine is not None:
        run_manager().stop(owner(), mine.job.run_id)


def _live(was_running: bool) -> None:
    """Where the runs are: this session's, or another session's that it would wait for.

    Every tick is also this session's heartbeat: a run whose tab stops ticking is stopped.
    The panel's one way out is a whole-app rerun, when what the app run drew is out of
    date (see SETTLE_TICKS).
    """
    manager = run_manager()
    manager.heartbeat(owner())
    data, error = manager.data_info(), manager.data_error()
    ticks = st.session_state[keys.LIVE_TICKS] = st.session_state.get(keys.LIVE_TICKS, 0) + 1
    ended = collect_ended_run()
    mine = active_run()
    others = [view for view in manager.activity() if mine is None or view.job != mine.job]
    changed = (mine is not None or bool(others)) != was_running
    if (ended or changed) and ticks > SETTLE_TICKS:
        st.rerun()  # the whole app: the picker, the buttons, the result and the ticking follow
    data_words(data, error)
    if mine is not None:
        _progress(mine, mine.stop_reason is not None)
    elif others:
        _others(others, manager.workers)


def _others(others: list[RunView], workers: int) -> None:
    """Other people's runs: the first training, how many train and wait, what Train would do."""
    training = [view for view in others if view.status != WAITING]
    waiting = len(others) - len(training)
    first = training[0] if training else others[0]
    more = [f"{len(training) - 1} more training"] if len(training) > 1 else []
    more += [f"{waiting} waiting"] if waiting else []
    pace = f"{workers} runs train at once" if workers > 1 else "One run trains at a time"
    then = (
        "yours starts at once"
        if len(training) < workers and not waiting
        else f"yours waits in line, number {waiting + 1}"
    )
    st.info(
        f"Another session is training ({first.job.preset}, {first.status_text()}, "
        f"{first.fraction:.0%} done)"
        + (f", and {' and '.join(more)}" if more else "")
        + f". {pace}: if you press Train, {then}.",
        icon=":material/hourglass_top:",
    )
    st.progress(first.fraction)


def _progress(view: RunView, stopping: bool) -> None:
    with st.container(key=keys.TRAIN_PROGRESS_BOX):
        status = "stopping…" if stopping and not view.ended else view.status_text()
        st.markdown(f"**Run {view.job.number}** ({view.job.preset}): {status}")
        st.progress(view.fraction, text=f"{view.fraction:.0%} of all batches of all epochs")
        if view.started_at is not None:
            eta = view.eta_s
            st.caption(
                f"Elapsed {format_seconds(view.elapsed_s)}"
                + (f" · about {format_seconds(eta)} left" if eta is not None else "")
            )
        if view.batch_loss and view.last is not None:
            curves = Curves(
                f"run {view.job.number}",
                view.batch_loss,
                view.batch_accuracy,
                view.last.batches,
                view.epochs,
            )
            chart_with_summary(
                live_curves_figure(curves, view.job.recipe.epochs, height=300),
                f"run {view.job.number}'s loss and accuracy so far",
                curves_text(curves),
                key="live_curves",
            )
        st.caption(recipe_summary(view.job.recipe))


def _latest_result() -> None:
    """This browser's last run: its test accuracy and what to do with it, or how it ended."""
    history = runs()
    if not history:
        return
    view = history[-1]
    with st.container(key=keys.TRAIN_RESULT_BOX, border=True):
        evaluation = view.end.evaluation if view.end else None
        if view.status in (FINISHED, STOPPED) and evaluation is not None:
            how = "finished" if view.status == FINISHED else view.status_text()
            st.markdown(
                f"**Run {view.job.number}** ({view.job.preset}) {how}.  \n"
                f"Test accuracy: {evaluation.test_accuracy:.2%} · test loss "
                f"{evaluation.test_loss:.4f}"
            )
            st.caption(
                f"On the {evaluation.test_description}, never seen in training. "
                f"Trained for {format_seconds(view.end.train_seconds)}."
            )
            if evaluation.previous is not None:
                new = evaluation.test_accuracy
                old = accuracy(evaluation.labels, evaluation.previous.predicted)
                st.caption(
                    f"{evaluation.previous.label} on the same digits: {old:.2%} "
                    f"({(new - old) * 100:+.2f} points for the new model)."
                )
            run_actions(view)
        else:
            st.markdown(f"**Run {view.job.number}** ({view.job.preset}): {view.status_text()}.")
            st.caption(
                f"The active model is still {model_name(active_model_name())}: a run that "
                "did not finish "
                "never replaces it."
            )
        st.page_link(
            "app_pages/training.py",
            label="Details on the Retrain page",
            icon=":material/model_training:",
        )
