"""Evaluate a saved model on the MNIST test set.

    python -m model.evaluate [--model NAME_OR_PATH] [--data PATH] [--json]

`--model seed` and `--model default` name the shipped models; default is used
when --model is not given. With --json the last line is one JSON object.

The accuracy is the model's own, one pass per digit, as its card gives it.
`upright_accuracy` is that of the app's reading, which averages each digit
with a copy sheared upright (model/preprocess/reading.py).

`--data` also takes a file of your own digits (the My digits page's .npz):
then every digit in it is the test set.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m model.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--model", default="default", help='"default", "seed" or a .keras path')
    parser.add_argument(
        "--data",
        help="mnist.npz, a folder of IDX files, or an .npz of your own digits "
        "(default: $MNIST_PATH)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object as the last line"
    )
    args = parser.parse_args(argv)

    from model.digits.data import DataError, MnistData, load_mnist
    from model.files.persistence import ModelFileError, load_model
    from model.mine.files import MineFileError, is_digits_file, read_digits_file
    from model.network.inference import DigitClassifier, evaluate
    from model.preprocess.reading import read_inputs

    try:
        model, card = load_model(args.model)
        if args.data and is_digits_file(args.data):
            mine = read_digits_file(args.data)
            data = MnistData(mine.x[:0], mine.y[:0], mine.x, mine.y, source=args.data)
            test_set = f"your digits in {Path(args.data).name} ({len(mine):,} digits)"
        else:
            data = load_mnist(args.data)
            test_set = data.test_description
    except (ModelFileError, DataError, MineFileError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if data.notice:
        print(f"note: {data.notice}", file=sys.stderr)
    classifier = DigitClassifier(model)
    loss, accuracy = evaluate(classifier, data.x_test, data.y_test)
    read = read_inputs(classifier, data.x_test.astype("float32") / 255).argmax(axis=1)
    upright_accuracy = float((read == data.y_test).mean())
    result = {
        "model": args.model,
        "name": card.name,
        "preset": card.preset,
        "accuracy": round(accuracy, 6),
        "loss": round(loss, 6),
        "upright_accuracy": round(upright_accuracy, 6),
        "params": card.params,
        "test_set": test_set,
        "test_digits": len(data.x_test),
        "trained_on": card.trained_on,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{card.name} ({card.preset}, {card.params:,} parameters, trained on the {card.trained_on})"
        )
        print(f"accuracy {accuracy:.4%}  loss {loss:.4f}  on the {test_set}")
        print(f"read as the app reads (as given and upright, averaged): {upright_accuracy:.4%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
