"""Unit tests for model/images/decoding.py, model/images/analysis.py and the image page's charts.

Every odd file is made here with Pillow, in memory or under tmp_path.
"""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageFile

from components.common.number_grid import DARK_TEXT_ABOVE, digit_input_html
from components.image import charts as image_charts
from components.image import views as image_views
from model.images import analysis as image_math
from model.images.decoding import (
    ALLOWED_FORMATS,
    MAX_MEGAPIXELS,
    DecodedImage,
    ImageDecodeError,
    decode_image,
    npy_bytes,
    open_image_file,
    png_bytes,
    to_8bit,
    to_grayscale,
)
from model.images.samples import SAMPLES, SAMPLES_DIR

RNG = np.random.default_rng(0)


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def rgb_photo(width: int = 12, height: int = 8) -> Image.Image:
    return Image.fromarray(RNG.integers(0, 256, (height, width, 3), dtype=np.uint8))


# --- Samples --------------------------------------------------------------------


def test_there_are_at_least_three_samples_one_of_them_400_by_400():
    assert len(SAMPLES) >= 3
    shapes = {sample.file: open_image_file(sample.path).array.shape for sample in SAMPLES}
    assert (400, 400, 3) in shapes.values()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.file)
def test_each_sample_is_small_credited_and_decodes(sample):
    assert sample.path.stat().st_size < 300_000
    assert sample.source and sample.licence
    readme = (SAMPLES_DIR / "README.md").read_text()
    assert sample.file in readme
    decoded = open_image_file(sample.path)
    assert decoded.array.dtype == np.uint8
    assert decoded.notes == ()


def test_classic_examples_from_the_samples():
    chelsea = open_image_file(SAMPLES_DIR / "chelsea.png")
    assert chelsea.array.shape == (300, 451, 3)
    camera = open_image_file(SAMPLES_DIR / "camera.png")
    assert camera.array.shape == (512, 512)
    assert camera.mode == "L"


# --- Modes that decode as they are ------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "BMP", "TIFF"])
def test_rgb_in_every_format(fmt):
    img = rgb_photo()
    params = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
    decoded = decode_image(encode(img, fmt, **params), f"photo.{fmt.lower()}")
    assert decoded.array.shape == (8, 12, 3)
    assert decoded.array.dtype == np.uint8
    assert decoded.mode == "RGB"
    assert decoded.format == fmt
    if fmt in ("PNG", "BMP", "TIFF"):  # lossless: the very same numbers
        np.testing.assert_array_equal(decoded.array, np.asarray(img))


def test_decoded_array_matches_what_numpy_sees_through_pillow():
    data = (SAMPLES_DIR / "coffee.jpg").read_bytes()
    decoded = decode_image(data, "coffee.jpg")
    np.testing.assert_array_equal(decoded.array, np.asarray(Image.open(io.BytesIO(data))))


def test_grayscale_png_is_two_dimensional():
    gray = Image.fromarray(RNG.integers(0, 256, (5, 7), dtype=np.uint8))
    decoded = decode_image(encode(gray, "PNG"))
    assert decoded.array.shape == (5, 7)
    assert decoded.channels == 1
    assert decoded.mode == "L"


def test_rgba_keeps_alpha():
    rgba = Image.fromarray(RNG.integers(0, 256, (4, 6, 4), dtype=np.uint8))
    decoded = decode_image(encode(rgba, "PNG"))
    assert decoded.array.shape == (4, 6, 4)
    assert decoded.mode == "RGBA"
    np.testing.assert_array_equal(decoded.array, np.asarray(rgba))


def test_la_keeps_two_channels():
    la = Image.fromarray(RNG.integers(0, 256, (4, 6, 2), dtype=np.uint8))
    assert la.mode == "LA"
    decoded = decode_image(encode(la, "PNG"))
    assert decoded.array.shape == (4, 6, 2)
    assert decoded.mode == "LA"


