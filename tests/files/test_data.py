import gzip
import os

import numpy as np
import pytest

from model.digits import data as mnist
from model.digits.data import DataError, load_mnist, read_idx


def write_idx(path, array, gz=False):
    magic = (0x0800 | array.ndim).to_bytes(4, "big")
    header = magic + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)


def small_arrays(n_train=20, n_test=10):
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test).astype(np.uint8),
    }


def test_npz_round_trip(tmp_path):
    arrays = small_arrays()
    np.savez(tmp_path / "mnist.npz", **arrays)
    loaded = load_mnist(tmp_path / "mnist.npz")
    np.testing.assert_array_equal(loaded.x_train, arrays["x_train"])
    np.testing.assert_array_equal(loaded.y_test, arrays["y_test"])
    assert loaded.train_description == "first 20 MNIST training digits"
    assert loaded.test_description == "first 10 digits of the official MNIST test set"


@pytest.mark.parametrize("gz", [False, True])
def test_idx_folder(tmp_path, gz):
    arrays = small_arrays()
    for key, stem in mnist.IDX_FILES.items():
        write_idx(tmp_path / (stem + (".gz" if gz else "")), arrays[key], gz=gz)
    loaded = load_mnist(tmp_path)
    np.testing.assert_array_equal(loaded.x_test, arrays["x_test"])
    np.testing.assert_array_equal(loaded.y_train, arrays["y_train"])


def test_env_var_is_used(tmp_path, monkeypatch):
    np.savez(tmp_path / "m.npz", **small_arrays(n_train=7))
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "m.npz"))
    assert len(load_mnist().x_train) == 7


def test_falls_back_to_bundled_sample_with_notice(monkeypatch):
    monkeypatch.delenv("MNIST_PATH", raising=False)

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(mnist, "_load_with_keras", offline)
    loaded = load_mnist()
    assert loaded.source == "bundled sample"
    assert "no network" in loaded.notice and "bundled MNIST sample" in loaded.notice
    assert loaded.x_train.shape == (4000, 28, 28) and loaded.x_test.shape == (2000, 28, 28)
    assert set(np.unique(loaded.y_train)) == set(range(10))


def test_bundled_sample_is_small():
    assert mnist.BUNDLED_SAMPLE.stat().st_size < 1_000_000


@pytest.mark.skipif(
    not os.environ.get("MNIST_PATH"), reason="needs the official MNIST files (MNIST_PATH)"
)
def test_bundled_sample_is_the_first_official_digits():
    official = load_mnist()
    sample = mnist.load_bundled_sample()
    assert official.test_description == "official MNIST test set (10,000 digits)"
    n_train, n_test = len(sample.x_train), len(sample.x_test)
    assert (n_train, n_test) == (4000, 2000)
    assert np.array_equal(sample.x_test, official.x_test[:n_test])
    assert np.array_equal(sample.y_test, official.y_test[:n_test])
    assert np.array_equal(sample.x_train, official.x_train[:n_train])
    assert np.array_equal(sample.y_train, official.y_train[:n_train])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"x_train": np.zeros((20, 28, 27), np.uint8)}, "x_train has shape (20, 28, 27)"),
        ({"x_test": np.zeros((10, 28, 28), np.float32)}, "x_test has dtype float32"),
        ({"y_train": np.full(20, 11, np.uint8)}, "labels outside 0-9"),
        ({"y_test": np.zeros(9, np.uint8)}, "y_test has shape (9,)"),
    ],
)
def test_bad_arrays_are_named(tmp_path, change, message):
    arrays = {**small_arrays(), **change}
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError) as err:
        load_mnist(tmp_path / "bad.npz")
    assert message in str(err.value)
    assert "bad.npz" in str(err.value)


def test_missing_key_and_garbage_files(tmp_path):
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((1, 28, 28), np.uint8))
    with pytest.raises(DataError, match="partial.npz: missing arrays"):
        load_mnist(tmp_path / "partial.npz")
    (tmp_path / "junk.npz").write_text("not a zip")
    with pytest.raises(DataError, match="junk.npz: not a readable .npz"):
        load_mnist(tmp_path / "junk.npz")
    with pytest.raises(DataError, match="no such file"):
        load_mnist(tmp_path / "absent.npz")


def test_truncated_and_wrong_idx(tmp_path):
    write_idx(tmp_path / "imgs", np.zeros((5, 28, 28), np.uint8))
    (tmp_path / "cut").write_bytes((tmp_path / "imgs").read_bytes()[:-10])
    with pytest.raises(DataError, match="cut: header says"):
        read_idx(tmp_path / "cut")
    (tmp_path / "other").write_bytes(b"\x00\x00\x0d\x03" + b"\x00" * 20)
    with pytest.raises(DataError, match="other: not an IDX file"):
        read_idx(tmp_path / "other")
    with pytest.raises(DataError, match="no t10k-images-idx3-ubyte|no train-images"):
        load_mnist(tmp_path)
