"""Saving a trained model into the local model folder: names checked, writes atomic."""

import keras
import pytest

from model.files import persistence
from model.files.cards import ModelCard
from model.files.library import SaveNameError, check_name, save_trained, saved_models
from model.files.persistence import load_model, save_model


@pytest.fixture
def trained(tmp_path):
    """A model as a run leaves it, in the session's private folder."""
    keras.utils.set_random_seed(0)
    from model.network.architectures import build

    card = ModelCard("run 1", "seed", {"epochs": 1}, "first 10 digits", "none", 0.1, 0.9, 0, "")
    path = tmp_path / "session" / "r1.keras"
    save_model(build("seed"), path, card)
    return path


@pytest.mark.parametrize(
    "name, words",
    [
        ("", "Type a name"),
        ("   ", "Type a name"),
        ("../evil", "looks like a path"),
        ("a/b", "looks like a path"),
        ("C:\\x", "looks like a path"),
        ("seed", "shipped with the app"),
        ("Default", "shipped with the app"),
        ("my model", "cannot be a name"),
        ("-x", "cannot be a name"),
        ("x" * 41, "cannot be a name"),
    ],
)
def test_bad_names_are_refused(tmp_path, name, words):
    with pytest.raises(SaveNameError, match=words):
        check_name(name, tmp_path)


def test_saving_lists_the_model_and_never_silently_overwrites(tmp_path, trained):
    folder = tmp_path / "saved"
    card = save_trained(trained, "mine", folder)
    assert card.name == "mine" and card.params == 93_322
    (listed,) = saved_models(folder)
    assert listed.name == "mine" and listed.card.test_accuracy == 0.9
    _, loaded_card = load_model(folder / "mine.keras")
    assert loaded_card.name == "mine"
    with pytest.raises(SaveNameError, match="already exists"):
        save_trained(trained, "mine", folder)
    assert save_trained(trained, "mine", folder, replace=True).name == "mine"


def test_a_failed_save_leaves_the_saved_model_and_no_debris(tmp_path, trained, monkeypatch):
    folder = tmp_path / "saved"
    save_trained(trained, "mine", folder)
    before = (folder / "mine.keras").read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(persistence.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_trained(trained, "mine", folder, replace=True)
    with pytest.raises(OSError, match="disk full"):
        save_trained(trained, "other", folder)
    monkeypatch.undo()
    assert (folder / "mine.keras").read_bytes() == before
    # No half-written model: only the old pair (a pending card may stay behind,
    # persistence's crash recovery; it is only used when its hash matches).
    assert sorted(p.name for p in folder.glob("*.keras")) == ["mine.keras"]
    assert not list(folder.glob(".*"))
    assert [m.name for m in saved_models(folder)] == ["mine"]
