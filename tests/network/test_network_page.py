"""AppTest of the Inside-the-CNN page: both shipped models, with and without a drawn digit."""

from __future__ import annotations

import base64
import json
import re
import time

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from components.common import keys as common_keys
from components.common.handover import CurrentDigit
from components.network import keys
from model.digits.data import load_bundled_sample
from model.files.cards import SHIPPED_NAMES, read_card
from model.inside import filters
from model.network.per_model import PerModel
from tests.conftest import APP_TIMEOUT_S, ROOT
from tests.draw.test_draw_page import (  # noqa: F401 - the fixture is used by name
    ONE,
    canvas,
    prediction_text,
)

NETWORK = "app_pages/network.py"


def open_network(model: str, drawn: np.ndarray | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state[common_keys.ACTIVE_MODEL] = model
    if drawn is not None:
        at.session_state[common_keys.CURRENT_DIGIT] = CurrentDigit(drawn, "your drawing")
    at.run()
    at.switch_page(NETWORK)
    at.run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest, key: str) -> str:
    box = at.get_by_key(key)
    return "\n".join(
        str(e.value) for kind in ("markdown", "caption", "metric") for e in box.get(kind)
    )


def max_difference(at: AppTest) -> float:
    match = re.search(r"max difference: ([0-9.e+-]+)", text_of(at, keys.CONV_CHECK_BOX))
    assert match, text_of(at, keys.CONV_CHECK_BOX)
    return float(match.group(1).rstrip("."))


def a_test_digit(index: int = 3) -> np.ndarray:
    return load_bundled_sample().x_test[index].astype(np.float32) / 255.0


@pytest.mark.parametrize("model", SHIPPED_NAMES)
def test_page_renders_without_a_drawn_digit(model):
    at = open_network(model)
    assert "MNIST test digit #0" in text_of(at, keys.NETWORK_INPUT_BOX)
    total = read_card(model).params
    assert f"{total:,}" in text_of(at, keys.PARAM_TOTAL_BOX)
    assert max_difference(at) <= 1e-5
    assert "they agree" in text_of(at, keys.CONV_CHECK_BOX)
    assert not at.error


def test_seed_total_is_the_books():
    assert "93,322" in text_of(open_network("seed"), keys.PARAM_TOTAL_BOX)


@pytest.mark.parametrize("model", SHIPPED_NAMES)
def test_page_shows_the_drawn_digit(model):
    at = open_network(model, drawn=a_test_digit())
    assert "your drawing (from the Draw page)" in text_of(at, keys.NETWORK_INPUT_BOX)
    # The 28×28 input chart is that digit, value for value.
    np.testing.assert_allclose(_input_z(at), a_test_digit(), atol=1e-6)
    # The user can still pick an MNIST digit instead.
    at.segmented_control(key=keys.NETWORK_SOURCE).set_value("mnist").run()
    assert "MNIST test digit #0" in text_of(at, keys.NETWORK_INPUT_BOX)
    assert not at.exception


def _input_z(at: AppTest) -> np.ndarray:
    """The values of the page's first chart: the 28×28 input the model reads."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return _decode(spec["data"][0]["z"])


def _decode(z) -> np.ndarray:
    """Plotly sends numpy arrays as {dtype, bdata (base64), shape}."""
    if isinstance(z, dict):
        data = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"])
        return data.reshape([int(n) for n in str(z["shape"]).split(",")])
    return np.asarray(z)


def test_the_draw_page_hands_over_exactly_what_its_model_read(canvas):  # noqa: F811
    canvas.drawing = ONE
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state[common_keys.ACTIVE_MODEL] = "seed"
    at.run()
    at.switch_page("app_pages/draw.py")
    at.run()
    assert "## Prediction: 1" in [m.value for m in at.markdown]
    handed = at.session_state[common_keys.CURRENT_DIGIT].pixels
    assert handed.shape == (28, 28) and handed.dtype == np.float32
    at.switch_page(NETWORK)
    at.run()
    assert not at.exception
    text = text_of(at, keys.NETWORK_INPUT_BOX)
    assert "your drawing (from the Draw page)" in text and "The model says **1**" in text
    np.testing.assert_array_equal(_input_z(at), handed)
    # Clearing the drawing forgets it: the page falls back to an MNIST digit.
    canvas.drawing = None
    at.switch_page("app_pages/draw.py")
    at.run()
    assert common_keys.CURRENT_DIGIT not in at.session_state
    at.switch_page(NETWORK)
    at.run()
    assert "MNIST test digit" in text_of(at, keys.NETWORK_INPUT_BOX)


def slanted_test_digit(index: int, shear: float) -> np.ndarray:
    """A bundled test digit at the canvas's size, slanted, as the canvas would send it."""
    big = Image.fromarray(load_bundled_sample().x_test[index]).resize((280, 280), Image.BILINEAR)
    slanted = big.transform(
        big.size, Image.AFFINE, (1, shear, -140 * shear, 0, 1, 0), resample=Image.BILINEAR
    )
    return np.asarray(slanted.convert("RGBA"))


