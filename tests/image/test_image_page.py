"""AppTest: the Explore-an-image page, its uploads and failure paths.

Every expected number is computed here with numpy and Pillow from the same file.
"""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import subprocess
import sys
import textwrap
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from components.common.literal_text import literal
from components.image import keys
from components.image import store as image_store
from model.images.samples import SAMPLES_DIR
from tests.conftest import APP_TIMEOUT_S, ROOT

PAGE = "app_pages/image.py"
MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "tif": "image/tiff"}


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    mime = MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    at.file_uploader(key=keys.IMAGE_UPLOAD).set_value((name, data, mime))
    at.run()
    assert not at.exception, at.exception
    return at


def shown(markdown: str) -> str:
    """What a person reads: the Markdown source without its backslash escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)


def box_text(at: AppTest, key: str) -> str:
    """All the text inside the container with this key."""
    box = at.main.get_by_key(key)
    return "\n".join(
        str(node.value) for node in box if isinstance(getattr(node, "value", None), str)
    )


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def pick_pixel(at: AppTest, row: int, col: int) -> AppTest:
    at.number_input(key=keys.PIXEL_ROW).set_value(row)
    at.number_input(key=keys.PIXEL_COL).set_value(col)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def page():
    return open_page()


def test_default_sample_shows_the_classic_400_by_400(page):
    image = np.asarray(Image.open(SAMPLES_DIR / "astronaut_400.jpg"))
    assert "(400, 400, 3)" in box_text(page, keys.IMAGE_SHAPE_BOX)
    assert "400 × 400 = **160,000**" in box_text(page, keys.IMAGE_SHAPE_BOX)
    assert str(image[0][0].tolist()) in box_text(page, keys.PIXEL_VALUE_BOX)
    assert not page.error


def test_page_has_every_section_downloads_and_the_draw_link(page):
    headers = [h.value for h in page.header]
    assert headers == [
        "1. The image as an array",
        "2. One pixel",
        "3. Channels",
        "4. Grayscale",
        "5. Flatten: one long row of numbers",
        "6. What the digit model sees",
        "7. Take the numbers with you",
    ]
    assert [b.label for b in page.download_button][:2] == [
        "Grayscale PNG",
        "The array as .npy (400, 400, 3)",
    ]
    assert any("Draw a digit" in link.label for link in page.get("page_link"))
    assert any("0.299" in latex.value for latex in page.latex)


def test_upload_then_pick_a_pixel_shows_numpys_values():
    data = (SAMPLES_DIR / "chelsea.png").read_bytes()
    image = np.asarray(Image.open(io.BytesIO(data)))
    at = upload(open_page(), "chelsea.png", data)
    assert "(300, 451, 3)" in box_text(at, keys.IMAGE_SHAPE_BOX)
    assert "[143, 120, 104]" in box_text(at, keys.PIXEL_VALUE_BOX)  # image[0][0]
    pick_pixel(at, 123, 321)
    text = box_text(at, keys.PIXEL_VALUE_BOX)
    assert f">>> image[123][321]\n{image[123][321]!r}" in text
    assert str(image[123][321].tolist()) in text
    gray = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    codes = "\n".join(code.value for code in at.code)
    assert f">>> gray[123][321]\n{gray[123][321]!r}" in codes
    assert f"flat[123 * 451 + 321]\n{gray.ravel()[123 * 451 + 321]!r}" in codes
    assert "(135300,)" in codes


def test_grayscale_upload_states_one_channel():
    data = (SAMPLES_DIR / "camera.png").read_bytes()
    at = upload(open_page(), "camera.png", data)
    assert "(512, 512)" in box_text(at, keys.IMAGE_SHAPE_BOX)
    assert "np.uint8(200)" in box_text(at, keys.PIXEL_VALUE_BOX)  # image[0][0]
    assert any("**one channel**" in md.value for md in at.markdown)


def test_choosing_another_sample():
    at = open_page()
    at.selectbox(key=keys.IMAGE_SAMPLE).set_value("coffee.jpg")
    at.run()
    assert "(400, 600, 3)" in box_text(at, keys.IMAGE_SHAPE_BOX)


def test_camera_photo_is_used_when_taken():
    at = open_page()
    at.toggle(key=keys.IMAGE_USE_CAMERA).set_value(True)
    at.run()
    photo = encode(Image.new("RGB", (64, 48), (10, 200, 30)), "JPEG", quality=95)
    at.camera_input(key=keys.IMAGE_CAMERA).set_value(("photo.jpg", photo, "image/jpeg"))
    at.run()
    assert not at.exception, at.exception
    assert "(48, 64, 3)" in box_text(at, keys.IMAGE_SHAPE_BOX)


def test_a_smaller_image_keeps_the_pixel_inside_it():
    at = open_page()
    pick_pixel(at, 399, 399)
    at = upload(at, "tiny.png", encode(Image.new("L", (5, 3), 77), "PNG"))
    assert at.number_input(key=keys.PIXEL_ROW).value == 2
    assert at.number_input(key=keys.PIXEL_COL).value == 4
    assert "np.uint8(77)" in box_text(at, keys.PIXEL_VALUE_BOX)


# --- Odd modes: shape and dtype of what was decoded, and the conversion explained ---


def png_of(data_uri: str) -> bytes:
    """The PNG file inside a data: URI, as the figures give their pictures."""
    return base64.b64decode(data_uri.split(",", 1)[1])


def mode_file(mode: str) -> tuple[str, bytes]:
    rng = np.random.default_rng(1)
    if mode == "I;16":
        return "deep.png", encode(
            Image.fromarray(rng.integers(0, 65536, (6, 9), dtype=np.uint16)), "PNG"
        )
    if mode == "RGBA":
        return "alpha.png", encode(
            Image.fromarray(rng.integers(0, 256, (6, 9, 4), dtype=np.uint8)), "PNG"
        )
    if mode == "LA":
        return "gray-alpha.png", encode(
            Image.fromarray(rng.integers(0, 256, (6, 9, 2), dtype=np.uint8)), "PNG"
        )
    if mode == "P":
        return "palette.png", encode(Image.new("RGB", (9, 6), (200, 10, 10)).convert("P"), "PNG")
    if mode == "CMYK":
        return "print.jpg", encode(Image.new("CMYK", (9, 6), (0, 255, 255, 0)), "JPEG")
    if mode == "1":
        return "bits.png", encode(Image.new("1", (9, 6), 1), "PNG")
    raise ValueError(mode)


@pytest.mark.parametrize(
    ("mode", "shape", "dtype", "note"),
    [
        ("I;16", "(6, 9)", "uint16", "16-bit"),
        ("RGBA", "(6, 9, 4)", "uint8", None),
        ("LA", "(6, 9, 2)", "uint8", None),
        ("P", "(6, 9, 3)", "uint8", "Palette"),
        ("CMYK", "(6, 9, 3)", "uint8", "CMYK"),
        ("1", "(6, 9)", "uint8", "1-bit"),
    ],
)
def test_odd_modes_show_shape_dtype_and_conversion(mode, shape, dtype, note):
    name, data = mode_file(mode)
    at = upload(open_page(), name, data)
    text = box_text(at, keys.IMAGE_SHAPE_BOX)
    assert shape in text and f"dtype('{dtype}')" in text
    if note:
        assert any(note in info.value for info in at.info), [i.value for i in at.info]
    assert not at.error


def test_gif_says_first_frame():
    frames = [Image.new("RGB", (8, 8), c) for c in [(255, 0, 0), (0, 0, 255)]]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    at = upload(open_page(), "anim.gif", data)
    assert any("first frame of 2" in info.value for info in at.info)


def test_corrupt_exif_warns_and_shows_the_image():
    data = encode(Image.new("RGB", (8, 6)), "JPEG", exif=b"Exif\x00\x00not tiff at all")
    at = upload(open_page(), "broken-exif.jpg", data)
    assert any("EXIF" in warning.value for warning in at.warning)
    assert "(6, 8, 3)" in box_text(at, keys.IMAGE_SHAPE_BOX)


# --- Bad files: a clear message and nothing else -------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"just some text, renamed to .png\n", "notes.png: not an image"),
        (
            "cut.jpg",
            encode(Image.new("RGB", (64, 64), (9, 9, 9)), "JPEG")[:300],
            "cut.jpg: starts like a JPEG file but is damaged or cut short",
        ),
        ("bomb.png", encode(Image.new("1", (20_000, 20_000)), "PNG"), "50 megapixels"),
    ],
    ids=["text-as-png", "truncated-jpeg", "bomb"],
)
def test_bad_file_gives_a_clear_error_and_no_crash(name, data, message):
    at = upload(open_page(), name, data)
    assert any(message in shown(error.value) for error in at.error), [e.value for e in at.error]
    assert at.main.number_input.len == 0  # nothing below the error is drawn
    assert not at.exception


def test_bad_upload_does_not_touch_another_session():
    good = open_page()
    bad = upload(open_page(), "notes.png", b"not an image")
    assert bad.error
    good.run()
    assert not good.error
    assert "(400, 400, 3)" in box_text(good, keys.IMAGE_SHAPE_BOX)


# --- Speed: this page never imports TensorFlow ----------------------------------------


def test_image_page_does_not_import_tensorflow():
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout={APP_TIMEOUT_S})
        at.run()
        at.switch_page({PAGE!r})
        at.run()
        assert not at.exception, at.exception
        assert at.title[0].value == "Explore an image", at.title
        loaded = sorted(m for m in sys.modules if m == "tensorflow" or m.startswith("tensorflow."))
        print("TENSORFLOW_MODULES", len(loaded))
        assert "tensorflow" not in sys.modules, loaded[:5]
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TENSORFLOW_MODULES 0" in result.stdout


# --- What a file brings with it is shown as it is, and said clearly ---------------------

ODD_NAME = "**x**_$y$<b>:red[z].png"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_file_name_is_shown_literally_in_the_caption_code_and_errors():
    good = upload(open_page(), ODD_NAME, encode(Image.new("RGB", (4, 3)), "PNG"))
    caption = good.get("image")[0].captions[0]
    assert caption == f"{literal(ODD_NAME)} (your upload)"
    assert shown(caption) == f"{ODD_NAME} (your upload)"
    assert f"Image.open({ODD_NAME!r})" in box_text(good, keys.IMAGE_SHAPE_BOX)  # code: as typed
    bad = upload(open_page(), ODD_NAME, b"not an image at all")
    assert bad.error[0].value.startswith(literal(ODD_NAME) + literal(": not an image"))


def test_text_chunk_bomb_is_called_a_bomb():
    plain = encode(Image.new("RGB", (8, 8)), "PNG")
    bomb = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(bytes(20 * 2**20), 9))
    at = upload(open_page(), "bomb.png", plain[:33] + bomb + plain[33:])
    assert "decompression bomb" in shown(at.error[0].value)
    assert "damaged" not in shown(at.error[0].value)


def test_16_bit_colour_png_says_it_is_shown_at_8_bits():
    pixel = struct.pack(">HHH", 1000, 2000, 65535)
    rows = b"".join(b"\x00" + pixel * 3 for _ in range(2))
    header = struct.pack(">IIBBBBB", 3, 2, 16, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )
    at = upload(open_page(), "deep-colour.png", data)
    assert "dtype('uint8')" in box_text(at, keys.IMAGE_SHAPE_BOX)
    assert any("16 bits per channel" in info.value for info in at.info)


def test_float_tiff_with_infinity_says_what_it_found_and_warns_nothing():
    values = np.array([[0.0, 1.0, 2.0], [np.inf, 2.0, 1.0]], dtype=np.float32)
    at = open_page()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # it used to draw all black, warning
        at = upload(at, "inf.tif", encode(Image.fromarray(values), "TIFF"))
    assert any("1 × +inf" in warning.value for warning in at.warning)
    assert "(np.float32(0.0), np.float32(inf))" in box_text(at, keys.IMAGE_SHAPE_BOX)
    pick_pixel(at, 1, 0)
    assert "np.float32(inf)" in box_text(at, keys.PIXEL_VALUE_BOX)


def test_channel_words_match_the_tinted_pictures_and_alpha_is_framed():
    at = upload(open_page(), *mode_file("RGBA"))
    words = next(md.value for md in at.markdown if "counts the channels" in md.value)
    assert "grayscale picture" not in words
    assert "its own colour" in words and "black (0: see-through) to white" in words
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(keys.CHANNELS_CHART))
    figure = json.loads(chart.proto.spec)
    alpha_picture = figure["layout"]["xaxis4"]  # row 1 holds the pictures; the 4th is alpha
    assert alpha_picture["showline"] and alpha_picture["mirror"]
    # Each picture holds its channel's values exactly, in its own colour; hovering
    # reads them back from there. Alpha is drawn black (0) to white (255).
    rgba = np.asarray(Image.open(io.BytesIO(mode_file("RGBA")[1])))
    for i, (holder, tint) in enumerate([(0, "R"), (1, "G"), (2, "B"), (0, "RGB")]):
        trace = figure["data"][2 * i]
        drawn = np.asarray(Image.open(io.BytesIO(png_of(trace["source"]))).convert("RGB"))
        for c in range(3):
            expected = rgba[:, :, i] if "RGB"[c] in tint else 0
            np.testing.assert_array_equal(drawn[:, :, c], expected)
        assert f"%{{color[{holder}]}}" in trace["hovertemplate"]


def test_pixel_code_wraps_so_an_rgba_value_is_never_cut_off():
    at = upload(open_page(), *mode_file("RGBA"))
    box = at.main.get_by_key(keys.PIXEL_VALUE_BOX)
    code = next(node for node in box if getattr(node, "type", "") == "code")
    assert "dtype=uint8)" in code.value and code.proto.wrap_lines


def test_download_clicks_do_not_rerun_the_page(page):
    # A rerun replaced the other button's file: a second click just after the first
    # found it gone. The browser test checks that both files arrive.
    assert [button.proto.ignore_rerun for button in page.download_button] == [True, True]


# --- Memory: one analysis per distinct file, within a byte budget --------------------------


def test_sessions_share_one_analysis_of_the_same_file():
    image_store.clear()
    data = encode(Image.new("RGB", (50, 40), (1, 2, 3)), "PNG")
    upload(open_page(), "a.png", data)
    stored = len(image_store._CACHE)  # the default sample and this file
    upload(open_page(), "same-bytes-other-name.png", data)
    assert len(image_store._CACHE) == stored == 2


def test_store_stays_in_budget_and_an_evicted_image_comes_back(monkeypatch):
    image_store.clear()
    monkeypatch.setattr(image_store._CACHE, "budget", 150_000)  # room for one 200 × 200 RGB
    images = [RNG_PAGE.integers(0, 256, (200, 200, 3), dtype=np.uint8) for _ in range(3)]
    first = upload(open_page(), "first.png", encode(Image.fromarray(images[0]), "PNG"))
    for i, image in enumerate(images[1:]):
        upload(open_page(), f"other{i}.png", encode(Image.fromarray(image), "PNG"))
        assert image_store._CACHE.total_bytes <= 150_000
    pick_pixel(first, 123, 45)  # its analysis was dropped: made again, same numbers
    assert str(images[0][123][45].tolist()) in box_text(first, keys.PIXEL_VALUE_BOX)
    assert image_store._CACHE.total_bytes <= 150_000


RNG_PAGE = np.random.default_rng(11)


def test_an_upload_survives_a_visit_to_another_page():
    # Streamlit empties the upload box when its page is left; the image must stay.
    at = open_page()
    image = np.zeros((37, 53, 3), np.uint8)
    upload(at, "mine.png", encode(Image.fromarray(image), "PNG"))
    assert "(37, 53, 3)" in box_text(at, keys.IMAGE_SHAPE_BOX)
    at.switch_page("app_pages/training.py")
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert "(37, 53, 3)" in box_text(at, keys.IMAGE_SHAPE_BOX), "still the upload"
    assert any("Still showing your upload “mine.png”" in shown(c.value) for c in at.caption)
    at.button[[b.label for b in at.button].index("Back to the sample photos")].click().run()
    assert "(37, 53, 3)" not in box_text(at, keys.IMAGE_SHAPE_BOX), "the samples again"


def test_removing_the_upload_goes_back_to_the_samples():
    at = open_page()
    upload(at, "mine.png", encode(Image.fromarray(np.zeros((37, 53, 3), np.uint8)), "PNG"))
    at.file_uploader(key=keys.IMAGE_UPLOAD).set_value(None)
    at.run()
    assert "(37, 53, 3)" not in box_text(at, keys.IMAGE_SHAPE_BOX)
    assert not any("Still showing" in c.value for c in at.caption)


def test_an_earlier_image_dropped_from_the_store_is_said_in_words():
    at = open_page()
    upload(at, "mine.png", encode(Image.fromarray(np.zeros((37, 53, 3), np.uint8)), "PNG"))
    at.switch_page("app_pages/training.py")
    at.run()
    image_store.clear()  # other sessions' big uploads pushed it out
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert any("Upload it again" in shown(e.value) for e in at.error)
    at.run()  # the next run shows the samples, not the same error again
    assert not at.error


def test_every_chart_has_a_summary_with_the_images_numbers():
    data = (SAMPLES_DIR / "chelsea.png").read_bytes()
    at = pick_pixel(upload(open_page(), "chelsea.png", data), 123, 321)
    summaries = [h.proto.body for h in at.get("html") if "Chart: " in h.proto.body]
    # One hidden sentence per chart: a chart without one is a picture a screen reader skips.
    assert len(summaries) == len(at.get("plotly_chart")) == 6
    gray = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    counts = np.bincount(gray.ravel(), minlength=256)
    (histogram,) = [s for s in summaries if "histogram of the gray values" in s]
    assert (
        f"gray: {gray.size:,} values from {gray.min()} to {gray.max()}, mean {gray.mean():.1f}; "
        f"the most common is {counts.argmax()} ({counts.max():,} pixels)."
    ) in histogram
    red = np.asarray(Image.open(io.BytesIO(data)))[:, :, 0]
    (channels,) = [s for s in summaries if "each channel as a picture" in s]
    assert f"red: {red.size:,} values from {red.min()} to {red.max()}, mean {red.mean():.1f}" in (
        channels
    )
    (vector,) = [s for s in summaries if "one flat vector" in s]
    assert f"flat[{123 * 451 + 321:,}] = {gray[123, 321]}." in vector
