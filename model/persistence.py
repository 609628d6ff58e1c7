"""Saving and loading models with their model cards.

Saving is atomic and crash-safe for the pair of files:
1. the model goes to a temporary file and the card to `<name>.json.pending`;
2. the model file is renamed over `<name>.keras`;
3. the card is renamed over `<name>.json`.
A crash before step 2 leaves the old pair untouched. A crash between 2 and 3
leaves a new model next to the old card; the loader then finds the pending card
whose hash matches and completes the save, so neither model is lost.

Loading uses Keras safe mode and refuses any file whose sha256 differs from its
card: the app never loads a `.keras` file it did not write.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import keras

from model.cards import ModelCard, resolve_model_path, sidecar_path


class ModelFileError(ValueError):
    """A model file is missing, tampered with, or not one we wrote."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pending_card_path(model_path: Path) -> Path:
    return sidecar_path(model_path).with_suffix(".json.pending")


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def save_model(model: keras.Model, path: str | Path, card: ModelCard) -> ModelCard:
    """Write `model` to `path` (.keras) and its card beside it; return the card with its hash."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"{path}: model files must end in .keras")
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
        pending = _pending_card_path(path)
        _write_durably(pending, card.to_json())
        os.replace(tmp, path)
        os.replace(pending, sidecar_path(path))
    finally:
        tmp.unlink(missing_ok=True)
    return card


def verified_card(path: str | Path) -> ModelCard:
    """The card of the model at `path`, after checking the file's hash against it."""
    path = Path(path)
    card_path = sidecar_path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such model file")
    if not card_path.exists():
        raise ModelFileError(f"{path}: no model card ({card_path.name}); refusing to load it")
    actual = sha256_of(path)
    card = ModelCard.from_json(card_path.read_text())
    if card.sha256 == actual:
        return card
    pending = _pending_card_path(path)
    if pending.exists():
        pending_card = ModelCard.from_json(pending.read_text())
        if pending_card.sha256 == actual:
            os.replace(pending, card_path)  # finish a save that was interrupted
            return pending_card
    raise ModelFileError(
        f"{path}: sha256 {actual[:12]}… does not match its card ({card.sha256[:12]}…); "
        "the file was changed after it was saved, so it is refused"
    )


def load_model(name_or_path: str | Path) -> tuple[keras.Model, ModelCard]:
    """Load a model we saved ("seed", "default" or a path), verified and in safe mode."""
    path = resolve_model_path(name_or_path)
    card = verified_card(path)
    model = keras.models.load_model(path, compile=False, safe_mode=True)
    return model, card