def test_both_pages_give_the_same_prediction_read_once_or_twice(canvas):  # noqa: F811
    # The seed model reads this 3, leaning right, 85.6% sure once and 92.5% twice.
    canvas.drawing = slanted_test_digit(18, -0.5)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state[common_keys.ACTIVE_MODEL] = "seed"
    at.run()
    for upright in (True, False):
        at.switch_page("app_pages/draw.py")
        at.run()
        assert at.toggle(key=common_keys.UPRIGHT).value is upright, "kept while on the other page"
        sure = re.search(r"\d+\.\d% sure", "\n".join(m.value for m in at.markdown))[0]
        digit = re.search(r"# Prediction: (\d)", "\n".join(m.value for m in at.markdown))[1]
        at.switch_page(NETWORK)
        at.run()
        assert not at.exception
        text = text_of(at, keys.NETWORK_INPUT_BOX)
        assert f"The model says **{digit}**, {sure}" in text
        assert ("the average of two readings" in text) is upright, text
        if upright:
            at.switch_page("app_pages/draw.py")
            at.run()
            at.toggle(key=common_keys.UPRIGHT).set_value(False).run()
            assert "two readings" not in prediction_text(at)


@pytest.mark.parametrize("model", SHIPPED_NAMES)
def test_picking_a_cell_updates_the_worked_sum(model):
    at = open_network(model, drawn=a_test_digit())
    before = text_of(at, keys.WORKED_CONV_BOX)
    at.number_input(key=keys.CONV_ROW).set_value(0)
    at.number_input(key=keys.CONV_COL).set_value(0).run()
    after = text_of(at, keys.WORKED_CONV_BOX)
    assert after != before and "Cell (0, 0) of map 0" in after
    assert max_difference(at) <= 1e-5
    # A deeper layer: the patch spans every input channel.
    layer = at.selectbox(key=keys.CONV_LAYER)
    layer.set_value(layer.options[1].split(" ")[0]).run()
    assert not at.exception
    assert "of all 32 input channels" in text_of(at, keys.WORKED_CONV_BOX)
    assert max_difference(at) <= 1e-5


def test_batch_norm_model_works_the_convolution_through_batch_norm_and_relu():
    at = open_network("default")
    worked = text_of(at, keys.WORKED_CONV_BOX)
    assert "no bias of its own: batch normalisation's β" in worked
    for shown in ("batch normalisation (`conv2d_bn`)", "γ =", "β =", "moving mean μ =",
                  "moving variance σ² =", "ε = 0.001", "γ · (x − μ) / √(σ² + ε) + β",
                  "ReLU (`conv2d_relu`): max(0,"):  # fmt: skip
        assert shown in worked, shown
    check = text_of(at, keys.CONV_CHECK_BOX)
    assert "the model (`conv2d_relu`)" in check and "they agree" in check


def test_seed_model_works_the_convolution_with_its_bias_and_relu():
    at = open_network("seed")
    worked = text_of(at, keys.WORKED_CONV_BOX)
    assert "plus the bias" in worked and "ReLU: max(0," in worked
    assert "batch normalisation" not in worked
    check = text_of(at, keys.CONV_CHECK_BOX)
    assert "the model (`conv2d`)" in check and "they agree" in check


def test_switching_model_keeps_the_picked_cell_inside_the_map():
    at = open_network("default")  # conv2d is 28×28 here, 26×26 in the seed model
    at.number_input(key=keys.CONV_ROW).set_value(27).run()
    at.session_state[common_keys.ACTIVE_MODEL] = "seed"
    at.run()
    assert not at.exception
    assert at.number_input(key=keys.CONV_ROW).value == 25
    assert "93,322" in text_of(at, keys.PARAM_TOTAL_BOX)


def test_other_panels_follow_their_pickers():
    at = open_network("seed")
    at.number_input(key=keys.FILTER_OUT).set_value(63)
    at.number_input(key=keys.FILTER_IN).set_value(31).run()
    at.number_input(key=keys.POOL_ROW).set_value(12)
    at.number_input(key=keys.POOL_CHANNEL).set_value(31).run()
    at.number_input(key=keys.DENSE_UNIT).set_value(0).run()
    assert not at.exception and not at.error
    assert any("Neuron 0 of" in m.value for m in at.markdown)


