"""The recipe widgets in the sidebar: they return plain values, checked only when Train is pressed."""

from __future__ import annotations

import streamlit as st

from components.digits.recipe_options import my_digits_options
from components.training import keys
from model.runs.messages import DataInfo
from model.training.recipes import (
    CLASS_RECIPES,
    MAX_EPOCHS,
    OPTIMIZERS,
    PRESETS,
    ClassRecipe,
    Recipe,
    RecipeError,
    too_few_steps,
)

# The recipe is kept for the session whatever happens: Streamlit drops the widget
# values of an interrupted run when st.switch_page leaves it (the Retrain page's
# "Open" does), and the preset's recipe would come back in their place.
KEPT = "session"
OPTIMIZER_LABELS = {"rmsprop": "RMSprop", "adam": "Adam", "sgd": "SGD with momentum 0.9"}
# Widget key -> the Recipe field it sets.
FIELDS = {
    keys.TRAIN_EPOCHS: "epochs",
    keys.TRAIN_BATCH_SIZE: "batch_size",
    keys.TRAIN_OPTIMIZER: "optimizer",
    keys.TRAIN_LEARNING_RATE: "learning_rate",
    keys.TRAIN_AUGMENT: "augment",
    keys.TRAIN_DIGITS: "train_size",
    keys.TRAIN_SEED: "seed",
}


def _load_preset() -> None:
    """Choosing a preset puts its whole recipe into the widgets."""
    recipe = PRESETS[st.session_state[keys.TRAIN_PRESET]].recipe.to_dict()
    for key, field in FIELDS.items():
        st.session_state[key] = recipe[field]


def _load_class_recipe(recipe: ClassRecipe, trainable: int | None) -> None:
    """A class recipe sets the digits and epochs; the preset's other settings stay.

    A data source with fewer digits than the recipe asks for (the bundled sample has
    3,600 to train on) trains on all it has, not a refusal at Train.
    """
    digits = min(recipe.train_size, trainable) if trainable else recipe.train_size
    _set_fields({"train_size": digits, "epochs": recipe.epochs})


def _set_fields(values: dict) -> None:
    """Put these Recipe fields into their widgets (the others stay as they are)."""
    for key, field in FIELDS.items():
        if field in values:
            st.session_state[key] = values[field]


def _defaults() -> None:
    if keys.TRAIN_PRESET not in st.session_state:
        st.session_state[keys.TRAIN_PRESET] = "seed"
        _load_preset()  # the seed recipe: rmsprop, 5 epochs, batch 64


