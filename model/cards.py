"""Model cards: the JSON sidecar that travels with every saved model.

Reading a card needs only the standard library, so the sidebar can show the
active model without importing TensorFlow.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

SHIPPED_DIR = Path(__file__).parent / "shipped"
SHIPPED_NAMES = ("default", "seed")


@dataclass
class ModelCard:
    name: str
    preset: str
    recipe: dict
    trained_on: str  # e.g. "first 24,345 MNIST training digits"
    test_set: str  # e.g. "official MNIST test set (10,000 digits)"
    test_loss: float
    test_accuracy: float
    params: int
    sha256: str
    created: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        raw = json.loads(text)
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)


def sidecar_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def resolve_model_path(name_or_path: str | Path) -> Path:
    """`seed` and `default` name the shipped models; anything else is a path."""
    if str(name_or_path) in SHIPPED_NAMES:
        return SHIPPED_DIR / f"{name_or_path}.keras"
    return Path(name_or_path)


def read_card(name_or_path: str | Path) -> ModelCard:
    path = sidecar_path(resolve_model_path(name_or_path))
    try:
        return ModelCard.from_json(path.read_text())
    except FileNotFoundError as err:
        raise FileNotFoundError(f"{path}: no model card (sidecar JSON) next to the model") from err
    except (json.JSONDecodeError, TypeError) as err:
        raise ValueError(f"{path}: not a valid model card: {err}") from err