def test_16_bit_png_stays_uint16_and_says_how_it_is_shown():
    values = (np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000).astype(np.uint16)
    decoded = decode_image(encode(Image.fromarray(values), "PNG"), "deep.png")
    assert decoded.mode == "I;16"
    assert decoded.array.dtype == np.uint16
    assert decoded.array.shape == (3, 4)
    np.testing.assert_array_equal(decoded.array, values)
    assert any("16-bit" in note and "257" in note for note in decoded.notes)
    eight = to_8bit(decoded.array)
    assert eight.dtype == np.uint8
    assert eight[2, 3] == round(55000 / 257)


def test_big_endian_16_bit_tiff_gives_native_uint16():
    values = np.array([[0, 1, 65535], [256, 4096, 30000]], dtype=np.uint16)
    img = Image.frombytes("I;16B", (3, 2), values.astype(">u2").tobytes())
    decoded = decode_image(encode(img, "TIFF"), "big-endian.tif")
    assert decoded.array.dtype == np.uint16
    assert decoded.array.dtype.byteorder in ("=", "|", "<")
    np.testing.assert_array_equal(decoded.array, values)


def test_float_tiff_is_stretched_for_display():
    values = np.array([[-1.0, 0.0], [1.0, 3.0]], dtype=np.float32)
    decoded = decode_image(encode(Image.fromarray(values), "TIFF"), "float.tif")
    assert decoded.mode == "F"
    assert decoded.array.dtype == np.float32
    assert any("stretch" in note for note in decoded.notes)
    np.testing.assert_array_equal(to_8bit(decoded.array), [[0, 64], [128, 255]])


# --- Modes that are converted, with a note -------------------------------------------


def test_one_bit_becomes_0_and_255():
    bits = Image.new("1", (4, 2))
    bits.putpixel((1, 0), 1)
    decoded = decode_image(encode(bits, "PNG"), "bits.png")
    assert decoded.mode == "L"
    assert decoded.array.dtype == np.uint8
    np.testing.assert_array_equal(decoded.array, [[0, 255, 0, 0], [0, 0, 0, 0]])
    assert any("1-bit" in note and "bool" in note for note in decoded.notes)


def test_palette_is_looked_up_into_rgb():
    palette_img = Image.new("P", (3, 2))
    palette_img.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0] * (256 * 3 - 9))
    palette_img.putpixel((0, 0), 1)
    palette_img.putpixel((2, 1), 2)
    decoded = decode_image(encode(palette_img, "PNG"), "palette.png")
    assert decoded.mode == "RGB"
    assert decoded.array.shape == (2, 3, 3)
    assert decoded.array[0, 0].tolist() == [255, 0, 0]
    assert decoded.array[1, 2].tolist() == [0, 0, 255]
    assert any("Palette" in note and "indices" in note for note in decoded.notes)


def test_palette_with_transparency_becomes_rgba():
    palette_img = Image.new("P", (3, 2))
    palette_img.putpalette([0, 0, 0, 255, 0, 0] + [0] * (256 * 3 - 6))
    palette_img.putpixel((1, 1), 1)
    decoded = decode_image(encode(palette_img, "PNG", transparency=0), "clear.png")
    assert decoded.mode == "RGBA"
    assert decoded.array[0, 0, 3] == 0
    assert decoded.array[1, 1].tolist() == [255, 0, 0, 255]


def test_cmyk_jpeg_is_converted_to_rgb():
    cmyk = Image.new("CMYK", (6, 4), (0, 255, 255, 0))  # no black ink, full magenta+yellow: red
    decoded = decode_image(encode(cmyk, "JPEG", quality=100), "print.jpg")
    assert decoded.mode == "RGB"
    assert decoded.array.shape == (4, 6, 3)
    red, green, blue = decoded.array[2, 3].tolist()
    assert red > 200 and green < 60 and blue < 60
    assert any("CMYK" in note and "RGB" in note for note in decoded.notes)


