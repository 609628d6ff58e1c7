"""The command-line tools, called in-process through their main() functions."""

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model import evaluate, predict, train
from model.files.cards import read_card
from model.files.persistence import load_model
from model.network.inference import DigitClassifier
from model.preprocess.reading import read_digit


@pytest.fixture
def small_npz(tmp_path):
    from tests.helpers import tiny_mnist

    data = tiny_mnist(n_train=192, n_test=300)
    path = tmp_path / "mnist-small.npz"
    np.savez(
        path, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test
    )
    return path


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.slow
def test_train_writes_model_and_card(tmp_path, small_npz, capsys):
    out = tmp_path / "mine.keras"
    code = train.main(
        [
            "--preset",
            "seed",
            "--epochs",
            "1",
            "--batch-size",
            "64",
            "--optimizer",
            "rmsprop",
            "--data",
            str(small_npz),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "epoch 1/1 done" in printed and "test accuracy" in printed
    assert "val_acc" not in printed and "held out" not in printed
    assert "strategy: _DefaultDistributionStrategy, 1 replica" in printed
    card = read_card(out)
    assert card.preset == "seed" and card.params == 93_322
    # Every training digit trains unless --validation asks otherwise: as the shipped models.
    assert card.trained_on == "first 192 MNIST training digits" and card.notes == []
    assert card.test_set == "first 300 digits of the official MNIST test set"
    assert card.recipe["optimizer"] == "rmsprop" and card.recipe["batch_size"] == 64
    model, _ = load_model(out)
    assert model.count_params() == 93_322


@pytest.mark.slow
def test_train_holds_out_validation_digits_on_request(tmp_path, small_npz, capsys):
    out = tmp_path / "mine.keras"
    args = ["--epochs", "1", "--validation", "32", "--data", str(small_npz), "--out", str(out)]
    assert train.main(args) == 0
    printed = capsys.readouterr().out
    assert "the last 32 held out for validation" in printed and "val_acc" in printed
    card = read_card(out)
    assert card.trained_on == "first 160 MNIST training digits"
    assert card.notes == [
        "the last 32 training digits were held out for validation, never trained on"
    ]


@pytest.mark.slow
def test_train_can_fine_tune_a_trained_model(tmp_path, small_npz, capsys):
    first = tmp_path / "first.keras"
    args = ["--epochs", "1", "--batch-size", "64", "--data", str(small_npz)]
    assert train.main([*args, "--out", str(first)]) == 0
    before = load_model(first)[0].get_weights()
    tuned = tmp_path / "tuned.keras"
    assert (
        train.main([*args, "--start-from", str(first), "--lr", "0.0001", "--out", str(tuned)]) == 0
    )
    card = read_card(tuned)
    assert card.notes == [
        "fine-tuned: started from a trained model's weights",
        "went on from “first”: seed, 1 epoch, batch 64, rmsprop at 0.001, seed 0, "
        "on the first 192 MNIST training digits",
    ]
    after = load_model(tuned)[0].get_weights()
    # Went on from the first model's weights: near them, not a fresh start from the seed.
    fresh = tmp_path / "fresh.keras"
    assert train.main([*args, "--lr", "0.0001", "--out", str(fresh)]) == 0
    anew = load_model(fresh)[0].get_weights()
    moved = sum(float(np.abs(a - b).sum()) for a, b in zip(after, before, strict=True))
    apart = sum(float(np.abs(a - b).sum()) for a, b in zip(anew, before, strict=True))
    assert 0 < moved < apart / 3
    # Another preset's model, a damaged file: one line, nothing saved.
    capsys.readouterr()
    assert train.main([*args, "--start-from", "default", "--out", str(tmp_path / "x.keras")]) == 2
    assert "is a 'robust' model, not 'seed'" in capsys.readouterr().err
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a model")
    assert train.main([*args, "--start-from", str(broken), "--out", str(tmp_path / "y.keras")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(tmp_path) not in err
    assert not (tmp_path / "x.keras").exists() and not (tmp_path / "y.keras").exists()


def test_train_refuses_a_batch_larger_than_the_data(tmp_path, small_npz, capsys):
    args = ["--data", str(small_npz), "--out", str(tmp_path / "m.keras")]
    assert train.main(["--batch-size", "500", *args]) == 2
    assert "Batch size 500 is larger than the 192 training digits" in capsys.readouterr().err
    assert train.main(["--train-size", "180", "--validation", "20", *args]) == 2
    assert (
        "180 asked for, but this data has 172 to train on (20 more are held out for validation)"
        in capsys.readouterr().err
    )
    assert train.main(["--validation", "192", *args]) == 2
    assert "--validation must be from 0 to 191" in capsys.readouterr().err
    assert not (tmp_path / "m.keras").exists()


def test_multiworker_strategy_needs_tf_config(tmp_path, small_npz, capsys, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    args = ["--strategy", "multiworker", "--data", str(small_npz)]
    assert train.main([*args, "--out", str(tmp_path / "m.keras")]) == 2
    assert "needs TF_CONFIG" in capsys.readouterr().err


def test_train_reports_bad_data(tmp_path, capsys):
    (tmp_path / "bad.npz").write_text("nope")
    code = train.main(["--data", str(tmp_path / "bad.npz"), "--out", str(tmp_path / "m.keras")])
    assert code == 2
    assert "bad.npz: not a readable .npz" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["seed", "default"])
def test_evaluate_json_matches_card_params(name, small_npz, capsys):
    assert evaluate.main(["--model", name, "--data", str(small_npz), "--json"]) == 0
    result = last_json(capsys)
    assert {"model", "accuracy", "loss", "params"} <= result.keys()
    assert result["model"] == name and result["test_digits"] == 300
    assert result["params"] == read_card(name).params
    assert 0.95 < result["upright_accuracy"] <= 1, "the app's two readings, on the same digits"
    # Shipped models are trained; 300 real test digits are enough to tell.
    assert result["accuracy"] > 0.95


def test_evaluate_without_model_flag_uses_default(small_npz, capsys):
    assert evaluate.main(["--data", str(small_npz), "--json"]) == 0
    assert last_json(capsys)["name"] == read_card("default").name


def test_evaluate_refuses_missing_model(tmp_path, capsys):
    assert evaluate.main(["--model", str(tmp_path / "none.keras")]) == 2
    assert "no such model file" in capsys.readouterr().err


def draw_digit(path, kind):
    img = Image.new("L", (140, 140), 255)  # dark ink on white paper, like a scan
    draw = ImageDraw.Draw(img)
    if kind == "one":
        draw.line([(70, 20), (70, 120)], fill=0, width=10)
    elif kind == "zero":
        draw.ellipse([35, 15, 105, 125], outline=0, width=10)
    img.save(path)


def test_predict_json_lines_with_errors_in_place(tmp_path, capsys):
    draw_digit(tmp_path / "a_one.png", "one")
    draw_digit(tmp_path / "b_zero.png", "zero")
    draw_digit(tmp_path / "c_blank.png", "blank")
    (tmp_path / "d_text.png").write_text("this is not an image")
    code = predict.main([str(tmp_path), "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert code == 1, "exit status says some files failed"
    assert [r["path"].rsplit("/", 1)[-1] for r in rows] == [
        "a_one.png",
        "b_zero.png",
        "c_blank.png",
        "d_text.png",
    ]
    assert rows[0]["digit"] == 1 and rows[1]["digit"] == 0
    assert len(rows[0]["probabilities"]) == 10
    assert abs(sum(rows[0]["probabilities"]) - 1) < 1e-3
    assert "error" in rows[2] and "nothing" in rows[2]["error"].lower()
    assert "not an image" in rows[3]["error"]  # the path is in its own field


def test_predict_reads_16_bit_and_gray_alpha_files(tmp_path, capsys):
    one = Image.new("L", (140, 140), 0)
    ImageDraw.Draw(one).line([(70, 20), (70, 120)], fill=255, width=10)
    wide = (np.asarray(one, np.uint16) * 257).astype(np.uint16)
    Image.fromarray(wide).save(tmp_path / "sixteen.png")
    assert Image.open(tmp_path / "sixteen.png").mode.startswith("I")
    la = Image.merge("LA", [one, Image.new("L", one.size, 255)])
    la.save(tmp_path / "gray_alpha.png")
    assert predict.main([str(tmp_path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r.get("digit") for r in rows] == [1, 1], rows


def test_predict_batches_many_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(predict, "CHUNK", 4)  # several chunks from a few files
    for i in range(9):
        draw_digit(tmp_path / f"{i}.png", "one")
    assert predict.main([str(tmp_path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 9 and all(r["digit"] == 1 for r in rows)


# --- Hardening: bad inputs are refused before they are read, named once -----------------


def test_predict_refuses_pipes_devices_and_huge_files_and_goes_on(tmp_path, capsys, monkeypatch):
    import os

    draw_digit(tmp_path / "a_one.png", "one")
    os.mkfifo(tmp_path / "b_pipe.png")  # reading it would block forever
    (tmp_path / "c_zero.png").symlink_to("/dev/zero")  # reading it would fill memory
    (tmp_path / "d_big.png").write_bytes(b"\0" * (2 * 1024 * 1024))
    monkeypatch.setattr(predict, "upload_limit_mb", lambda: 1)
    code = predict.main([str(tmp_path), "--json"])
    rows = {
        r["path"].rsplit("/", 1)[-1]: r
        for r in map(json.loads, capsys.readouterr().out.split("\n")[:-1])
    }
    assert code == 1
    assert rows["a_one.png"]["digit"] == 1
    assert "not a regular file" in rows["b_pipe.png"]["error"]
    assert "not a regular file" in rows["c_zero.png"]["error"]
    assert "over the 1 MB limit" in rows["d_big.png"]["error"]


def test_predict_limit_is_the_apps_upload_limit():
    import tomllib

    from model.predict import STREAMLIT_CONFIG

    with open(STREAMLIT_CONFIG, "rb") as f:
        assert predict.upload_limit_mb() == tomllib.load(f)["server"]["maxUploadSize"]


def test_predict_names_the_file_once(tmp_path, capsys):
    (tmp_path / "zero.png").write_bytes(b"")
    assert predict.main([str(tmp_path / "zero.png")]) == 1
    line = capsys.readouterr().out.strip()
    assert line.count("zero.png") == 1, line
    assert line.startswith(str(tmp_path / "zero.png") + ": error: ")


@pytest.mark.parametrize("tool", ["predict", "evaluate"])
def test_a_model_that_fails_to_load_is_one_line_and_exit_2(tool, tmp_path, capsys, small_npz):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"not a zip")
    (tmp_path / "broken.json").write_text('{"name": "broken"}')
    draw_digit(tmp_path / "one.png", "one")
    if tool == "predict":
        code = predict.main([str(tmp_path / "one.png"), "--model", str(bad)])
    else:
        code = evaluate.main(["--model", str(bad), "--data", str(small_npz)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "“broken”" in err and str(tmp_path) not in err


def test_evaluate_refuses_a_device_as_data(capsys):
    assert evaluate.main(["--data", "/dev/zero"]) == 2
    assert "not a regular file" in capsys.readouterr().err


DIGITS = [1, 7, 4, 0, 2]  # the digits that tests/draw/test_digit_or_not.py's STROKES draw


def write_ink_sets(folder) -> None:
    from tests.draw.test_digit_or_not import LIGHT_ON_DARK, PHOTOS

    for i, photo in enumerate(PHOTOS):
        Image.fromarray(photo).save(folder / f"photo_{i}_{DIGITS[i]}.jpg", quality=85)
    for i, picture in enumerate(LIGHT_ON_DARK):
        Image.fromarray(picture).save(folder / f"white_{i}_{DIGITS[i % 5]}.png")


def test_predict_guesses_the_ink_of_each_picture(tmp_path, capsys):
    # Photos of dark ink on light paper were read as light ink without --photo.
    write_ink_sets(tmp_path)
    assert predict.main([str(tmp_path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 15
    for row in rows:
        name = row["path"].rsplit("/", 1)[-1]
        kind = "dark-on-light" if name.startswith("photo") else "light-on-dark"
        assert (row["ink"], row["ink_guessed"]) == (kind, True), name
        assert row["digit"] == int(name[-5]), name


def test_predict_ink_can_be_forced_and_photo_still_works(tmp_path, capsys):
    write_ink_sets(tmp_path)
    photo = str(tmp_path / "photo_1_7.jpg")
    for flags in (["--photo"], ["--ink", "dark-on-light"]):
        assert predict.main([photo, *flags]) == 0
        out = capsys.readouterr().out
        assert ": 7 (" in out and "read as dark ink on light paper (as told)" in out
    predict.main([photo, "--ink", "light-on-dark", "--json"])
    row = json.loads(capsys.readouterr().out)
    assert "error" in row or (row["ink"], row["ink_guessed"]) == ("light-on-dark", False)
    assert predict.main([photo]) == 0
    out = capsys.readouterr().out
    assert ": 7 (" in out and "dark ink on light paper (guessed from the picture)" in out


def test_predict_reads_twice_as_the_draw_page_does_unless_told_once(tmp_path, capsys):
    img = Image.new("L", (140, 140), 255)
    loop_and_tail = [(110, 20), (70, 20), (60, 60), (105, 55), (110, 20), (50, 125)]
    ImageDraw.Draw(img).line(loop_and_tail, fill=0, width=9)  # a 9 leaning 19° right
    img.save(tmp_path / "nine.png")
    rows = {}
    for flags in ([], ["--no-upright"]):
        assert predict.main([str(tmp_path / "nine.png"), "--json", *flags]) == 0
        rows[bool(flags)] = json.loads(capsys.readouterr().out)
    assert rows[False]["upright"] is True and rows[True]["upright"] is False
    assert rows[False]["probabilities"] != rows[True]["probabilities"]
    classifier = DigitClassifier(load_model("default")[0])
    reading = read_digit(classifier, np.asarray(img.convert("RGB")), ink="dark-on-light")
    assert np.allclose(rows[False]["probabilities"], reading.probabilities, atol=1e-5)
    assert np.allclose(rows[True]["probabilities"], reading.forward.probabilities, atol=1e-5)
    predict.main([str(tmp_path / "nine.png"), "--no-upright"])
    assert capsys.readouterr().out.rstrip().endswith("; as prepared only")
