"""Training recipes and the presets that start from them.

Plain data with no TensorFlow, so the sidebar can offer the presets on every
page (the image page never loads TensorFlow). The model each preset builds is
in model/architectures.py, under the same name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass

OPTIMIZERS = ("rmsprop", "adam", "sgd")  # sgd always with momentum 0.9
SCHEDULES = ("constant", "cosine")


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
        if self.epochs < 1:
            raise ValueError("epochs must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, not {self.optimizer!r}")
        if not self.learning_rate > 0:
            raise ValueError("learning_rate must be positive")
        if self.train_size is not None and self.train_size < 1:
            raise ValueError("train_size must be at least 1")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, not {self.schedule!r}")

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
    ),
}
