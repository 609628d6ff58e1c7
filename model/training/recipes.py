"""Training recipes and the presets that start from them.

Plain data with no TensorFlow, so the sidebar can offer the presets on every
page (the image page never loads TensorFlow). The model each preset builds is
in model/network/architectures.py, under the same name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass

OPTIMIZERS = ("rmsprop", "adam", "sgd")  # sgd always with momentum 0.9
SCHEDULES = ("constant", "cosine")
MAX_EPOCHS = 50
# The app's runs hold out the last tenth of the training digits, at most this
# many, and score them after every epoch (Keras's validation_split also takes
# the end). The test set stays untouched until the run is over. The command
# line trains on every digit unless asked for validation digits.
MAX_VALIDATION_DIGITS = 1000


class RecipeError(ValueError):
    """A recipe with bad values; `problems` holds one sentence per bad value."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def validation_size(train_digits: int) -> int:
    """How many of `train_digits` the app's runs hold out for validation."""
    return min(MAX_VALIDATION_DIGITS, train_digits // 10)


def recipe_problems(values: dict, train_digits: int | None = None, held_out: int = 0) -> list[str]:
    """Every bad value in `values` (Recipe's fields), one sentence each, for people.

    With `train_digits` (the data source's training set size, of which the last
    `held_out` are validation digits), sizes are also checked against the data.
    """
    problems = []
    epochs, batch_size = values.get("epochs", 1), values.get("batch_size", 1)
    learning_rate, train_size = values.get("learning_rate", 1.0), values.get("train_size")
    if epochs < 1:
        problems.append(f"Epochs must be at least 1 (got {epochs}): with no epoch nothing trains.")
    if batch_size < 1:
        problems.append(f"Batch size must be at least 1 (got {batch_size}).")
    if values.get("optimizer", OPTIMIZERS[0]) not in OPTIMIZERS:
        problems.append(
            f"Optimizer must be one of {', '.join(OPTIMIZERS)} (got {values['optimizer']!r})."
        )
    if not learning_rate > 0:
        problems.append(
            f"Learning rate must be above 0 (got {learning_rate:g}): at 0 the weights never "
            "change, and below 0 they climb the loss instead of descending it."
        )
    if train_size is not None and train_size < 1:
        problems.append(f"Training digits must be at least 1 (got {train_size}).")
    if values.get("schedule", SCHEDULES[0]) not in SCHEDULES:
        problems.append(
            f"Schedule must be one of {', '.join(SCHEDULES)} (got {values['schedule']!r})."
        )
    if train_digits is None or problems:
        return problems
    available = train_digits - held_out
    if train_size is not None and train_size > available:
        problems.append(
            f"Training digits: {train_size:,} asked for, but this data has {available:,} to "
            f"train on"
            + (f" ({held_out:,} more are held out for validation)." if held_out else ".")
        )
    used = min(train_size or available, available)
    if batch_size > used:
        problems.append(
            f"Batch size {batch_size:,} is larger than the {used:,} training digits: choose "
            f"at most {used:,}, so that every step sees a full batch."
        )
    return problems


@dataclass(frozen=True)
class Recipe:
    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "rmsprop"
    learning_rate: float = 0.001
    seed: int = 0
    augment: bool = False
    train_size: int | None = None  # use the first N training digits; None = all
    schedule: str = "constant"  # "cosine" decays the learning rate to 0 over the run

    def __post_init__(self):
        problems = recipe_problems(asdict(self))
        if problems:
            raise RecipeError(problems)

    @classmethod
    def checked(cls, values: dict, train_digits: int | None = None, held_out: int = 0) -> Recipe:
        """A Recipe from `values`, or RecipeError listing every bad value (sizes vs the data too)."""
        problems = recipe_problems(values, train_digits, held_out)
        if problems:
            raise RecipeError(problems)
        return cls(**values)

    @classmethod
    def for_preset(cls, preset: str, **overrides) -> Recipe:
        """The preset's recipe with some settings changed; None leaves a setting as it is."""
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)}")
        changes = {key: value for key, value in overrides.items() if value is not None}
        return dataclasses.replace(PRESETS[preset].recipe, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str  # one sentence for people choosing a preset
    recipe: Recipe  # how it is trained unless the user changes it
    # Batch normalisation reads new digits with running averages that each training
    # step moves 1% of the way (Keras's momentum 0.99): after 191 steps they are still
    # 15% their starting values, and a robust run tested at 10% (24,345 digits, one
    # epoch of 128), against 98.9% after 573 steps. Fewer steps than this get a warning.
    settle_steps: int = 0


PRESETS: dict[str, Preset] = {
    "seed": Preset(
        "seed",
        "The Keras book's CNN: 3 convolutions, 2 poolings, 2 dense layers.",
        Recipe(epochs=5, batch_size=64, optimizer="rmsprop", learning_rate=0.001),
    ),
    "robust": Preset(
        "robust",
        "3 convolutions with batch norm and dropout, trained on augmented digits.",
        Recipe(
            epochs=30,
            batch_size=128,
            optimizer="adam",
            learning_rate=0.002,
            augment=True,
            schedule="cosine",
        ),
        settle_steps=500,
    ),
}


def training_steps(recipe: Recipe, train_digits: int) -> int:
    """Steps a run takes: batches per epoch (the last one partial) times epochs.

    `train_digits`: the digits a run may train on (DataInfo.trainable_digits).
    """
    digits = min(recipe.train_size or train_digits, train_digits)
    return -(-digits // recipe.batch_size) * recipe.epochs


def too_few_steps(preset: str, recipe: Recipe, train_digits: int) -> str | None:
    """A sentence when `preset`'s batch normalisation would not settle in this run."""
    settle = PRESETS[preset].settle_steps
    steps = training_steps(recipe, train_digits)
    if steps >= settle:
        return None
    return (
        f"This run takes {steps:,} training steps. The {preset} network's batch "
        "normalisation learns the averages it uses on new digits over its training steps, "
        f"about {settle} of them: with fewer, its test accuracy can be near chance while "
        "its training accuracy is high. More epochs or a smaller batch size give more steps."
    )


@dataclass(frozen=True)
class ClassRecipe:
    """A small recipe for a whole class training at once: any preset, fewer digits and epochs."""

    name: str
    train_size: int
    epochs: int
    seconds: (
        int  # Train to result for the seed preset on a warm worker, measured (docs/training.md)
    )

    @property
    def label(self) -> str:
        epochs = f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"
        return f"{self.name}: {self.train_size:,} digits, {epochs}, about {self.seconds} s"


# Measured on the 2-core machine with two runs training at once, tested on the
# 10,000 official test digits as with a downloaded MNIST (docs/training.md): Quick
# 17-23 s, Short 34-41 s, three pairs each at load average 9-10.
CLASS_RECIPES = (
    ClassRecipe("Quick", train_size=1000, epochs=1, seconds=20),
    ClassRecipe("Short", train_size=5000, epochs=2, seconds=40),
)