@pytest.fixture
def no_filter_climbed(monkeypatch):
    """No exciting input found yet: the server keeps those it found for every session, so a
    test that climbed a filter before this one would otherwise leave its result shown."""
    monkeypatch.setattr(filters, "_ASCENTS", PerModel(filters.FilterAscent))


def test_the_input_that_excites_a_filter_is_found_on_request(no_filter_climbed):
    at = open_network("seed")
    charts = len(at.get("plotly_chart"))
    at.button[[b.label for b in at.button].index("What excites it?")].click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts + 1
    assert any("on the blank start" in c.value for c in at.caption)


def test_random_test_digit_picks_another():
    at = open_network("seed")
    at.button[[b.label for b in at.button].index("Random")].click().run()
    assert "MNIST test digit #0" not in text_of(at, keys.NETWORK_INPUT_BOX)
    assert not at.exception


def test_a_malformed_drawn_input_is_ignored():
    at = open_network("seed", drawn=np.zeros((5, 5), np.float32))
    assert "MNIST test digit #0" in text_of(at, keys.NETWORK_INPUT_BOX)


def test_a_model_that_cannot_be_loaded_is_named():
    at = open_network("/no/such/model.keras")
    assert at.error and not at.exception
    assert not at.get("plotly_chart")


def shown(at: AppTest, key: str) -> bool:
    try:
        at.get_by_key(key)
    except KeyError:  # AppTest's way of saying that no element has this key
        return False
    return True


def test_the_digit_space_appears_once_the_test_digits_are_placed():
    at = open_network("seed", drawn=a_test_digit(17))
    deadline = time.monotonic() + 300
    # Placed in the background: a person sees it appear, on the first open of a server
    # as well as after another page placed the digits already (a test run before this).
    while not shown(at, keys.DIGIT_SPACE_BOX) and time.monotonic() < deadline:
        time.sleep(1)
        at.run()
    text = text_of(at, keys.DIGIT_SPACE_BOX)
    assert "first 2,000 MNIST test digits" in text and "PCA" in text
    # Test digit #17 itself is its own nearest neighbour, at distance 0.
    assert at.image[-1].captions[0].startswith("#17 · label")


@pytest.mark.slow
def test_a_model_trained_here_from_a_preset_gets_every_view(tmp_path):
    from model.files.cards import ModelCard
    from model.files.persistence import save_model
    from model.training.recipes import Recipe
    from model.training.trainer import train
    from tests.helpers import tiny_mnist

    recipe = Recipe.for_preset("robust", epochs=1, batch_size=64, train_size=128)
    result = train("robust", recipe, tiny_mnist())
    path = tmp_path / "mine.keras"
    card = ModelCard(
        name="mine",
        preset="robust",
        recipe=recipe.to_dict(),
        trained_on="first 128 MNIST training digits",
        test_set="first 200 digits of the official MNIST test set",
        test_loss=result.test_loss,
        test_accuracy=result.test_accuracy,
        params=0,
        sha256="",
    )
    save_model(result.model, path, card)
    at = open_network(str(path), drawn=a_test_digit())
    assert f"{result.model.count_params():,}" in text_of(at, keys.PARAM_TOTAL_BOX)
    assert max_difference(at) <= 1e-5 and "they agree" in text_of(at, keys.CONV_CHECK_BOX)
    assert not at.error


def test_the_charts_have_summaries_with_their_numbers():
    at = open_network("seed", drawn=a_test_digit())
    summaries = [h.proto.body for h in at.get("html") if "Chart: " in h.proto.body]
    said = re.search(r"The model says \*\*(\d)\*\*", text_of(at, keys.NETWORK_INPUT_BOX))
    (input_summary,) = [s for s in summaries if "input the model reads" in s]
    assert f"which the model reads as {said.group(1)}" in input_summary
    pixels = a_test_digit()
    row, col = np.unravel_index(int(np.argmax(pixels)), pixels.shape)
    assert f"Largest brightness: row {row}, column {col} ({pixels[row, col]:.3f})" in input_summary
    (chain,) = [s for s in summaries if "shape of the data" in s]
    assert "input 28×28×1 → " in chain
    assert any("map 0. 26×26 grid. Largest values: row" in s for s in summaries)


def chart_summaries(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "Chart: " in h.proto.body]


@pytest.mark.parametrize("model", SHIPPED_NAMES)
def test_every_chart_on_the_page_has_a_summary(model, no_filter_climbed):
    at = open_network(model, drawn=a_test_digit())
    at.button[[b.label for b in at.button].index("What excites it?")].click().run()
    assert not at.exception, at.exception
    assert any("what excites filter" in s for s in chart_summaries(at))
    # One hidden sentence per chart: a chart without one is a picture a screen reader skips.
    assert len(chart_summaries(at)) == len(at.get("plotly_chart")) >= 12
