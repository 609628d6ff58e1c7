import json
import os

import keras
import numpy as np
import pytest

from model.files import persistence, signing
from model.files.cards import ModelCard, sidecar_path
from model.files.persistence import ModelFileError, load_model, save_model
from model.network.architectures import build
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


# --- Authenticity: only the shipped models and this installation's own ---------------


def saved(tmp_path, name="m"):
    path = tmp_path / f"{name}.keras"
    save_model(fresh_model(0), path, card(name))
    return path


def rewrite_card(path, **changes):
    card_path = sidecar_path(path)
    raw = json.loads(card_path.read_text())
    raw.update(changes)
    card_path.write_text(json.dumps(raw))


def test_saved_card_is_signed_and_the_key_is_private(tmp_path):
    path = saved(tmp_path)
    assert len(json.loads(sidecar_path(path).read_text())["signature"]) == 64
    assert signing.key_path().stat().st_mode & 0o777 == 0o600


def test_unsigned_model_with_a_matching_hash_is_refused(tmp_path):
    path = saved(tmp_path)
    rewrite_card(path, signature="")
    with pytest.raises(ModelFileError, match="not signed by this installation"):
        load_model(path)


def test_model_signed_with_another_key_is_refused(tmp_path):
    path = saved(tmp_path)
    forged = ModelCard.from_json(sidecar_path(path).read_text())
    forged.test_accuracy = 0.999  # a better story, re-signed with someone else's key
    forged.signature = signing.sign(forged.signed_payload(), b"k" * signing.KEY_BYTES)
    sidecar_path(path).write_text(forged.to_json())
    with pytest.raises(ModelFileError, match="signature is not this installation's"):
        load_model(path)


def test_card_edited_after_signing_is_refused(tmp_path):
    path = saved(tmp_path)
    rewrite_card(path, test_accuracy=0.999)
    with pytest.raises(ModelFileError, match="signature"):
        load_model(path)


def test_messages_name_the_model_not_its_path(tmp_path):
    path = saved(tmp_path, "mine")
    rewrite_card(path, signature="")
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    assert "“mine”" in str(caught.value) and str(tmp_path) not in str(caught.value)


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """The shipped models, copied where a test may edit them."""
    import shutil

    from model.files import cards

    copy = tmp_path / "shipped"
    shutil.copytree(cards.SHIPPED_DIR, copy)
    monkeypatch.setattr(cards, "SHIPPED_DIR", copy)
    return copy


def test_shipped_models_are_accepted_without_a_key(shipped_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(signing.KEY_ENV_VAR, str(tmp_path / "no-key-yet"))
    for name in ("default", "seed"):
        _, shipped_card = load_model(name)
        assert shipped_card.name == name
    assert not (tmp_path / "no-key-yet").exists(), "loading never makes a key"


def test_edited_shipped_card_is_refused(shipped_copy):
    rewrite_card(shipped_copy / "seed.keras", test_accuracy=0.9999)
    with pytest.raises(ModelFileError, match="not the model this version of the app ships"):
        load_model("seed")


def test_shipped_file_replaced_with_its_card_updated_is_refused(shipped_copy, tmp_path):
    other = saved(tmp_path, "other")
    (shipped_copy / "seed.keras").write_bytes(other.read_bytes())
    rewrite_card(shipped_copy / "seed.keras", sha256=persistence.sha256_of(other))
    with pytest.raises(ModelFileError, match="not the model this version of the app ships"):
        load_model("seed")


# --- Every way a card or file can be bad gives a sentence ------------------------------


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"test_accuracy": "high"}, 'test_accuracy is "high", which is not a number from 0 to 1'),
        ({"sha256": None}, "sha256 is null, which is not a SHA-256 hash"),
        ({"params": 1.5}, "params is 1.5, which is not a whole number"),
        ({"recipe": []}, "recipe is [], which is not a JSON object"),
    ],
)
def test_card_with_wrong_types_is_refused_in_words(tmp_path, changes, words):
    path = saved(tmp_path)
    rewrite_card(path, **changes)
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    assert words in str(caught.value)


def test_card_with_missing_fields_is_refused_in_words(tmp_path):
    path = saved(tmp_path)
    sidecar_path(path).write_text(json.dumps({"name": "m", "preset": "seed"}))
    with pytest.raises(ModelFileError, match="has no recipe, trained_on, test_set"):
        load_model(path)


def test_card_that_is_not_json_is_refused_in_words(tmp_path):
    path = saved(tmp_path)
    sidecar_path(path).write_text("{nope")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(path)


def sign_as_ours(path):
    """Give a hand-made file a card this installation signed, as if the app had saved it."""
    key = signing.installation_key(create=True)
    made = card(path.stem)
    made.sha256 = persistence.sha256_of(path)
    made.signature = signing.sign(made.signed_payload(), key)
    sidecar_path(path).write_text(made.to_json())


def test_signed_file_that_is_not_an_archive_is_refused_in_words(tmp_path):
    path = tmp_path / "junk.keras"
    path.write_bytes(b"not a zip at all")
    sign_as_ours(path)
    with pytest.raises(ModelFileError, match="not a Keras model archive"):
        load_model(path)


def test_lambda_layer_is_refused_by_safe_mode(tmp_path):
    path = tmp_path / "lambda.keras"
    inputs = keras.Input((28, 28, 1))
    keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs)).save(path)
    sign_as_ours(path)
    with pytest.raises(ModelFileError, match="Lambda layer"):
        load_model(path)


def test_unknown_layer_is_refused_in_words(tmp_path):
    @keras.saving.register_keras_serializable(package="elsewhere")
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2

    path = tmp_path / "custom.keras"
    inputs = keras.Input((28, 28, 1))
    keras.Model(inputs, Doubler()(inputs)).save(path)
    keras.saving.get_custom_objects().pop("elsewhere>Doubler")
    sign_as_ours(path)
    with pytest.raises(ModelFileError, match="kind of layer this app does not know"):
        load_model(path)


def test_two_processes_making_the_key_at_once_agree(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv(signing.KEY_ENV_VAR, str(tmp_path / "race" / "k.key"))
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: signing.installation_key(create=True), range(8)))
    assert len(keys) == 1