def test_gif_shows_first_frame_and_says_so():
    frames = [
        Image.new("RGB", (5, 4), colour) for colour in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    ]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    decoded = decode_image(data, "anim.gif")
    assert decoded.format == "GIF"
    assert decoded.array.shape[:2] == (4, 5)
    assert decoded.array[0, 0, :3].tolist() == [255, 0, 0]
    assert any("first frame of 3" in note for note in decoded.notes)


def test_multipage_tiff_shows_first_page():
    pages = [Image.new("L", (3, 3), value) for value in (10, 20)]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:])
    decoded = decode_image(data, "pages.tif")
    assert decoded.array[0, 0] == 10
    assert any("first frame of 2" in note for note in decoded.notes)


# --- EXIF orientation --------------------------------------------------------------


def exif_with_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def test_exif_orientation_is_applied_and_said():
    img = rgb_photo(width=8, height=6)
    decoded = decode_image(encode(img, "PNG", exif=exif_with_orientation(6)), "phone.png")
    assert decoded.array.shape == (8, 6, 3)  # stored 8 wide, shown 6 wide
    np.testing.assert_array_equal(
        decoded.array, np.asarray(img.transpose(Image.Transpose.ROTATE_270))
    )
    assert any("EXIF orientation 6 applied" in note for note in decoded.notes)


def test_upright_exif_adds_no_note():
    decoded = decode_image(encode(rgb_photo(), "JPEG", exif=exif_with_orientation(1)))
    assert decoded.notes == ()


@pytest.mark.parametrize(
    "exif",
    [
        b"Exif\x00\x00garbage that is not TIFF",
        b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x05\x01\x12",  # 5 tags promised, cut
        b"Exif\x00\x00II*\x00\xff\xff\xff\x7f",  # first block far past the end
    ],
    ids=["not-tiff", "truncated-ifd", "bad-offset"],
)
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # Pillow's own log line
def test_corrupt_exif_falls_back_to_unrotated_with_a_warning(exif):
    img = rgb_photo(width=8, height=6)
    decoded = decode_image(encode(img, "JPEG", exif=exif), "broken-exif.jpg")
    assert decoded.array.shape == (6, 8, 3)
    assert any(note.startswith("Warning") and "EXIF" in note for note in decoded.notes)


def test_invalid_orientation_value_is_a_warning():
    decoded = decode_image(encode(rgb_photo(8, 6), "JPEG", exif=exif_with_orientation(9)))
    assert decoded.array.shape == (6, 8, 3)
    assert any(note.startswith("Warning") and "(9)" in note for note in decoded.notes)


# --- Bad input -----------------------------------------------------------------------


def test_text_renamed_png_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture\n")
    with pytest.raises(ImageDecodeError, match="notes.png: not an image"):
        open_image_file(path)


def test_empty_file():
    with pytest.raises(ImageDecodeError, match="empty.png: the file is empty"):
        decode_image(b"", "empty.png")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_file_is_reported_as_damaged(fmt):
    data = encode(rgb_photo(64, 48), fmt)
    with pytest.raises(ImageDecodeError, match=rf"cut\.x: the {fmt} file is damaged or cut short"):
        decode_image(data[: len(data) // 2], "cut.x")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "TIFF", "WEBP", "BMP"])
def test_file_cut_inside_its_header_is_reported_as_damaged(fmt):
    data = encode(rgb_photo(64, 48), fmt)
    with pytest.raises(ImageDecodeError, match=f"starts like a {fmt} file but is damaged"):
        decode_image(data[:20], "stub")


def test_formats_outside_the_list_are_refused():
    # PPM and ICO are images Pillow can read, but not formats this app accepts.
    for fmt in ("PPM", "ICO"):
        assert fmt not in ALLOWED_FORMATS
        with pytest.raises(ImageDecodeError, match="not an image this app can open"):
            decode_image(encode(rgb_photo(16, 16), fmt), f"odd.{fmt.lower()}")


def test_decompression_bomb_is_refused_before_decoding(tmp_path, monkeypatch):
    bomb_path = tmp_path / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(bomb_path)
    assert bomb_path.stat().st_size < 100_000  # tiny on disk, 400 megapixels inside
    loads = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self))
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ImageDecodeError, match=f"{MAX_MEGAPIXELS} megapixels") as err:
        open_image_file(bomb_path)
    assert "bomb.png" in str(err.value)
    assert loads == []  # refused from the header: no pixel was decoded
    assert before == Image.MAX_IMAGE_PIXELS  # no global setting touched


