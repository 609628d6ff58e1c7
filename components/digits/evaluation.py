"""The active model on my digits, and what the last run with them did: numbers, then pictures.

The digits are read as the draw page reads a drawing (as prepared and sheared
upright, averaged), so a digit the draw page got right counts as right here.
The charts are the Retrain page's own (components/training/charts.py).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.common.chart_text import chart_with_summary
from components.common.pictures import thumbnail
from components.digits import keys
from components.training.charts import (
    confusion_figure,
    confusion_text,
    per_class_figure,
    per_class_text,
)
from model.mine.collection import TOO_FEW, MyDigits
from model.mine.mixing import MyScores
from model.network.assessment import accuracy, confusion_matrix, per_class_accuracy
from model.network.inference import DigitClassifier
from model.preprocess.reading import read_inputs
from model.runs.messages import Evaluation

MISREAD_SHOWN = 24
COLUMNS = 8


def my_evaluation(classifier: DigitClassifier, model_label: str, mine: MyDigits) -> None:
    probabilities = read_inputs(classifier, mine.x.astype(np.float32) / 255)
    predicted = probabilities.argmax(axis=1)
    with st.container(key=keys.MY_EVALUATION_BOX):
        held = mine.held_out
        left, right = st.columns(2)
        left.metric("On all your digits", f"{accuracy(mine.y, predicted):.0%}")
        right.metric(
            "On your held-out digits",
            f"{accuracy(mine.y[held], predicted[held]):.0%}" if held.any() else "–",
        )
        st.caption(
            f"How often {model_label} reads your digits right. The held-out ones (one in five "
            "of each digit, from the second on) never train a model, so after training with "
            "your digits they still say how it reads digits it has not seen."
        )
        confusion = confusion_matrix(mine.y, predicted)
        matrix_col, class_col = st.columns(2, gap="large")
        with matrix_col:
            chart_with_summary(
                confusion_figure(confusion),
                "your digits: true digit against predicted digit",
                confusion_text(confusion),
                key="my_confusion",
            )
        class_accuracy = per_class_accuracy(confusion)
        counts = confusion.sum(axis=1)
        shown = np.where(counts >= TOO_FEW, class_accuracy, np.nan)
        with class_col:
            chart_with_summary(
                per_class_figure(shown, counts),
                "your digits: accuracy for each true digit",
                per_class_text(shown, counts),
                key="my_per_class",
            )
        class_col.caption(
            f"Digits with fewer than {TOO_FEW} examples are left out: too few to say."
        )
        wrong = np.flatnonzero(predicted != mine.y)
        confidence = probabilities.max(axis=1)
        wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:MISREAD_SHOWN]
        st.markdown(f"**Misread: {int(np.sum(predicted != mine.y))} of {len(mine)}**")
        _pictures(
            mine.x[wrong],
            [f"{mine.y[i]} read as {predicted[i]} ({confidence[i]:.0%})" for i in wrong],
        )


def _pictures(digits: np.ndarray, captions: list[str]) -> None:
    for start in range(0, len(digits), COLUMNS):
        for column, index in zip(
            st.columns(COLUMNS), range(start, min(start + COLUMNS, len(digits))), strict=False
        ):
            column.image(thumbnail(digits[index], 84), output_format="PNG")
            column.caption(captions[index])


def run_before_after(run_label: str, evaluation: Evaluation) -> None:
    """A run that trained with my digits: my held-out digits and the test set, before and after."""
    scores: MyScores = evaluation.mine
    previous = evaluation.previous
    with st.container(key=keys.MY_RUN_BOX, border=True):
        st.markdown(f"**{run_label}**: trained with {scores.trained} of your digits")
        mine_col, test_col = st.columns(2, gap="large")
        before = scores.accuracy_before
        after = scores.accuracy_after
        with mine_col:
            if after is None:
                st.metric("Your held-out digits", "–")
                st.caption("None of your digits is held out yet: keep two or more of a digit.")
            else:
                st.metric(
                    "Your held-out digits",
                    f"{after:.0%}",
                    f"{(after - before) * 100:+.0f} points" if before is not None else None,
                    help=f"Before: {before:.0%}" if before is not None else None,
                )
                st.caption(
                    f"Before {_pct(before)}, after {after:.0%}, on {len(scores.labels)} of your "
                    "digits that did not train: how much better it reads your handwriting."
                )
        with test_col:
            old = accuracy(evaluation.labels, previous.predicted) if previous else None
            new = evaluation.test_accuracy
            st.metric(
                "Official test digits",
                f"{new:.2%}",
                f"{(new - old) * 100:+.2f} points" if old is not None else None,
                help=f"Before: {old:.2%}" if old is not None else None,
            )
            st.caption(
                f"Before {_pct(old, 2)}, after {new:.2%}, on the {evaluation.test_description}: "
                "whether learning your handwriting made it forget MNIST's."
            )


def _pct(value: float | None, places: int = 0) -> str:
    return "unknown" if value is None else f"{value:.{places}%}"
