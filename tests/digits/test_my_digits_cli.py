"""The command line takes files of my digits: evaluate --data MY.npz, train --extra MY.npz."""

import json
import pickle

import numpy as np
import pytest

from model import evaluate, train
from model.files.cards import read_card
from model.mine.collection import MyDigits
from model.mine.files import digits_npz, read_digits_file
from tests.helpers import tiny_mnist


@pytest.fixture
def my_npz(tmp_path):
    sample = tiny_mnist(n_train=10, n_test=40)
    path = tmp_path / "my-digits.npz"
    path.write_bytes(digits_npz(MyDigits.empty().added(sample.x_test, sample.y_test)))
    return path


def test_evaluate_scores_the_model_on_my_digits(my_npz, capsys):
    assert evaluate.main(["--data", str(my_npz), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["test_digits"] == 40
    assert result["test_set"] == "your digits in my-digits.npz (40 digits)"
    assert result["accuracy"] > 0.8


def test_a_hostile_extra_file_is_refused_in_a_sentence(tmp_path, my_npz, capsys):
    bad = tmp_path / "class.npz"
    bad.write_bytes(pickle.dumps([1, 2]))
    code = train.main(["--extra", str(my_npz), "--extra", str(bad), "--out", str(tmp_path / "m")])
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: class.npz: a Python pickle") and "\n" not in error


@pytest.mark.slow
def test_train_adds_my_digits_beside_mnist(tmp_path, my_npz, capsys):
    sample = tiny_mnist(n_train=192, n_test=100)
    data = tmp_path / "mnist-small.npz"
    np.savez(data, x_train=sample.x_train, y_train=sample.y_train, x_test=sample.x_test,
             y_test=sample.y_test)  # fmt: skip
    out = tmp_path / "mine.keras"
    args = ["--epochs", "1", "--data", str(data), "--extra", str(my_npz), "--out", str(out)]
    assert train.main(args) == 0
    trains = len(read_digits_file(my_npz).training()[1])  # the held-out ones do not
    assert 0 < trains < 40
    assert f"with {trains} of your digits from 1 file(s)" in capsys.readouterr().out
    notes = read_card(out).notes
    assert any(f"{trains} of a learner's own digits" in note for note in notes), notes
