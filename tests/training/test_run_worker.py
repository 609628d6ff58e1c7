"""The training worker's job, run in this process: what it reports and what it leaves behind."""

import threading
from dataclasses import replace

import numpy as np
import pytest

from model.files.persistence import load_model
from model.network.assessment import worst_mistakes
from model.runs.messages import DIVERGED, FAILED, FINISHED, STOPPED, RunJob
from model.runs.worker import execute, reason_for_people
from model.training.recipes import Recipe
from tests.helpers import tiny_mnist

pytestmark = pytest.mark.slow  # every test here trains a run


def job(tmp_path, **recipe) -> RunJob:
    return RunJob(
        run_id="r1",
        number=1,
        preset="seed",
        recipe=Recipe(**{"epochs": 1, "batch_size": 32, **recipe}),
        out_path=str(tmp_path / "r1.keras"),
        previous_model="seed",
        previous_label="seed (shipped)",
    )


def run(job, data=None, cancel_at_batch=None, crash_at_batch=None, cancel_in_epoch=1):
    messages, cancel = [], threading.Event()

    def emit(message):
        kind, payload = message
        if kind == "progress" and not payload.epoch_done:
            if payload.batch == crash_at_batch:
                raise RuntimeError("the GPU fell off the bus")
            if payload.batch == cancel_at_batch and payload.epoch == cancel_in_epoch:
                cancel.set()
        messages.append(message)

    execute(job, data or tiny_mnist(n_train=300), emit, cancel)
    return messages


def test_a_finished_run_reports_evaluates_compares_and_saves(tmp_path):
    messages = run(job(tmp_path))
    kinds = [kind for kind, _ in messages]
    assert kinds[0] == "status" and kinds[-1] == "end"
    assert ("status", "evaluating") in messages
    assert kinds.count("progress") == 9 + 1  # 270 digits in batches of 32, then the epoch
    end = messages[-1][1]
    assert end.outcome == FINISHED and end.epochs_done == 1
    evaluation = end.evaluation
    assert evaluation.test_description == "first 200 digits of the official MNIST test set"
    assert evaluation.labels.shape == evaluation.predicted.shape == (200,)
    assert evaluation.test_accuracy == np.mean(evaluation.labels == evaluation.predicted)
    # The shipped seed model, on the same 200 digits, for the comparison.
    assert evaluation.previous.label == "seed (shipped)"
    assert np.mean(evaluation.previous.predicted == evaluation.labels) > 0.95
    # The pixels of the most confident mistakes come back for the gallery.
    worst = worst_mistakes(evaluation.labels, evaluation.predicted, evaluation.confidence, 48)
    assert len(worst) > 0 and set(worst.tolist()) <= set(evaluation.digits)
    assert all(d.shape == (28, 28) and d.dtype == np.uint8 for d in evaluation.digits.values())
    # Saved through persistence, with its card: loadable and verified.
    model, card = load_model(end.model_path)
    assert card.name == "run 1" and card.test_accuracy == round(evaluation.test_accuracy, 6)
    # The app's runs hold out the last tenth of the training digits for validation.
    assert card.trained_on == "first 270 MNIST training digits"
    assert "the last 30 training digits were held out for validation" in card.notes[1]
    assert model.count_params() == 93_322


def test_a_stopped_run_leaves_no_model(tmp_path):
    messages = run(job(tmp_path, epochs=5), cancel_at_batch=2)
    end = messages[-1][1]
    assert end.outcome == STOPPED and end.epochs_done == 0
    assert [kind for kind, _ in messages].count("progress") == 2
    assert not (tmp_path / "r1.keras").exists()


def test_a_run_stopped_after_whole_epochs_keeps_the_model_of_the_last_one(tmp_path):
    data = tiny_mnist(n_train=300)
    messages = run(job(tmp_path, epochs=5), data, cancel_at_batch=4, cancel_in_epoch=3)
    end = messages[-1][1]
    assert end.outcome == STOPPED and end.epochs_done == 2
    assert ("status", "evaluating") in messages, "measured on the test set like a finished run"
    model, card = load_model(end.model_path)
    assert card.notes[-1] == "stopped after 2 of 5 epochs"
    # It is the model as it was after epoch 2: the same as a run of 2 epochs.
    (tmp_path / "two").mkdir()
    two = run(job(tmp_path / "two", epochs=2), data)[-1][1]
    assert two.outcome == FINISHED
    assert end.evaluation.test_accuracy == two.evaluation.test_accuracy
    assert end.evaluation.test_loss == pytest.approx(two.evaluation.test_loss, rel=1e-5)
    np.testing.assert_array_equal(end.evaluation.predicted, two.evaluation.predicted)
    assert model.count_params() == 93_322


def test_a_crash_inside_a_batch_ends_as_failed_with_the_reason(tmp_path):
    messages = run(job(tmp_path), crash_at_batch=3)
    end = messages[-1][1]
    assert end.outcome == FAILED
    assert end.reason == "RuntimeError: the GPU fell off the bus"
    assert not (tmp_path / "r1.keras").exists()


def test_a_diverged_run_ends_with_advice_and_no_model(tmp_path):
    end = run(job(tmp_path, optimizer="sgd", learning_rate=1e6))[-1][1]
    assert end.outcome == DIVERGED
    assert "became NaN or infinite in epoch 1" in end.reason
    assert "smaller learning rate than 1e+06" in end.reason
    assert not (tmp_path / "r1.keras").exists()


def test_a_broken_previous_model_still_gives_a_result(tmp_path):
    broken = replace(job(tmp_path), previous_model=str(tmp_path / "gone.keras"))
    end = run(broken)[-1][1]
    assert end.outcome == FINISHED and end.evaluation.previous is None
    assert "could not be run" in end.evaluation.previous_error
    assert "/" not in end.evaluation.previous_error, "no server path is shown to people"


def test_reasons_never_show_server_paths():
    err = FileNotFoundError("/srv/app/tmp/cnn-lens-x/abc/r1.keras: no such model file")
    assert reason_for_people(err) == "FileNotFoundError: r1.keras: no such model file"
