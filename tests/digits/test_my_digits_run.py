"""A run with my digits, in this process: fine-tuned from the active model, scored before and after."""

import threading
from dataclasses import replace

import numpy as np
import pytest

from model.files.cards import read_card
from model.mine.collection import MyDigits
from model.mine.files import digits_npz
from model.runs.messages import FINISHED, RunJob
from model.runs.worker import execute
from model.training.recipes import Recipe
from tests.helpers import tiny_mnist

pytestmark = pytest.mark.slow  # trains


def test_a_fine_tune_with_my_digits_scores_my_held_out_digits_before_and_after(tmp_path):
    data = tiny_mnist(n_train=300)
    # "My" digits: MNIST digits turned upside down, which the shipped model misreads.
    rng = np.random.default_rng(0)
    picked = rng.choice(len(data.x_train), 60, replace=False)
    mine = MyDigits.empty().added(data.x_train[picked][:, ::-1, ::-1], data.y_train[picked])
    path = tmp_path / "mine.npz"
    path.write_bytes(digits_npz(mine))
    job = RunJob(
        run_id="r1",
        number=1,
        preset="robust",  # the worker fine-tunes the active model's own network instead
        recipe=Recipe(epochs=3, batch_size=32, optimizer="adam", learning_rate=0.001),
        out_path=str(tmp_path / "r1.keras"),
        previous_model="seed",
        previous_label="seed",
        my_digits=str(path),
        fine_tune=True,
    )
    messages = []
    execute(job, data, messages.append, threading.Event())
    end = messages[-1][1]
    assert end.outcome == FINISHED, end.reason
    scores = end.evaluation.mine
    held = int(mine.held_out.sum())
    assert scores.labels.tolist() == mine.testing()[1].tolist() and len(scores.labels) == held
    assert scores.trained == 60 - held and scores.repeats >= 1
    assert scores.accuracy_after > scores.accuracy_before  # it learned the upside-down hand
    card = read_card(job.out_path)
    assert card.preset == "seed" and any(n.startswith("fine-tuned") for n in card.notes)
    assert any(n.startswith("went on from “seed”: seed,") for n in card.notes)
    assert end.evaluation.previous is not None  # and the test set before, for forgetting
    no_mine = replace(job, my_digits=None, fine_tune=False, out_path=str(tmp_path / "r2.keras"))
    messages = []
    execute(no_mine, data, messages.append, threading.Event())
    assert messages[-1][1].evaluation.mine is None
