"""My digits as data: the held-out rule, editing, bounds, and mixing them into a run."""

import numpy as np
import pytest

from model.mine.collection import (
    DRAWING_SIDE,
    MAX_DIGITS,
    CollectionFull,
    MyDigits,
    drawing_thumbnail,
)
from model.mine.mixing import MAX_REPEATS, MY_SHARE, repeats_for, with_my_digits


def digits_of(labels, seed=0) -> MyDigits:
    rng = np.random.default_rng(seed)
    inputs = rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8)
    return MyDigits.empty().added(inputs, labels)


def test_one_in_five_of_each_class_is_held_out_from_the_second_on():
    labels = [3] * 12 + [5] * 2 + [7]
    mine = digits_of(labels)
    threes = mine.held_out[mine.y == 3]
    assert threes.tolist() == [i % 5 == 1 for i in range(12)]  # the 2nd, 7th, 12th
    assert mine.held_out[mine.y == 5].tolist() == [False, True]
    assert mine.held_out[mine.y == 7].tolist() == [False]  # one alone trains
    x, y = mine.testing()
    assert len(y) == 4 and len(mine.training()[1]) == len(labels) - 4


def test_flags_stay_with_their_digit_through_relabel_delete_and_later_additions():
    mine = digits_of([1, 1, 1])
    flags = mine.held_out.tolist()
    relabeled = mine.relabeled(1, 4)
    assert relabeled.y.tolist() == [1, 4, 1] and relabeled.held_out.tolist() == flags
    shorter = relabeled.without(0)
    assert shorter.y.tolist() == [4, 1] and shorter.held_out.tolist() == flags[1:]
    with pytest.raises(ValueError, match="0 to 9"):
        mine.relabeled(0, 10)


def test_inputs_and_drawings_are_kept_as_bytes():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[100:180, 130:150] = 255  # a white bar, opaque
    prepared = np.zeros((28, 28), np.float32)
    prepared[4:24, 13:15] = 1.0
    mine = MyDigits.empty().added(prepared, 1, canvas)
    assert mine.x.dtype == np.uint8 and mine.x[0, 10, 13] == 255
    assert mine.drawings.shape == (1, DRAWING_SIDE, DRAWING_SIDE)
    assert mine.drawings[0, 28, 27] == 255 and mine.drawings[0, 5, 5] == 0
    assert drawing_thumbnail(np.ones((28, 28))).max() == 255


def test_the_set_is_bounded_and_merging_says_how_many_did_not_fit():
    full = digits_of([0] * MAX_DIGITS)
    with pytest.raises(CollectionFull, match="3,000 digits"):
        full.added(np.zeros((28, 28), np.uint8), 1)
    almost = digits_of([0] * (MAX_DIGITS - 2))
    merged, left_out = almost.merged(digits_of([1, 2, 3, 4]))
    assert len(merged) == MAX_DIGITS and left_out == 2
    assert merged.y[-2:].tolist() == [1, 2]


def test_my_digits_are_repeated_to_a_fixed_share_of_the_run():
    x = np.zeros((4000, 28, 28), np.uint8)
    y = np.zeros(4000, np.uint8)
    x_mine, y_mine = np.full((40, 28, 28), 255, np.uint8), np.full(40, 7, np.uint8)
    mixed_x, mixed_y, times = with_my_digits(x, y, x_mine, y_mine)
    assert times == repeats_for(40, 4000) == 25
    assert np.mean(mixed_y == 7) == pytest.approx(MY_SHARE, abs=0.01)
    assert len(mixed_x) == len(mixed_y) == 4000 + 40 * times
    assert repeats_for(1, 10**6) == MAX_REPEATS and repeats_for(500, 10) == 1
    assert with_my_digits(x, y, x_mine[:0], y_mine[:0])[2] == 0
