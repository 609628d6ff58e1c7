"""Light strokes give the model the same input as the whole picture did, byte for byte.

recorded_strokes.json.gz holds drawings made by Chromium on the draw page
(benchmarks/pages/strokes_bytes.py --record): each stroke drawn once with the app as it
was (the canvas sent its whole PNG; kept here, for each stroke, the 28x28 input
made of it and a hash of its pixels) and once with light strokes (kept here: the
values the canvas sent). Replayed into the server's copy, the light values must
give the same pixels and the same input.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from components.draw.strokes import CanvasCopy
from model.preprocess.digit import prepare_for_ink

RECORDED = json.loads(
    gzip.decompress((Path(__file__).parent / "recorded_strokes.json.gz").read_bytes())
)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_light_strokes_give_todays_input_byte_for_byte(name):
    drawing = RECORDED[name]
    copy = CanvasCopy()
    assert len(drawing["light"]) == len(drawing["today"]) == len(drawing["strokes"])
    for stroke, (value, today) in enumerate(zip(drawing["light"], drawing["today"], strict=True)):
        pixels = copy.receive(value).pixels
        assert hashlib.sha256(pixels.tobytes()).hexdigest() == today["pixels_sha256"], stroke
        prepared = prepare_for_ink(pixels, "light-on-dark").input
        assert prepared.dtype == np.float32
        assert prepared.tobytes() == base64.b64decode(today["input"]), stroke


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_stroke_sends_the_stroke_not_the_drawing(name):
    values = RECORDED[name]["light"]
    for stroke, (before, value) in enumerate(zip(values, values[1:], strict=False), start=1):
        # From the drawing the server held after the stroke before: all its paths
        # kept, the new one added, and the picture's change inside the new stroke's box.
        assert value["base"] == before["seq"]
        assert value["objects"]["keep"] == stroke
        assert len(value["objects"]["add"]) == 1
        x, y, w, h = value["picture"]["box"]
        path_box = value["objects"]["add"][0]
        assert w <= path_box["width"] + path_box["strokeWidth"] + 4
        assert h <= path_box["height"] + path_box["strokeWidth"] + 4
