"""One helper object per Keras model, built on first use and dropped with the model.

Saliency and filter ascent each trace TensorFlow functions for a given model;
building them once per model object, not per call, keeps page reruns cheap.
Keyed weakly, so a model that is no longer used takes its helpers with it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

import keras

T = TypeVar("T")


class PerModel(Generic[T]):
    def __init__(self, build: Callable[[keras.Model], T]):
        self._build = build
        self._made: weakref.WeakKeyDictionary[keras.Model, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # two sessions may ask for the same model at once

    def __call__(self, model: keras.Model) -> T:
        with self._lock:
            if model not in self._made:
                self._made[model] = self._build(model)
            return self._made[model]
