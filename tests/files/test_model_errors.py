"""Every way the active model can be bad gives a sentence, and every page keeps working.

The sentence names the model (its file's stem), never the server's path to it.
"""

from __future__ import annotations

import json

import keras
import pytest
from streamlit.testing.v1 import AppTest

from components.common import keys
from model.files import persistence, signing
from model.files.cards import ModelCard, sidecar_path
from model.network.architectures import build
from tests.conftest import APP_TIMEOUT_S, ROOT


def signed_card_for(path):
    """A card this installation signed, as if the app had saved the file."""
    card = ModelCard("bad", "seed", {}, "test digits", "none", 0.0, 0.5, 0, "0" * 64)
    card.sha256 = persistence.sha256_of(path)
    card.signature = signing.sign(card.signed_payload(), signing.installation_key(create=True))
    sidecar_path(path).write_text(card.to_json())


def good_model(path):
    persistence.save_model(build("seed"), path, ModelCard("bad", "seed", {}, "", "", 0, 0, 0, ""))


def edit_card(path, **changes):
    raw = json.loads(sidecar_path(path).read_text())
    raw.update(changes)
    sidecar_path(path).write_text(json.dumps(raw))


def missing_file(path):
    pass


def missing_card(path):
    good_model(path)
    sidecar_path(path).unlink()


def unreadable_card(path):
    good_model(path)
    sidecar_path(path).unlink()
    sidecar_path(path).mkdir()  # a folder where the card should be: reading it fails


def wrong_types(path):
    good_model(path)
    edit_card(path, test_accuracy="high")


def null_hash(path):
    good_model(path)
    edit_card(path, sha256=None)


def missing_fields(path):
    good_model(path)
    sidecar_path(path).write_text('{"name": "bad"}')


def changed_file(path):
    good_model(path)
    with open(path, "ab") as f:
        f.write(b"changed")


def unsigned(path):
    good_model(path)
    edit_card(path, signature="")


def not_a_zip(path):
    path.write_bytes(b"hello")
    signed_card_for(path)


def lambda_layer(path):
    inputs = keras.Input((28, 28, 1))
    keras.Model(inputs, keras.layers.Lambda(lambda x: x)(inputs)).save(path)
    signed_card_for(path)


CASES = {
    missing_file: "is missing",
    missing_card: "has no model card",
    unreadable_card: "cannot be read",
    wrong_types: 'test_accuracy is "high"',
    null_hash: "sha256 is null",
    missing_fields: "has no preset",
    changed_file: "does not match its card",
    unsigned: "not signed by this installation",
    not_a_zip: "not a Keras model archive",
    lambda_layer: "Lambda layer",
}


@pytest.mark.parametrize("make_bad", CASES, ids=[f.__name__ for f in CASES])
def test_bad_model_is_a_sentence_on_every_page(make_bad, tmp_path):
    path = tmp_path / "bad.keras"
    make_bad(path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state[keys.ACTIVE_MODEL] = str(path)
    shown = []
    for page in ("app_pages/image.py", "app_pages/draw.py", "app_pages/network.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, at.exception)
        assert at.title, f"{page} still renders"
        shown += [e.value for e in at.error] + [e.value for e in at.sidebar.get("error")]
    assert shown, "the problem is said somewhere"
    assert any(CASES[make_bad] in text for text in shown), shown
    assert all(str(tmp_path) not in text for text in shown), "no server paths"
    assert any("“bad”" in text for text in shown), "the model is named"