def recipe_form(data: DataInfo | None) -> tuple[str, dict]:
    """Draw the recipe widgets; return the preset and the Recipe fields as the user set them."""
    _defaults()
    st.selectbox(
        "Preset",
        list(PRESETS),
        key=keys.TRAIN_PRESET,
        persist_state=KEPT,
        on_change=_load_preset,
        help="The network to train, and the recipe it is usually trained with. "
        "Choosing one loads its recipe below.",
    )
    preset = st.session_state[keys.TRAIN_PRESET]
    st.caption(PRESETS[preset].description)
    st.caption("For a whole class training at once, small runs give everyone a result soon:")
    for class_recipe in CLASS_RECIPES:
        st.button(
            class_recipe.label,
            key=f"{keys.CLASS_RECIPE_BUTTON}_{class_recipe.name.lower()}",
            on_click=_load_class_recipe,
            args=(class_recipe, data.trainable_digits if data else None),
            width="stretch",
        )
    left, right = st.columns(2)
    left.number_input(
        "Epochs",
        min_value=1,
        max_value=MAX_EPOCHS,
        step=1,
        key=keys.TRAIN_EPOCHS,
        persist_state=KEPT,
    )
    right.number_input(
        "Batch size",
        min_value=1,
        max_value=8192,
        step=16,
        key=keys.TRAIN_BATCH_SIZE,
        persist_state=KEPT,
        help="Digits per step: the gradient is averaged over them.",
    )
    st.selectbox(
        "Optimizer",
        OPTIMIZERS,
        format_func=OPTIMIZER_LABELS.get,
        key=keys.TRAIN_OPTIMIZER,
        persist_state=KEPT,
    )
    left, right = st.columns(2)
    left.number_input(
        "Learning rate",
        min_value=0.0,
        max_value=10.0,
        step=0.0005,
        format="%.5f",
        key=keys.TRAIN_LEARNING_RATE,
        persist_state=KEPT,
        help="How big each step is. Too big and the loss explodes (the run diverges).",
    )
    right.number_input(
        "Random seed",
        min_value=0,
        max_value=2**31 - 1,
        step=1,
        key=keys.TRAIN_SEED,
        persist_state=KEPT,
    )
    all_digits = f"all {data.trainable_digits:,}" if data else "all"
    st.number_input(
        "Training digits",
        min_value=1000,
        max_value=None,
        value=None,
        step=1000,
        placeholder=all_digits,
        key=keys.TRAIN_DIGITS,
        persist_state=KEPT,
        help="Train on the first N training digits; leave empty for all of them.",
    )
    st.toggle(
        "Augmentation",
        key=keys.TRAIN_AUGMENT,
        persist_state=KEPT,
        help="Rotate, slant, shift and thicken each digit at random, and stretch its top or "
        "bottom part, a new way every epoch; give some 1s a flag or a foot: digits more like "
        "people draw them.",
    )
    my_digits_options(_set_fields, data.trainable_digits if data else None)
    schedule = PRESETS[preset].recipe.schedule
    if schedule != "constant":
        st.caption(f"Learning-rate schedule: {schedule} (from the preset).")
    preset, values = current_recipe_values()
    recipe = checked_recipe(values, data)
    if data is not None and isinstance(recipe, Recipe):
        warning = too_few_steps(preset, recipe, data.trainable_digits)
        if warning:
            st.container(key=keys.FEW_STEPS_NOTE).caption(f":material/warning: {warning}")
    return preset, values


def current_recipe_values() -> tuple[str, dict]:
    """The preset and Recipe fields as the widgets hold them now.

    Read from session state, not passed as a callback's args: args are fixed
    when a button is drawn, and a value changed together with the click
    would be lost.
    """
    _defaults()
    preset = st.session_state[keys.TRAIN_PRESET]
    values = {field: st.session_state[key] for key, field in FIELDS.items()}
    values["schedule"] = PRESETS[preset].recipe.schedule
    return preset, values


def checked_recipe(values: dict, data: DataInfo | None) -> Recipe | list[str]:
    """The Recipe, or every problem with it in words (sizes against the data when known)."""
    try:
        if data is None:
            return Recipe.checked(values)
        return Recipe.checked(values, data.train_digits, held_out=data.validation_digits)
    except RecipeError as err:
        return err.problems


def recipe_summary(recipe: Recipe) -> str:
    """One line: "5 epochs, batch 64, rmsprop at 0.001, no augmentation, seed 0"."""
    digits = "all digits" if recipe.train_size is None else f"{recipe.train_size:,} digits"
    return (
        f"{recipe.epochs} epoch{'s' if recipe.epochs != 1 else ''}, batch {recipe.batch_size}, "
        f"{recipe.optimizer} at {recipe.learning_rate:g}"
        f"{', cosine' if recipe.schedule == 'cosine' else ''}, "
        f"{'augmented' if recipe.augment else 'no augmentation'}, {digits}, seed {recipe.seed}"
    )


def data_words(data: DataInfo | None, error: str | None) -> None:
    """Which digits Train would use, in words."""
    if error and data is None:
        st.error(f"Training is not available: {error}", icon=":material/error:")
    elif data is None:
        st.caption("Data: the training process is starting and loading the digits…")
    else:
        st.markdown(f"**Data:** {data.words}")
        st.caption(
            f"{data.trainable_digits:,} digits to train on, the next "
            f"{data.validation_digits:,} held out for validation, tested on the "
            f"{data.test_description}."
        )
        if data.notice:
            short = "Its accuracies are not comparable with the official 10,000-digit test set."
            if "could not be downloaded" in data.notice:
                short = (
                    "MNIST could not be downloaded here, so the bundled sample is used. " + short
                )
            st.caption(short, help=data.notice)
