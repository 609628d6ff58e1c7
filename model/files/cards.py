"""Model cards: the JSON sidecar that travels with every saved model.

Reading a card needs only the standard library, so the sidebar can show the
active model without importing TensorFlow. A card is checked field by field
when it is read: the pages show its numbers, so a card that says
`"test_accuracy": "high"` is refused with a sentence, not a traceback.

Messages name a model by `model_label` ("default", or a saved file's stem),
never by its path on the server.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

SHIPPED_DIR = Path(__file__).parent.parent / "shipped"
SHIPPED_NAMES = ("default", "seed")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class CardError(ValueError):
    """A model card is missing, unreadable or says something impossible."""


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
    # HMAC of the rest of the card under this installation's key (model/files/signing.py);
    # empty on the shipped models, which are pinned by hash in the source instead.
    signature: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    def signed_payload(self) -> bytes:
        """The card without its signature, in one canonical byte form: what is signed."""
        fields_ = asdict(self)
        del fields_["signature"]
        return json.dumps(fields_, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        """Parse and check a card; CardError says what is wrong in words."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as err:
            raise CardError(f"its model card is not valid JSON (line {err.lineno})") from err
        if not isinstance(raw, dict):
            raise CardError("its model card is not a JSON object")
        missing = [f.name for f in fields(cls) if f.name in _REQUIRED and f.name not in raw]
        if missing:
            raise CardError(f"its model card has no {', '.join(missing)}")
        for name, check in _CHECKS.items():
            if name in raw and not check(raw[name]):
                raise CardError(
                    f"its model card says {name} is {json.dumps(raw[name])[:40]}, "
                    f"which is not {_EXPECTED[name]}"
                )
        return cls(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw})


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


_CHECKS = {
    "name": lambda v: _is_text(v) and v.strip() != "",
    "preset": _is_text,
    "recipe": lambda v: isinstance(v, dict),
    "trained_on": _is_text,
    "test_set": _is_text,
    "test_loss": lambda v: _is_number(v) and v >= 0,
    "test_accuracy": lambda v: _is_number(v) and 0 <= v <= 1,
    "params": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "sha256": lambda v: isinstance(v, str) and _SHA256.fullmatch(v) is not None,
    "created": _is_text,
    "notes": lambda v: isinstance(v, list) and all(_is_text(n) for n in v),
    "signature": _is_text,
}
_EXPECTED = {
    "name": "a name",
    "preset": "text",
    "recipe": "a JSON object",
    "trained_on": "text",
    "test_set": "text",
    "test_loss": "a number of at least 0",
    "test_accuracy": "a number from 0 to 1",
    "params": "a whole number",
    "sha256": "a SHA-256 hash (64 hex digits)",
    "created": "text",
    "notes": "a list of texts",
    "signature": "text",
}
_REQUIRED = {f for f in _CHECKS if f not in ("created", "notes", "signature")}


def sidecar_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def resolve_model_path(name_or_path: str | Path) -> Path:
    """`seed` and `default` name the shipped models; anything else is a path."""
    if str(name_or_path) in SHIPPED_NAMES:
        return SHIPPED_DIR / f"{name_or_path}.keras"
    return Path(name_or_path)


def model_label(name_or_path: str | Path) -> str:
    """How messages name a model: "default", "seed", or a saved model's file stem."""
    if str(name_or_path) in SHIPPED_NAMES:
        return str(name_or_path)
    return Path(name_or_path).stem


def shipped_name(path: Path) -> str | None:
    """ "default" or "seed" if `path` is that shipped model's file, else None."""
    resolved = Path(path).resolve()
    for name in SHIPPED_NAMES:
        if resolved == (SHIPPED_DIR / f"{name}.keras").resolve():
            return name
    return None


def read_card(name_or_path: str | Path) -> ModelCard:
    """The model's card, checked; CardError names the model, never its server path."""
    path = sidecar_path(resolve_model_path(name_or_path))
    label = model_label(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise CardError(f"The model “{label}” has no model card, so it cannot be used.") from err
    except (OSError, UnicodeDecodeError) as err:
        raise CardError(f"The model card of “{label}” cannot be read.") from err
    try:
        return ModelCard.from_json(text)
    except CardError as err:
        raise CardError(f"The model “{label}” cannot be used: {err}.") from err


def started_from_words(card: ModelCard) -> str:
    """For a fine-tune's card: the model it went on from, whose recipe its own card lacks."""
    r = card.recipe
    return (
        f"went on from “{card.name}”: {card.preset}, {r['epochs']} "
        f"epoch{'s' if r['epochs'] != 1 else ''}, batch "
        f"{r['batch_size']}, {r['optimizer']} at {r['learning_rate']}, seed {r['seed']}, "
        f"on the {card.trained_on}"
    )