def test_just_over_our_limit_is_refused_by_our_check():
    # 56 megapixels: under Pillow's own bomb limit, over ours.
    data = encode(Image.new("1", (8_000, 7_000)), "PNG")
    with pytest.raises(ImageDecodeError, match=r"8000 × 7000 = 56 megapixels .* limit of 50"):
        decode_image(data, "wide.png")


def test_missing_file():
    with pytest.raises(ImageDecodeError, match="nowhere.png: cannot read the file"):
        open_image_file("/nonexistent/nowhere.png")


def test_error_is_a_value_error():
    assert issubclass(ImageDecodeError, ValueError)


# --- Conversions and files out --------------------------------------------------------


@pytest.mark.parametrize("channels", [3, 4])
def test_to_grayscale_is_pillows_convert_l(channels):
    pixels = RNG.integers(0, 256, (20, 30, channels), dtype=np.uint8)
    expected = np.asarray(Image.fromarray(pixels).convert("L"))
    np.testing.assert_array_equal(to_grayscale(pixels), expected)


def test_to_grayscale_of_gray_and_la():
    gray = RNG.integers(0, 256, (3, 4), dtype=np.uint8)
    assert to_grayscale(gray) is gray
    la = np.stack([gray, np.full_like(gray, 9)], axis=2)
    np.testing.assert_array_equal(to_grayscale(la), gray)


def test_png_and_npy_round_trip():
    gray = RNG.integers(0, 256, (6, 9), dtype=np.uint8)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(gray)))), gray)
    deep = RNG.integers(0, 65536, (2, 3), dtype=np.uint16)
    back = np.load(io.BytesIO(npy_bytes(deep)))
    assert back.dtype == np.uint16
    np.testing.assert_array_equal(back, deep)


# --- Teaching maths ---------------------------------------------------------------------


def test_luma_by_hand_matches_pillow_for_every_pixel_tried():
    pixels = RNG.integers(0, 256, (50, 50, 3), dtype=np.uint8)
    gray = np.asarray(Image.fromarray(pixels).convert("L"))
    for (r, g, b), pillow in zip(
        pixels.reshape(-1, 3).tolist(), gray.ravel().tolist(), strict=True
    ):
        working = image_math.luma_by_hand(r, g, b)
        assert working.pillow == pillow
        assert abs(working.rounded - pillow) <= 1


def test_luma_worked_example():
    working = image_math.luma_by_hand(143, 120, 104)
    assert working.terms == pytest.approx((42.757, 70.44, 11.856))
    assert working.exact == pytest.approx(125.053)
    assert working.rounded == 125 == working.pillow


def test_neighbourhood_slides_inside_at_the_edges():
    image = np.arange(100).reshape(10, 10)
    window, top, left = image_math.neighbourhood(image, 0, 0)
    assert (window.shape, top, left) == ((7, 7), 0, 0)
    window, top, left = image_math.neighbourhood(image, 9, 5)
    assert (window.shape, top, left) == ((7, 7), 3, 2)
    assert window[9 - top, 5 - left] == image[9, 5]
    small, top, left = image_math.neighbourhood(np.zeros((3, 2)), 2, 1)
    assert (small.shape, top, left) == ((3, 2), 0, 0)


def test_display_stride_and_vector_sampling():
    assert image_math.display_stride(400, 400) == 2
    assert image_math.display_stride(3000, 4000) == 20
    assert image_math.display_stride(150, 90) == 1
    indices, values = image_math.sample_vector(np.arange(12_000_000), 4000)
    assert len(indices) <= 4000
    np.testing.assert_array_equal(values, indices)


