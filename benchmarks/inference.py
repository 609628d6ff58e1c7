"""Probabilities plus every layer's activations for one digit: one pass vs naive.

The naive way builds a sub-model per layer and calls `predict` on each, as many
tutorials do. Both run in this process on the same model and digit.

Also timed, on a canvas-sized picture as the canvas hands it over (280 x 280
RGBA, opaque, white ink on black, the ink side known as the page knows it):
- "readings": both readings the draw page makes of one prepared input, the pass
  over every layer and the upright copy with its own pass;
- "whole": everything the page does with the drawing, `read_digit`: preparing the
  MNIST-style input from the picture, then both readings.

    python benchmarks/inference.py [--model default] [--repeats 200]

Last line: {"p50_ms": ..., "naive_p50_ms": ..., "ratio": ...,
            "readings_p50_ms": ..., "whole_p50_ms": ...}
Targets on a 2-core CPU: one pass p50 <= 3 ms and >= 50x faster than naive; all
readings of one digit together p50 < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.digits.data import load_bundled_sample  # noqa: E402
from model.files.persistence import load_model  # noqa: E402
from model.network.inference import DigitClassifier  # noqa: E402
from model.preprocess import prepare_for_ink  # noqa: E402
from model.preprocess.reading import read_digit, second_look  # noqa: E402


def p50_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def canvas_picture(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit (28, 28) uint8 as the canvas hands it over: (280, 280, 4), opaque gray."""
    big = np.kron(digit, np.ones((10, 10), dtype=np.uint8))
    picture = np.full((280, 280, 4), 255, dtype=np.uint8)
    picture[..., :3] = big[..., None]
    return picture


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="default")
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()

    import keras

    model, _ = load_model(args.model)
    first = load_bundled_sample().x_test[0]
    digit = first.astype(np.float32) / 255.0
    batch = digit[np.newaxis, ..., np.newaxis]

    classifier = DigitClassifier(model)
    one_pass = p50_ms(lambda: classifier.forward(digit), args.repeats)
    drawing = canvas_picture(first)
    prepared = prepare_for_ink(drawing, "light-on-dark").input

    def both_readings() -> None:
        classifier.forward(prepared)
        second_look(classifier, prepared)

    readings = p50_ms(both_readings, args.repeats)
    whole = p50_ms(
        lambda: read_digit(classifier, drawing, ink="light-on-dark", upright=True), args.repeats
    )

    per_layer = [keras.Model(model.inputs, layer.output) for layer in model.layers]
    naive = p50_ms(
        lambda: [sub.predict(batch, verbose=0) for sub in per_layer],
        max(10, args.repeats // 10),
    )
    print(
        f"model {args.model}: one pass {one_pass:.2f} ms, naive {naive:.1f} ms "
        f"({len(per_layer)} layers); both readings of a drawing (as drawn, upright) "
        f"{readings:.2f} ms, {whole:.2f} ms with preparing it from the canvas"
    )
    print(
        json.dumps(
            {
                "model": args.model,
                "p50_ms": round(one_pass, 3),
                "naive_p50_ms": round(naive, 2),
                "ratio": round(naive / one_pass, 1),
                "readings_p50_ms": round(readings, 3),
                "whole_p50_ms": round(whole, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
