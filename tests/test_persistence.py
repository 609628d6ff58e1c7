import json
import os

import keras
import numpy as np
import pytest

from model import persistence
from model.architectures import build
from model.cards import ModelCard, sidecar_path
from model.persistence import ModelFileError, load_model, save_model
from tests.helpers import random_digits


def card(name="m"):
    return ModelCard(
        name=name,
        preset="seed",
        recipe={},
        trained_on="test digits",
        test_set="none",
        test_loss=0.0,
        test_accuracy=0.0,
        params=0,
        sha256="",
    )


def fresh_model(seed):
    keras.utils.set_random_seed(seed)
    return build("seed")


def outputs(model):
    return model.predict(random_digits(2)[..., None], verbose=0)


def test_round_trip_keeps_predictions_and_card(tmp_path):
    model = fresh_model(0)
    saved = save_model(model, tmp_path / "m.keras", card())
    loaded, loaded_card = load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(outputs(loaded), outputs(model), rtol=1e-6)
    assert loaded_card.sha256 == saved.sha256 == persistence.sha256_of(tmp_path / "m.keras")
    assert loaded_card.params == 93_322
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob(".*"))


def test_tampered_model_is_refused(tmp_path):
    save_model(fresh_model(0), tmp_path / "m.keras", card())
    raw = bytearray((tmp_path / "m.keras").read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    (tmp_path / "m.keras").write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="does not match its card"):
        load_model(tmp_path / "m.keras")


def test_model_without_card_is_refused(tmp_path):
    fresh_model(0).save(tmp_path / "foreign.keras")
    with pytest.raises(ModelFileError, match="no model card"):
        load_model(tmp_path / "foreign.keras")


def test_crash_while_writing_keeps_the_old_model(tmp_path, monkeypatch):
    old = fresh_model(0)
    save_model(old, tmp_path / "m.keras", card("old"))
    new = fresh_model(1)

    def crash(path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(new, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(new, tmp_path / "m.keras", card("new"))
    loaded, loaded_card = load_model(tmp_path / "m.keras")
    assert loaded_card.name == "old"
    np.testing.assert_allclose(outputs(loaded), outputs(old), rtol=1e-6)
    assert not list(tmp_path.glob(".m-*")), "the temporary file is cleaned up"


@pytest.mark.parametrize("crash_at_rename", [1, 2])
def test_crash_between_renames_loses_neither_model(tmp_path, monkeypatch, crash_at_rename):
    old, new = fresh_model(0), fresh_model(1)
    save_model(old, tmp_path / "m.keras", card("old"))
    real_replace = os.replace
    calls = []

    def replace_then_crash(src, dst):
        calls.append(dst)
        if len(calls) == crash_at_rename:
            raise KeyboardInterrupt  # the process dies before this rename
        real_replace(src, dst)

    monkeypatch.setattr(persistence.os, "replace", replace_then_crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(new, tmp_path / "m.keras", card("new"))
    monkeypatch.setattr(persistence.os, "replace", real_replace)

    loaded, loaded_card = load_model(tmp_path / "m.keras")
    survivor = old if crash_at_rename == 1 else new
    assert loaded_card.name == ("old" if crash_at_rename == 1 else "new")
    np.testing.assert_allclose(outputs(loaded), outputs(survivor), rtol=1e-6)
    assert json.loads(sidecar_path(tmp_path / "m.keras").read_text())["name"] == loaded_card.name