def test_histogram_counts_every_value():
    values = np.array([[0, 0, 255], [7, 7, 7]], dtype=np.uint8)
    counts = image_math.intensity_histogram(values)
    assert counts.shape == (256,)
    assert (counts[0], counts[7], counts[255], counts.sum()) == (2, 3, 1, 6)


def test_resize_for_digit_model_is_28_by_28_box_average():
    gray = np.zeros((280, 560), dtype=np.uint8)
    gray[:, 280:] = 255
    small = image_math.resize_for_digit_model(gray)
    assert small.shape == (28, 28) and small.dtype == np.uint8
    assert small[:, :14].max() == 0 and small[:, 14:].min() == 255


def test_analyse_image_of_a_16_bit_file():
    values = (RNG.integers(0, 65536, (30, 40))).astype(np.uint16)
    analysis = image_math.analyse_image(decode_image(encode(Image.fromarray(values), "PNG")))
    assert analysis.decoded.array.dtype == np.uint16
    assert analysis.pixel8(0, 0).dtype == np.uint8
    assert analysis.gray().shape == (30, 40)
    assert analysis.histograms["gray"].sum() == 30 * 40
    assert analysis.value_max == values.max()
    assert (analysis.pixel_count, analysis.value_count) == (1200, 1200)


def test_analyse_image_of_an_rgba_file():
    rgba = RNG.integers(0, 256, (10, 20, 4), dtype=np.uint8)
    analysis = image_math.analyse_image(decode_image(encode(Image.fromarray(rgba), "PNG")))
    assert list(analysis.histograms) == ["red", "green", "blue", "alpha"]
    assert analysis.value_count == 10 * 20 * 4
    assert analysis.digit_input.shape == (28, 28)
    np.testing.assert_array_equal(analysis.gray(), np.asarray(Image.fromarray(rgba).convert("L")))


def test_channel_names_and_dtypes_in_words():
    assert image_math.channel_names(1) == ("gray",)
    assert image_math.channel_names(4)[-1] == "alpha"
    assert "0 to 255" in image_math.describe_dtype(np.dtype("uint8"))
    assert "65,535" in image_math.describe_dtype(np.dtype("uint16"))


# --- Charts: data in, Figure out --------------------------------------------------------


def decoded_rgb(height: int, width: int) -> DecodedImage:
    array = RNG.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return DecodedImage(array=array, mode="RGB", format="PNG", notes=())


def view_of(image: np.ndarray, max_cells: int = 200) -> image_math.StridedView:
    step = image_math.display_stride(*image.shape[:2], max_cells)
    part = image[::step, ::step]
    return image_math.StridedView(part, part, step, *image.shape[:2])


def test_pixel_view_hover_uses_true_rows_and_columns():
    image = decoded_rgb(300, 451).array
    fig = image_views.pixel_view_figure(view_of(image), (10, 20))
    assert isinstance(fig, go.Figure)
    picture, points = fig.data
    assert isinstance(picture, go.Image) and picture.dx == 3
    xs, ys = np.asarray(points.x), np.asarray(points.y)
    assert xs.max() <= 450 and ys.max() <= 299 and set(np.unique(xs) % 3) == {0}
    # The hover value of a drawn point is the true image value at that row and column.
    k = 1234
    np.testing.assert_array_equal(np.asarray(points.customdata)[k], image[ys[k], xs[k]])
    assert "row %{y}, column %{x}" in points.hovertemplate


def test_pixel_view_draws_the_view_as_a_png_of_its_pixels():
    gray = RNG.integers(0, 256, (50, 60), dtype=np.uint8)
    fig = image_views.pixel_view_figure(view_of(gray), (0, 0))
    picture = fig.data[0]
    assert isinstance(picture, go.Image) and picture.source.startswith("data:image/png;base64,")
    png = base64.b64decode(picture.source.split(",", 1)[1])
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), gray)
    assert fig.data[1].hovertemplate.count("%{customdata}") == 1


