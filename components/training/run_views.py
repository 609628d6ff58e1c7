"""The Retrain page's views of this session's runs: table, overlaid curves, one run's details."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from components.common.chart_text import chart_with_summary
from components.common.handover import open_on_draw_page
from components.common.pictures import thumbnail
from components.training import keys
from components.training.charts import (
    Curves,
    confusion_figure,
    confusion_text,
    overlay_figure,
    overlay_text,
    per_class_figure,
    per_class_text,
    same_as,
)
from components.training.recipe_form import recipe_summary
from components.training.run_actions import run_actions
from components.training.run_store import run_label
from model.network.assessment import compare, confusion_matrix, per_class_accuracy, worst_mistakes
from model.runs.messages import Evaluation
from model.runs.view import RunView, format_seconds

GALLERY_COLUMNS = 8
MISTAKES_SHOWN = 24
CHANGES_SHOWN = 8


def curves_of(view: RunView) -> Curves:
    batches = view.last.batches if view.last else 1
    return Curves(run_label(view), view.batch_loss, view.batch_accuracy, batches, view.epochs)


def follow_new_runs(history: list[RunView]) -> None:
    """Set the Retrain page's run pickers: as the user left them, plus any run that ended since.

    The pickers keep their values for the session (persist_state), while other
    pages are shown too; a new run joins the comparison and is detailed.
    """
    ids = [view.job.run_id for view in history]
    seen = st.session_state.get(keys.RUNS_SEEN)
    if seen is None:  # the first visit: the last two runs, the newest in detail
        compare, detail = ids[-2:], ids[-1]
    else:
        kept = st.session_state.get(keys.COMPARE_RUNS, ())
        detail = st.session_state.get(keys.DETAIL_RUN)
        new = [run_id for run_id in ids if run_id not in seen]
        compare = [run_id for run_id in kept if run_id in ids] + new
        detail = new[-1] if new or detail not in ids else detail
    st.session_state[keys.COMPARE_RUNS], st.session_state[keys.DETAIL_RUN] = compare, detail
    st.session_state[keys.RUNS_SEEN] = tuple(ids)


def runs_table(history: list[RunView]) -> None:
    rows = []
    for view in history:
        evaluation = view.end.evaluation if view.end else None
        rows.append(
            {
                "run": view.job.number,
                "preset": view.job.preset,
                # Text, so a run without a test says why rather than "None"; the same
                # percent as the sidebar's.
                "test accuracy": f"{evaluation.test_accuracy:.2%}" if evaluation else "not tested",
                "how it ended": view.ending_text(),
                "duration": format_seconds(view.end.train_seconds if view.end else 0),
                "recipe": recipe_summary(view.job.recipe),
                "tested on": evaluation.test_description if evaluation else "–",
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "run": st.column_config.NumberColumn(width="small"),
            "how it ended": st.column_config.TextColumn(width="medium"),
            "recipe": st.column_config.TextColumn(width="large"),
            "tested on": st.column_config.TextColumn(width="large"),
        },
    )


def compare_runs(history: list[RunView]) -> None:
    """Pick runs; their curves on one chart."""
    labels = {view.job.run_id: run_label(view) for view in history}
    chosen = st.multiselect(
        "Runs to compare",
        list(labels),
        format_func=labels.__getitem__,
        key=keys.COMPARE_RUNS,
        persist_state="session",  # still picked after a visit to another page
    )
    picked = [view for view in history if view.job.run_id in chosen and view.batch_loss]
    if len(picked) < 2:
        st.caption("Pick two or more runs that trained at least one batch to see them together.")
        return
    log_loss = st.toggle(
        "Loss on a log scale",
        value=True,
        key=keys.LOG_LOSS,
        persist_state="session",
        help="Each step up the axis is ten times the loss: a run that diverged, with a loss "
        "in the thousands, no longer flattens the others to zero.",
    )
    curves = [curves_of(view) for view in picked]
    chart_with_summary(
        overlay_figure(curves, log_loss),
        "the chosen runs' training loss and validation accuracy",
        overlay_text(curves),
        key=keys.OVERLAY_CHART,
    )
    for later, earlier in same_as(curves).items():
        st.caption(
            f"{curves[later].label} learned exactly as {curves[earlier].label} (the same "
            "recipe and seed): its dashed curves lie on top of the other's."
        )


def run_details(history: list[RunView]) -> None:
    """One run, chosen by the user: how it went, where it fails, what it changed."""
    labels = {view.job.run_id: run_label(view) for view in history}
    chosen = st.selectbox(
        "Run",
        list(labels)[::-1],
        format_func=labels.__getitem__,
        key=keys.DETAIL_RUN,
        persist_state="session",
    )
    view = next(v for v in history if v.job.run_id == chosen)
    st.markdown(f"**{run_label(view)}**: {view.status_text()}")
    st.caption(recipe_summary(view.job.recipe))
    evaluation = view.end.evaluation if view.end else None
    if evaluation is None:
        st.info(
            "This run did not finish, so it has no model and was not tested. "
            "The model that was active stayed active.",
            icon=":material/info:",
        )
        return
    run_id = view.job.run_id
    metric_col, action_col = st.columns([3, 2], gap="large")
    with metric_col:
        left, right = st.columns(2)
        left.metric("Test accuracy", f"{evaluation.test_accuracy:.2%}")
        right.metric("Test loss", f"{evaluation.test_loss:.4f}")
        st.caption(f"On the {evaluation.test_description}: digits it never trained on.")
    with action_col:
        run_actions(view, run_id)
    _confusion(evaluation)
    _mistakes(view, evaluation)
    _comparison(view, evaluation)


def _confusion(evaluation: Evaluation) -> None:
    st.subheader("Where it is right and wrong")
    confusion = confusion_matrix(evaluation.labels, evaluation.predicted)
    matrix_col, class_col = st.columns(2, gap="large")
    with matrix_col:
        chart_with_summary(
            confusion_figure(confusion),
            "true digit against predicted digit",
            confusion_text(confusion),
            key="confusion",
        )
        st.caption(
            "Each row is a true digit, each column what the model said: the diagonal is "
            "right, everything else a mistake. Hover for the counts."
        )
    with class_col:
        accuracy = per_class_accuracy(confusion)
        chart_with_summary(
            per_class_figure(accuracy, confusion.sum(axis=1)),
            "accuracy for each true digit",
            per_class_text(accuracy, confusion.sum(axis=1)),
            key="per_class",
        )
        worst = int(np.nanargmin(accuracy))
        st.caption(f"Hardest digit for this model: {worst} ({accuracy[worst]:.1%} right).")


def _open_on_draw_page(view: RunView, evaluation: Evaluation, index: int) -> None:
    """Show test digit `index` on the draw page with its true label, read by this run's model."""
    path = view.end.model_path if view.end else None
    said = f"{evaluation.predicted[index]} ({evaluation.confidence[index]:.0%})"
    if path and Path(path).exists():
        read_by = (
            f"Read by run {view.job.number}'s model, which Open made the active model (see "
            f"the sidebar). On the Retrain page it said {said}."
        )
    else:
        path = None
        read_by = (
            f"Run {view.job.number}'s model is no longer kept, so the active model reads it. "
            f"Run {view.job.number} said {said}."
        )
    open_on_draw_page(
        evaluation.digits[index],
        int(evaluation.labels[index]),
        f"test digit #{index:,} of the {evaluation.test_description}",
        model=path,
        read_by=read_by,
    )


