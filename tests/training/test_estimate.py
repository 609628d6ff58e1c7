"""Estimated waits: the line's arithmetic, and the pace shared between app servers."""

from __future__ import annotations

import pytest

from model.runs.estimate import PRIOR_OVERHEAD_S, Pace, line_waits, recipe_digit_epochs
from model.training.recipes import Recipe


def test_each_run_in_line_goes_to_the_worker_that_frees_up_first():
    # Two workers busy for 10 s and 30 s; three runs of 5 s wait.
    assert line_waits([10.0, 30.0], [5.0, 5.0, 5.0], workers=2) == [10.0, 15.0, 20.0]
    # An idle worker takes the first at once.
    assert line_waits([10.0], [5.0, 5.0, 5.0], workers=2) == [0.0, 5.0, 10.0]
    assert line_waits([], [7.0, 7.0, 7.0], workers=1) == [0.0, 7.0, 14.0]


def test_digit_epochs_count_the_digits_a_run_trains_on():
    assert recipe_digit_epochs(Recipe(epochs=2, train_size=5000), 3600) == 2 * 3600
    assert recipe_digit_epochs(Recipe(epochs=1, train_size=1000), 3600) == 1000
    assert recipe_digit_epochs(Recipe(epochs=3), None) == 3 * 50_000


def test_another_servers_pace_is_adopted_and_nonsense_is_left():
    mine, theirs = Pace(), Pace()
    theirs.adopt({"per_digit_epoch": {"seed": 0.01}, "overhead": 2.0})
    mine.adopt(theirs.state())
    assert mine.seconds_for("seed", 1000) == pytest.approx(2.0 + 10.0)
    assert mine.overhead_s == 2.0
    mine.adopt({"per_digit_epoch": {"seed": -1, "robust": "fast"}, "overhead": None})
    assert mine.seconds_for("seed", 1000) == pytest.approx(12.0)
    assert Pace().overhead_s == PRIOR_OVERHEAD_S
