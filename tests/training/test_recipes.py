"""Recipe validation: every bad value gets its own sentence, sizes are checked against the data."""

import pytest

from model.training.recipes import PRESETS, Recipe, RecipeError, recipe_problems, validation_size


def test_defaults_are_the_seed_recipe():
    assert Recipe() == PRESETS["seed"].recipe
    assert (Recipe().optimizer, Recipe().epochs, Recipe().batch_size) == ("rmsprop", 5, 64)


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"epochs": 0}, "Epochs must be at least 1 (got 0)"),
        ({"learning_rate": 0.0}, "Learning rate must be above 0 (got 0)"),
        ({"learning_rate": -0.01}, "Learning rate must be above 0 (got -0.01)"),
        ({"batch_size": 0}, "Batch size must be at least 1 (got 0)"),
        ({"optimizer": "adagrad"}, "Optimizer must be one of rmsprop, adam, sgd"),
        ({"train_size": 0}, "Training digits must be at least 1"),
        ({"schedule": "step"}, "Schedule must be one of constant, cosine"),
    ],
)
def test_each_bad_value_is_named(bad, words):
    values = {**Recipe().to_dict(), **bad}
    problems = recipe_problems(values)
    assert len(problems) == 1 and words in problems[0]
    with pytest.raises(RecipeError, match=r"\(got|must be one of"):
        Recipe(**values)


def test_batch_larger_than_the_data_is_refused():
    # 4,000 training digits: 400 held out for validation (as the app does), 3,600 to train on.
    values = {**Recipe().to_dict(), "batch_size": 5000}
    (problem,) = recipe_problems(values, train_digits=4000, held_out=400)
    assert problem.startswith("Batch size 5,000 is larger than the 3,600 training digits")
    small = {**values, "batch_size": 1500, "train_size": 1000}
    (problem,) = recipe_problems(small, train_digits=4000, held_out=400)
    assert "larger than the 1,000 training digits" in problem
    assert recipe_problems({**values, "batch_size": 3600}, 4000, held_out=400) == []
    # Nothing held out (the command line's default): all 4,000 train.
    assert recipe_problems({**values, "batch_size": 4000}, train_digits=4000) == []


def test_more_training_digits_than_the_data_has_is_refused():
    values = {**Recipe().to_dict(), "train_size": 50_000}
    (problem,) = recipe_problems(values, train_digits=24_345, held_out=1000)
    assert "50,000 asked for" in problem and "23,345 to train on" in problem
    assert "1,000 more are held out for validation" in problem
    (problem,) = recipe_problems(values, train_digits=24_345)
    assert problem.endswith("this data has 24,345 to train on.")


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"epochs": 0}, "Epochs must be at least 1 (got 0)"),
        ({"learning_rate": 0.0}, "Learning rate must be above 0 (got 0)"),
        ({"learning_rate": float("nan")}, "Learning rate must be above 0 (got nan)"),
        ({"batch_size": 4001}, "Batch size 4,001 is larger than the 4,000 training digits"),
    ],
)
def test_checked_names_each_bad_value_against_the_data(bad, words):
    with pytest.raises(RecipeError) as caught:
        Recipe.checked({**Recipe().to_dict(), **bad}, train_digits=4000)
    assert caught.value.problems == [next(p for p in caught.value.problems if words in p)]


def test_checked_lists_every_problem_at_once():
    values = {**Recipe().to_dict(), "epochs": 0, "learning_rate": 0.0}
    with pytest.raises(RecipeError) as caught:
        Recipe.checked(values, train_digits=4000)
    assert len(caught.value.problems) == 2
    assert Recipe.checked(Recipe().to_dict(), train_digits=4000) == Recipe()


def test_validation_is_a_tenth_of_the_training_digits_at_most_1000():
    assert validation_size(4000) == 400
    assert validation_size(60_000) == 1000
    assert validation_size(9) == 0


def test_training_steps_count_the_last_partial_batch_and_every_epoch():
    from model.training.recipes import training_steps

    assert training_steps(Recipe(train_size=1000, batch_size=128, epochs=1), 23_345) == 8
    assert training_steps(Recipe(train_size=None, batch_size=128, epochs=3), 23_345) == 3 * 183
    # Asking for more digits than there are trains on all of them.
    assert training_steps(Recipe(train_size=50_000, batch_size=64, epochs=1), 1000) == 16


def test_a_robust_run_too_short_for_batch_norm_is_warned_and_a_seed_run_is_not():
    from model.training.recipes import PRESETS, too_few_steps

    quick = Recipe.for_preset("robust", train_size=1000, epochs=1)
    words = too_few_steps("robust", quick, 23_345)
    assert words is not None and "8 training steps" in words and "near chance" in words
    assert too_few_steps("robust", PRESETS["robust"].recipe, 23_345) is None
    assert (
        too_few_steps("seed", Recipe.for_preset("seed", train_size=1000, epochs=1), 23_345) is None
    )
