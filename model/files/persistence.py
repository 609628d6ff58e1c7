"""Saving and loading models with their model cards.

Saving is atomic and crash-safe for the pair of files:
1. the model goes to a temporary file and the card to `<name>.json.pending`;
2. the model file is renamed over `<name>.keras`;
3. the card is renamed over `<name>.json`.
A crash before step 2 leaves the old pair untouched. A crash between 2 and 3
leaves a new model next to the old card; the loader then finds the pending card
whose hash matches and completes the save, so neither model is lost.

Loading accepts only models this installation can vouch for:
- the shipped models, whose file and card hashes are pinned below, in the
  source, so a fresh clone accepts them and an edited file or card is refused;
- models this installation saved, whose card carries an HMAC under the
  installation's key (model/files/signing.py) and whose file matches the card's sha256.
Keras safe mode stays on even then, so a file that names a Lambda layer is refused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import keras

from model.files import signing
from model.files.cards import (
    CardError,
    ModelCard,
    model_label,
    resolve_model_path,
    shipped_name,
    sidecar_path,
)

# sha256 of each shipped model file and of its card's signed payload
# (ModelCard.signed_payload, which does not depend on the JSON's layout).
# Re-shipping a model means updating these two lines with it.
SHIPPED_PINS = {
    "default": (
        "665ecd428faea99920b7b87da94ea18fa576796da07f947daa28bbb447398807",
        "44c7cdd214648c3449ea5528e74788f63e7bf6f33acdcdf06d7bfe03a2f745b6",
    ),
    "seed": (
        "f20061c64efd964c818b8d2cd6fcdfcd58c76e08929f18656de4434b3493b4bb",
        "96af75d86fad391ff75e813fe05be8642de14b524b6b234de767a7012ed22b79",
    ),
}


class ModelFileError(ValueError):
    """A model or its card is missing, damaged, changed, or not one we can vouch for.

    The message is a sentence for people that names the model, not its path.
    """


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def card_digest(card: ModelCard) -> str:
    return hashlib.sha256(card.signed_payload()).hexdigest()


def _pending_card_path(model_path: Path) -> Path:
    return sidecar_path(model_path).with_suffix(".json.pending")


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def save_model(model: keras.Model, path: str | Path, card: ModelCard) -> ModelCard:
    """Write `model` to `path` (.keras) and its signed card beside it; return the card."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"{path.name}: model files must end in .keras")
    key = signing.installation_key(create=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keras insists on the .keras suffix, so the temporary file keeps it.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".keras", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); a model is readable like any other file.
    # (Reading the umask would mean setting it, which races with other threads.)
    os.chmod(tmp, 0o644)
    try:
        model.save(tmp)
        card.sha256 = sha256_of(tmp)
        card.params = int(model.count_params())
        card.created = card.created or datetime.now(UTC).isoformat(timespec="seconds")
        card.signature = signing.sign(card.signed_payload(), key)
        pending = _pending_card_path(path)
        _write_durably(pending, card.to_json())
        os.replace(tmp, path)
        os.replace(pending, sidecar_path(path))
    finally:
        tmp.unlink(missing_ok=True)
    return card


def _read(card_path: Path, label: str) -> ModelCard:
    try:
        return ModelCard.from_json(card_path.read_text(encoding="utf-8"))
    except CardError as err:
        raise ModelFileError(f"The model “{label}” cannot be used: {err}.") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ModelFileError(f"The model card of “{label}” cannot be read.") from err


def _vouched_for(card: ModelCard, actual_sha256: str, shipped: str | None) -> str | None:
    """Why the card cannot be trusted for a file with this hash, or None if it can."""
    if card.sha256 != actual_sha256:
        return "its file was changed after it was saved (its hash does not match its card)"
    if shipped is not None:
        file_pin, card_pin = SHIPPED_PINS[shipped]
        if actual_sha256 != file_pin or card_digest(card) != card_pin:
            return "it is not the model this version of the app ships (it was edited)"
        return None
    if not card.signature:
        return "it is not signed by this installation, so where it came from is unknown"
    try:
        key = signing.installation_key(create=False)
    except signing.SigningKeyError as err:
        return str(err)
    if key is None or not signing.is_signed_by(card.signed_payload(), card.signature, key):
        return "its signature is not this installation's (it was made or re-signed elsewhere)"
    return None


def verified_card(path: str | Path, label: str | None = None) -> ModelCard:
    """The card of the model at `path`, after checking that we can vouch for the file."""
    path = Path(path)
    label = label or model_label(path)
    card_path = sidecar_path(path)
    if not path.is_file():
        raise ModelFileError(f"The model “{label}” is missing: there is no such model file.")
    if not card_path.exists():
        raise ModelFileError(f"The model “{label}” has no model card, so it is refused.")
    try:
        actual = sha256_of(path)
    except OSError as err:
        raise ModelFileError(f"The model file of “{label}” cannot be read.") from err
    shipped = shipped_name(path)
    card = _read(card_path, label)
    problem = _vouched_for(card, actual, shipped)
    if problem is None:
        return card
    pending = _pending_card_path(path)
    if pending.exists() and shipped is None:
        pending_card = _read(pending, label)
        if _vouched_for(pending_card, actual, None) is None:
            os.replace(pending, card_path)  # finish a save that was interrupted
            return pending_card
    raise ModelFileError(f"The model “{label}” is refused: {problem}.")


def load_model(name_or_path: str | Path) -> tuple[keras.Model, ModelCard]:
    """Load a model we can vouch for ("seed", "default" or a path), in Keras safe mode."""
    path = resolve_model_path(name_or_path)
    label = model_label(name_or_path)
    card = verified_card(path, label)
    try:
        model = keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as err:  # noqa: BLE001 - Keras raises many types for a bad archive
        raise ModelFileError(
            f"The model “{label}” cannot be loaded: {_load_problem(err)}."
        ) from err
    return model, card


def _load_problem(err: Exception) -> str:
    """Keras's reason for refusing a file, in words."""
    text = str(err)
    if isinstance(err, zipfile.BadZipFile) or "zip" in text.lower():
        return "the file is not a Keras model archive"
    if "Lambda" in text or "safe_mode" in text:
        return "it contains a Lambda layer, which could run any code, so safe mode refuses it"
    if "Could not locate" in text or "Unknown layer" in text:
        return "it uses a kind of layer this app does not know"
    return f"Keras could not read it ({type(err).__name__})"
