"""Small builders shared by the tests."""

from __future__ import annotations

import numpy as np

from model.digits.data import MnistData, load_bundled_sample


def tiny_mnist(n_train: int = 256, n_test: int = 200) -> MnistData:
    """Real digits from the bundled sample, cut small so tests train in seconds."""
    sample = load_bundled_sample()
    return MnistData(
        sample.x_train[:n_train],
        sample.y_train[:n_train],
        sample.x_test[:n_test],
        sample.y_test[:n_test],
        source="bundled sample (test slice)",
    )


def random_digits(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 28, 28), dtype=np.float32)