def test_big_image_figures_stay_small():
    image = decoded_rgb(3000, 4000).array
    fig = image_views.pixel_view_figure(view_of(image), (1500, 2000))
    payload = len(fig.to_json())
    assert payload < 1_000_000, payload
    channel = image_charts.channel_figure(
        view_of(image, image_charts.CHANNEL_VIEW_CELLS), "red", channel=0
    )
    assert len(channel.to_json()) < 100_000
    flat = image[:, :, 0].ravel()
    indices, values = image_math.sample_vector(flat, image_charts.VECTOR_POINTS)
    vector = image_charts.flat_vector_figure(indices, values, flat.size, (5, flat[5]))
    assert len(vector.data[0].x) <= image_charts.VECTOR_POINTS


def test_display_note_says_when_downsampled():
    assert "Every pixel is drawn" in image_views.display_note(100, 150, 200)
    note = image_views.display_note(3000, 4000, 200)
    assert "one row and one column in every 20" in note and "150 × 200 of 3000 × 4000" in note
    assert image_charts.vector_note(1000) == "All 1,000 values are drawn."
    assert "every 3000" in image_charts.vector_note(12_000_000)


def test_neighbourhood_figure_prints_each_value():
    image = decoded_rgb(20, 20).array
    window, top, left = image_math.neighbourhood(image, 10, 10)
    fig = image_views.neighbourhood_figure(window, window, top, left, (10, 10))
    labels = fig.data[1].text
    assert len(labels) == 49
    assert labels[24] == "<br>".join(str(v) for v in image[10, 10].tolist())
    assert fig.data[1].x[24] == 10 and fig.data[1].y[24] == 10


def test_histogram_and_digit_figures():
    counts = np.arange(256)
    fig = image_charts.histogram_figure(counts, "green")
    assert len(fig.data[0].x) == 256
    np.testing.assert_array_equal(fig.data[0].y, counts)
    small = RNG.integers(0, 256, (28, 28), dtype=np.uint8)
    grid = digit_input_html(small)
    cells = re.findall(
        r'<div role="cell"( class="cnn-dark")? style="background:#([0-9a-f]{2})\2\2">(\d+)</div>',
        grid,
    )
    assert [int(v) for _, _, v in cells] == small.ravel().tolist()
    assert all(int(shade, 16) == int(value) for _, shade, value in cells)
    # Black numbers on light cells, white on dark ones.
    assert all(bool(dark) == (int(value) > DARK_TEXT_ABOVE) for dark, _, value in cells)
    # Read as a table: 29 rows, each value under a column number and beside a row number.
    assert grid.count('<div role="table" class="cnn-grid" aria-label="') == 1
    assert grid.count('role="row"') == 29 and grid.count('role="rowheader"') == 28
    headers = re.findall(r'role="columnheader"[^>]*>(\d*)</div>', grid)
    assert headers == [str(c) for c in range(28)]


def test_locator_marks_the_chosen_pixel_and_leaves_the_rest():
    image = np.full((40, 60, 3), 40, dtype=np.uint8)  # dark gray everywhere
    view = view_of(image, image_views.LOCATOR_CELLS)
    picture = np.asarray(image_views.locator_picture(view, (10, 45)))
    height, width = picture.shape[:2]
    cell_h, cell_w = height / 40, width / 60
    # The crosshair's white core runs through the middle of pixel (10, 45)...
    y, x = int((10 + 0.5) * cell_h), int((45 + 0.5) * cell_w)
    assert picture[y, 5, :3].min() > 150 and picture[5, x, :3].min() > 150
    # ...and far from both lines and the box the picture is the image's own colour.
    assert picture[int(35 * cell_h), int(5 * cell_w), :3].tolist() == [40, 40, 40]
    assert max(height / 2, width / 2) <= max(image_views.LOCATOR_SHOW)