def _gallery(view: RunView, indices: np.ndarray, captions: list[str], gallery: str) -> None:
    evaluation, run_id = view.end.evaluation, view.job.run_id
    shown = [i for i in indices.tolist() if i in evaluation.digits]
    for start in range(0, len(shown), GALLERY_COLUMNS):
        for column, index in zip(
            st.columns(GALLERY_COLUMNS), shown[start : start + GALLERY_COLUMNS], strict=False
        ):
            with column:
                caption = captions[indices.tolist().index(index)]
                st.image(
                    thumbnail(evaluation.digits[index], 84),
                    alt=f"Test digit #{index}: {caption}",
                    output_format="PNG",
                )
                st.caption(caption)
                key = keys.open_button(gallery, run_id, index)
                if st.button("Open", key=key, help="Open it on the draw page"):
                    _open_on_draw_page(view, evaluation, index)


def _mistakes(view: RunView, evaluation: Evaluation) -> None:
    wrong = int(np.sum(evaluation.labels != evaluation.predicted))
    st.subheader(f"Its mistakes: {wrong:,} of {len(evaluation.labels):,} test digits")
    picked = worst_mistakes(
        evaluation.labels, evaluation.predicted, evaluation.confidence, MISTAKES_SHOWN
    )
    st.caption(
        "The most confident mistakes first. Open one to see it on the draw page, with "
        "every layer's view of it."
    )
    captions = [
        f"true {evaluation.labels[i]} → {evaluation.predicted[i]} ({evaluation.confidence[i]:.0%})"
        for i in picked
    ]
    _gallery(view, picked, captions, keys.MISTAKES_GALLERY)


def _comparison(view: RunView, evaluation: Evaluation) -> None:
    previous = evaluation.previous
    st.subheader("Against the model that was active before")
    if previous is None:
        st.info(f"No comparison: {evaluation.previous_error}.", icon=":material/info:")
        return
    result = compare(evaluation.labels, evaluation.predicted, previous.predicted)
    left, middle, right = st.columns(3)
    left.metric(
        f"Accuracy vs {previous.label}",
        f"{result.new_accuracy:.2%}",
        f"{result.difference * 100:+.2f} points",
        help=f"{previous.label}: {result.old_accuracy:.2%} on the same digits.",
    )
    middle.metric("Fixed", f"{len(result.fixed):,}", help=f"{previous.label} wrong, new right")
    right.metric("Broken", f"{len(result.broken):,}", help=f"{previous.label} right, new wrong")
    st.caption(
        f"On the same {len(evaluation.labels):,} test digits; {result.changed:,} answers changed."
    )
    for title, indices, gallery in (
        (
            f"Fixed: {previous.label} was wrong, the new model is right",
            result.fixed,
            keys.FIXED_GALLERY,
        ),
        (
            f"Broken: {previous.label} was right, the new model is wrong",
            result.broken,
            keys.BROKEN_GALLERY,
        ),
    ):
        if len(indices):
            st.markdown(f"**{title}**")
            chosen = indices[:CHANGES_SHOWN]
            captions = [
                f"true {evaluation.labels[i]}: was {previous.predicted[i]}, now "
                f"{evaluation.predicted[i]}"
                for i in chosen
            ]
            _gallery(view, chosen, captions, gallery)
