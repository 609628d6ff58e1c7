"""The local model folder: models people trained in the app and saved under a name.

The folder is `saved_models/` next to app.py, or the folder named by the
CNN_LENS_MODELS environment variable. Listing reads only the JSON cards, so
the sidebar offers saved models without importing TensorFlow; saving loads
the trained model and writes it again through model/files/persistence.py, so the
saved pair is written atomically and checked like every other model.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from model.files.cards import SHIPPED_NAMES, ModelCard, read_card

ENV_VAR = "CNN_LENS_MODELS"
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "saved_models"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
# One save at a time in this server, so two people cannot both pass the
# "is this name free?" check and then overwrite each other.
_SAVE_LOCK = threading.Lock()


class SaveNameError(ValueError):
    """A name a model cannot be saved under; the message says why, for people."""


@dataclass(frozen=True)
class SavedModel:
    name: str  # the file's stem
    path: Path
    card: ModelCard | None  # None when the card cannot be read
    problem: str | None = None


def models_folder() -> Path:
    return Path(os.environ.get(ENV_VAR) or DEFAULT_FOLDER)


def saved_models(folder: Path | None = None) -> list[SavedModel]:
    """Every .keras file in the folder, by name, with its card or the reason it has none."""
    folder = folder or models_folder()
    found = []
    for path in sorted(folder.glob("*.keras")) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue  # a save in progress
        try:
            found.append(SavedModel(path.stem, path, read_card(path)))
        except (OSError, ValueError) as err:
            found.append(SavedModel(path.stem, path, None, f"its card cannot be read ({err})"))
    return found


def check_name(name: str, folder: Path | None = None, *, replace: bool = False) -> Path:
    """Where a model named `name` would be saved; SaveNameError if that is not allowed."""
    folder = folder or models_folder()
    name = name.strip()
    if not name:
        raise SaveNameError("Type a name for the model.")
    if "/" in name or "\\" in name or ".." in name:
        raise SaveNameError(
            f"{name!r} looks like a path. A name is a plain word: no folders, '/' or '..'."
        )
    if name.lower() in SHIPPED_NAMES:
        raise SaveNameError(f"{name!r} is a model shipped with the app; choose another name.")
    if not NAME_PATTERN.fullmatch(name):
        raise SaveNameError(
            f"{name!r} cannot be a name: use up to 40 letters, digits, '-' and '_', "
            "starting with a letter or digit."
        )
    path = folder / f"{name}.keras"
    if path.exists() and not replace:
        raise SaveNameError(
            f"A saved model named {name!r} already exists. Choose another name, or tick "
            "“Replace it” to overwrite it."
        )
    return path


def save_trained(
    model_path: str | Path, name: str, folder: Path | None = None, *, replace: bool = False
) -> ModelCard:
    """Save the trained model at model_path into the folder as `name`, with its card."""
    from model.files.persistence import load_model, save_model  # TensorFlow: only when saving

    folder = folder or models_folder()
    with _SAVE_LOCK:
        target = check_name(name, folder, replace=replace)
        model, card = load_model(model_path)
        renamed = dataclasses.replace(card, name=name.strip(), sha256="")
        return save_model(model, target, renamed)
