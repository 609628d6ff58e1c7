"""The server's copy of the canvas (components/draw/strokes.py), fed light-strokes values.

`change` here makes the values the canvas's script sends (assets/canvas_light_strokes.js),
the same arithmetic in numpy; tests/draw/test_recorded_strokes.py replays values a real
Chromium sent.
"""

from __future__ import annotations

import base64
import io
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from components.draw.strokes import MAX_KEPT, CanvasCopy, UnusableChange

SIDE = 280


def picture(*lines: tuple[int, int, int, int], alpha: int = 255) -> np.ndarray:
    """White anti-aliased-looking lines on opaque black, (SIDE, SIDE, 4) uint8."""
    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, alpha))
    draw = ImageDraw.Draw(image)
    for line in lines:
        draw.line(line, fill=(255, 255, 255, 255), width=18)
    return np.asarray(image.resize((SIDE // 2, SIDE // 2)).resize((SIDE, SIDE)))


def change(after: np.ndarray, before: np.ndarray | None, **value) -> dict:
    """What the canvas sends: `after` as the bytes it differs by from `before` (None: black)."""
    if before is None:
        before = np.zeros_like(after)
        before[..., 3] = 255
    diff = after - before  # uint8: wraps around, as the script's & 255
    rows, cols = np.nonzero(diff.any(axis=2))
    if len(rows) == 0:
        box, crop = [0, 0, 0, 0], np.zeros(0, np.uint8)
    else:
        top, left = rows.min(), cols.min()
        h, w = rows.max() - top + 1, cols.max() - left + 1
        box, crop = [int(left), int(top), int(w), int(h)], diff[top : top + h, left : left + w]
    gray = crop.size == 0 or (
        (crop[..., 1] == crop[..., 0]).all()
        and (crop[..., 2] == crop[..., 0]).all()
        and (crop[..., 3] == 0).all()
    )
    data = crop[..., :1] if gray and crop.size else crop
    return {
        "canvas": "c1",
        "base": 0,
        "objects": {"keep": 0, "add": []},
        "size": [SIDE, SIDE],
        "picture": {
            "box": box,
            "channels": 1 if gray else 4,
            "deflated": base64.b64encode(
                zlib.compress(np.ascontiguousarray(data).tobytes())
            ).decode(),
        },
        **value,
    }


def _png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


HUGE_PNG = _png(Image.new("L", (5000, 10)))
ONE = picture((140, 40, 142, 240))
SEVEN = picture((70, 50, 210, 50), (210, 50, 120, 240))
SEVEN_CROSSED = picture((70, 50, 210, 50), (210, 50, 120, 240), (110, 150, 200, 150))


def test_the_first_stroke_gives_the_browsers_picture_exactly():
    copy = CanvasCopy()
    drawing = copy.receive(change(ONE, None, seq=1, objects={"keep": 0, "add": ["a"]}))
    assert drawing.pixels.tobytes() == ONE.tobytes()
    assert drawing.objects == ["a"]
    assert copy.ack() == {"canvas": "c1", "seq": 1}


def test_each_stroke_adds_to_the_drawing_held():
    copy = CanvasCopy()
    copy.receive(change(SEVEN, None, seq=1, objects={"keep": 0, "add": ["a", "b"]}))
    added = change(SEVEN_CROSSED, SEVEN, seq=2, base=1, objects={"keep": 2, "add": ["c"]})
    drawing = copy.receive(added)
    assert drawing.pixels.tobytes() == SEVEN_CROSSED.tobytes()
    assert drawing.objects == ["a", "b", "c"]
    # What a stroke sends is the stroke, not the picture: its change is smaller.
    assert len(added["picture"]["deflated"]) < len(
        change(SEVEN_CROSSED, None)["picture"]["deflated"]
    )


def test_undo_takes_ink_away_exactly():
    copy = CanvasCopy()
    copy.receive(change(SEVEN_CROSSED, None, seq=1, objects={"keep": 0, "add": ["a", "b", "c"]}))
    undone = copy.receive(
        change(SEVEN, SEVEN_CROSSED, seq=2, base=1, objects={"keep": 2, "add": []})
    )
    assert undone.pixels.tobytes() == SEVEN.tobytes()
    assert undone.objects == ["a", "b"]


def test_a_value_heard_again_is_the_same_drawing():
    copy = CanvasCopy()
    value = change(ONE, None, seq=1, objects={"keep": 0, "add": ["a"]})
    first = copy.receive(value)
    assert copy.receive(value) is first


def test_values_skipped_on_the_way_lose_nothing():
    # Streamlit keeps a widget's latest value only: the canvas sent 2 and 3 from 1,
    # the server heard 3 alone.
    copy = CanvasCopy()
    copy.receive(change(ONE, None, seq=1))
    drawing = copy.receive(change(SEVEN_CROSSED, ONE, seq=3, base=1))
    assert drawing.pixels.tobytes() == SEVEN_CROSSED.tobytes()
    # A change still on its way from 1 (the canvas had not heard of 3) is still added.
    assert copy.receive(change(SEVEN, ONE, seq=4, base=1)).pixels.tobytes() == SEVEN.tobytes()


def test_a_change_from_a_drawing_not_held_asks_for_the_whole_drawing():
    copy = CanvasCopy()
    copy.receive(change(ONE, None, seq=1))
    with pytest.raises(UnusableChange):
        copy.receive(change(SEVEN, ONE, seq=5, base=4))
    assert copy.ack() == {"canvas": "c1", "seq": 0, "resend": 5}
    whole = copy.receive(change(SEVEN, None, seq=6))
    assert whole.pixels.tobytes() == SEVEN.tobytes()
    assert copy.ack() == {"canvas": "c1", "seq": 6}


def test_a_new_canvas_starts_from_black():
    copy = CanvasCopy()
    copy.receive(change(SEVEN, None, seq=7))
    drawing = copy.receive(change(ONE, None, seq=1, canvas="c2"))
    assert drawing.pixels.tobytes() == ONE.tobytes()
    assert copy.ack() == {"canvas": "c2", "seq": 1}


def test_a_change_that_is_not_gray_keeps_all_four_channels():
    see_through = picture((140, 40, 142, 240), alpha=200)
    value = change(see_through, None, seq=1)
    assert value["picture"]["channels"] == 4
    assert CanvasCopy().receive(value).pixels.tobytes() == see_through.tobytes()


def test_only_the_drawings_still_needed_are_kept():
    copy = CanvasCopy()
    previous = None
    for seq in range(1, 10):
        after = picture((10 * seq, 20, 10 * seq + 5, 200))
        copy.receive(change(after, previous, seq=seq, base=seq - 1))
        previous = after
    assert len(copy.kept) <= MAX_KEPT
    assert sorted(copy.kept)[-1] == 9


def test_a_whole_png_is_the_picture_as_it_decodes():
    # What a browser without CompressionStream sends.
    value = {
        **change(ONE, None, seq=1),
        "picture": {"png": "data:image/png;base64," + _png(Image.fromarray(SEVEN))},
    }
    drawing = CanvasCopy().receive(value)
    assert drawing.pixels.tobytes() == SEVEN.tobytes()
    assert drawing.stored.ndim == 2  # kept as one band: it is gray and opaque


def test_an_empty_change_keeps_the_picture():
    copy = CanvasCopy()
    copy.receive(change(ONE, None, seq=1))
    assert copy.receive(change(ONE, ONE, seq=2, base=1)).pixels.tobytes() == ONE.tobytes()


@pytest.mark.parametrize(
    "broken",
    [
        {},
        "not a dict",
        {"canvas": "c1", "seq": "x", "base": 0},
        {
            **change(ONE, None, seq=1),
            "picture": {"box": [0, 0, 10, 10], "channels": 1, "deflated": "!!"},
        },
        {
            **change(ONE, None, seq=1),
            "picture": {"box": [270, 0, 20, 10], "channels": 1, "deflated": ""},
        },
        {
            **change(ONE, None, seq=1),
            "picture": {"box": [0, 0, 10, 10], "channels": 3, "deflated": ""},
        },
        {**change(ONE, None, seq=1), "size": [0, 0]},
        {**change(ONE, None, seq=1), "size": [100000, 100000]},
        {**change(ONE, None, seq=1), "objects": None},
        {**change(ONE, None, seq=1), "picture": {"png": "data:image/png;base64,AAAA"}},
        {**change(ONE, None, seq=1), "picture": {"png": "data:image/png;base64," + HUGE_PNG}},
    ],
)
def test_a_broken_value_is_refused_not_raised(broken):
    copy = CanvasCopy()
    with pytest.raises(UnusableChange):
        copy.receive(broken)
