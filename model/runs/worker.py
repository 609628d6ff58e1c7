"""The training worker: one process that loads TensorFlow and the data, then trains run after run.

    python -m model.runs.worker FD

The run manager starts it with one end of a socket pair as file descriptor FD
(a fresh interpreter, not multiprocessing's spawn: that would re-run the
server's __main__, which under Streamlit is the app script). Before it is
given a job it imports TensorFlow, loads the digits and prepares a traced
model of each preset (model/training/ready_models.py), so a warm worker starts
training at once; it runs `execute` on each job it is given, one at a time,
and after RUNS_PER_WORKER of them exits, which gives all its memory back to
the operating system. `execute` is also what a worker *thread* runs
(benchmarks/thread_vs_process.py compares the two).

Messages are tuples (kind, payload) of plain data (model/runs/messages.py).
To the server: ("ready", DataInfo), ("broken", reason), ("status", "starting" |
"evaluating"), ("progress", Progress), ("end", RunEnd).
From the server: ("job", RunJob), then perhaps ("cancel", run_id), and the next job.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np

from model.digits.data import MnistData, load_mnist
from model.network.assessment import compare, worst_mistakes
from model.runs.messages import (
    DIVERGED,
    FAILED,
    FINISHED,
    STOPPED,
    DataInfo,
    Evaluation,
    MyScores,
    PreviousModel,
    RunEnd,
    RunJob,
)
from model.training.recipes import validation_size

if TYPE_CHECKING:  # TensorFlow loads in the worker, never in the server that imports this
    from model.mine.collection import MyDigits
    from model.training.ready_models import ReadyModels
    from model.training.trainer import TrainingResult

Emit = Callable[[tuple[str, Any]], None]
# Set to 1 to skip the Keras download and use the bundled sample when MNIST_PATH is unset.
NO_DOWNLOAD_ENV = "CNN_LENS_NO_DOWNLOAD"
MISTAKES_SHOWN = 48  # misclassified digits whose pixels are sent for the gallery
CHANGES_SHOWN = 12  # fixed and broken digits each, for the comparison
# Added to the worker's niceness: the most there is. It gets the CPU the server
# leaves; at 10 it still took about a tenth of a busy core from a page's run.
WORKER_NICENESS = 19
# A warm worker trains run after run (no TensorFlow import between them), and is
# replaced by a fresh one after this many, which gives back whatever TensorFlow kept.
RUNS_PER_WORKER = 20
RUNS_PER_WORKER_ENV = "CNN_LENS_RUNS_PER_WORKER"


def worker_main(server: Connection) -> None:
    """Process entry point: warm up, then run the jobs the server gives, one at a time.

    It exits (giving all its memory back) when the server goes, or after
    RUNS_PER_WORKER_ENV's number of runs, when the server starts a fresh one.
    """
    # Training is background work: the pages people click come first. The worker
    # warms up (TensorFlow, the digits, a traced model of each preset: 10-20 s of
    # CPU) as soon as the server has its first visitor, and on two cores that made
    # the first 49-megapixel upload take 15-35 s instead of 6-9 s.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    try:
        from model.training.distribute import make_strategy
        from model.training.ready_models import ReadyModels

        data = load_data()
        ready = ReadyModels(make_strategy("auto"))
        ready.prepare()  # TensorFlow's tracing now, not after Train
    except Exception as err:  # noqa: BLE001 - whatever it is, the server must hear why
        server.send(("broken", reason_for_people(err)))
        return
    server.send(("ready", DataInfo.of(data)))
    inbox = _Inbox(server)
    threading.Thread(target=inbox.listen, daemon=True).start()
    runs_left = int(os.environ.get(RUNS_PER_WORKER_ENV) or RUNS_PER_WORKER)
    while runs_left > 0:
        job = inbox.jobs.get()
        if job is None:
            break  # the server went away
        cancel = inbox.start(job.run_id)
        # A server that went away mid-run leaves nobody to tell.
        with contextlib.suppress(BrokenPipeError, EOFError, OSError):
            execute(job, data, server.send, cancel, ready)
        runs_left -= 1
    server.close()
    # Skip TensorFlow's slow teardown: the result is sent, the OS frees the rest.
    os._exit(0)


class _Inbox:
    """The server's messages: jobs into a queue, ("cancel", run id) onto the run's event."""

    def __init__(self, server: Connection):
        self.server, self.jobs = server, queue.Queue()
        self._lock = threading.Lock()
        self._run_id, self._cancel = None, threading.Event()

    def start(self, run_id: str) -> threading.Event:
        with self._lock:
            self._run_id, self._cancel = run_id, threading.Event()
            return self._cancel

    def listen(self) -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                kind, payload = self.server.recv()
                if kind == "job":
                    self.jobs.put(payload)
                elif kind == "cancel":
                    with self._lock:
                        if payload == self._run_id:
                            self._cancel.set()
        with self._lock:
            self._cancel.set()  # the server is gone: nobody waits for this run
        self.jobs.put(None)


def load_data() -> MnistData:
    """MNIST_PATH, else Keras's download (unless CNN_LENS_NO_DOWNLOAD=1), else the bundled sample."""
    return load_mnist(allow_download=os.environ.get(NO_DOWNLOAD_ENV) != "1")


def execute(
    job: RunJob,
    data: MnistData,
    emit: Emit,
    cancel: threading.Event,
    ready: ReadyModels | None = None,
) -> None:
    """Train job on data, reporting through emit; the last message is always ("end", RunEnd).

    ready: models prepared in advance (a warm worker's), if any.
    """
    emit(("status", "starting"))
    try:
        end = _train_and_save(job, data, emit, cancel, ready)
    except Exception as err:  # noqa: BLE001 - a crashed run is reported, never raised
        end = RunEnd(FAILED, reason=reason_for_people(err))
    emit(("end", end))


def _train_and_save(
    job: RunJob,
    data: MnistData,
    emit: Emit,
    cancel: threading.Event,
    ready: ReadyModels | None,
) -> RunEnd:
    from model.files.cards import ModelCard, started_from_words
    from model.files.persistence import load_model, save_model
    from model.mine.files import read_digits_file
    from model.training.trainer import inference_copy, train

    mine = read_digits_file(job.my_digits) if job.my_digits else None
    start_from, start_card, preset = None, None, job.preset
    if job.fine_tune:
        start_from, start_card = load_model(job.previous_model)
        preset = start_card.preset  # fine-tuning keeps the active model's network
    result = train(
        preset,
        job.recipe,
        data,
        on_progress=lambda p: emit(("progress", p)),
        cancel=cancel,
        validation=validation_size(len(data.x_train)),
        ready=ready,
        extra=mine.training() if mine is not None and len(mine.training()[1]) else None,
        start_from=start_from,
    )
    done = {"train_seconds": result.seconds, "epochs_done": result.epochs_done}
    if result.outcome == DIVERGED:
        reason = (
            f"{result.divergence_words}: the steps were too big. "
            f"Try a smaller learning rate than {job.recipe.learning_rate:g}."
        )
        return RunEnd(DIVERGED, reason=reason, **done)
    stopped = result.outcome == STOPPED
    if stopped and result.test_probabilities is None:
        return RunEnd(STOPPED, **done)  # stopped in its first epoch: no model to keep
    emit(("status", "evaluating"))
    evaluation = _evaluate(job, data, result.test_probabilities, result.test_loss)
    if mine is not None:
        evaluation = replace(evaluation, mine=my_scores(job, mine, result))
    if cancel.is_set() and not stopped:
        return RunEnd(STOPPED, **done)
    info = DataInfo.of(data)
    epochs = job.recipe.epochs
    card = ModelCard(
        name=f"run {job.number}",
        preset=preset,
        recipe=job.recipe.to_dict(),
        trained_on=result.trained_on,
        test_set=data.test_description,
        test_loss=round(evaluation.test_loss, 6),
        test_accuracy=round(evaluation.test_accuracy, 6),
        params=0,
        sha256="",
        notes=[f"data: {info.words}", *result.card_notes]
        + ([started_from_words(start_card)] if start_card else [])
        + ([f"stopped after {result.epochs_done} of {epochs} epochs"] if stopped else []),
    )
    card = save_model(inference_copy(result.model), job.out_path, card)
    return RunEnd(
        STOPPED if stopped else FINISHED,
        evaluation=evaluation,
        model_path=job.out_path,
        card=asdict(card),
        **done,
    )


def _evaluate(
    job: RunJob, data: MnistData, probabilities: np.ndarray, test_loss: float
) -> Evaluation:
    """The new model's answers, the previous model's on the same digits, and the digits to show."""
    labels = data.y_test.astype(np.uint8)
    predicted = np.argmax(probabilities, axis=1).astype(np.uint8)
    confidence = probabilities.max(axis=1).astype(np.float32)
    previous, previous_error = None, None
    try:
        previous = _previous_answers(job, data)
    except Exception as err:  # noqa: BLE001 - no comparison is better than no result
        previous_error = f"the previous model could not be run ({reason_for_people(err)})"
    shown = set(worst_mistakes(labels, predicted, confidence, MISTAKES_SHOWN).tolist())
    if previous is not None:
        comparison = compare(labels, predicted, previous.predicted)
        shown |= set(comparison.fixed[:CHANGES_SHOWN].tolist())
        shown |= set(comparison.broken[:CHANGES_SHOWN].tolist())
    return Evaluation(
        test_description=data.test_description,
        test_loss=float(test_loss),
        test_accuracy=float(np.mean(predicted == labels)),
        labels=labels,
        predicted=predicted,
        confidence=confidence,
        previous=previous,
        previous_error=previous_error,
        digits={index: data.x_test[index].copy() for index in sorted(shown)},
    )


def _previous_answers(job: RunJob, data: MnistData) -> PreviousModel:
    from model.digits.data import as_model_input
    from model.files.persistence import load_model

    model, _ = load_model(job.previous_model)
    probabilities = model.predict(as_model_input(data.x_test), batch_size=1000, verbose=0)
    return PreviousModel(
        label=job.previous_label,
        predicted=np.argmax(probabilities, axis=1).astype(np.uint8),
        confidence=probabilities.max(axis=1).astype(np.float32),
    )


def my_scores(job: RunJob, mine: MyDigits, result: TrainingResult) -> MyScores:
    """The learner's held-out digits as the new model and the previous one read them.

    Read as the app reads a drawing (as prepared and sheared upright, averaged),
    so the figures match what the draw page shows for the same digits.
    """
    from model.files.persistence import load_model

    x, y = mine.testing()
    after = _app_reading(result.model, x)
    try:
        before = _app_reading(load_model(job.previous_model)[0], x)
    except Exception:  # noqa: BLE001 - the comparison is left out, as for the test set
        before = None
    return MyScores(
        labels=y,
        digits=x,
        after=after,
        before=before,
        trained=result.extra_digits,
        repeats=result.extra_repeats,
    )


def _app_reading(model, x: np.ndarray) -> np.ndarray:
    """(K,) digits read from (K, 28, 28) uint8 inputs as the draw page reads them."""
    from model.preprocess.reading import read_inputs

    class _Batch:  # read_inputs needs only a `probabilities` method
        @staticmethod
        def probabilities(inputs):
            return model.predict(inputs[..., np.newaxis], batch_size=1000, verbose=0)

    if not len(x):
        return np.zeros(0, np.uint8)
    return read_inputs(_Batch, x.astype(np.float32) / 255).argmax(axis=1).astype(np.uint8)


_PATH = re.compile(r"(?:/[^\s/:'\"]+)+/([^\s/:'\"]+)")


def reason_for_people(err: BaseException) -> str:
    """One line about what went wrong: the error's kind and message, file paths cut to names."""
    lines = str(err).strip().splitlines()
    message = _PATH.sub(r"\1", lines[0] if lines else "")[:300]
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


if __name__ == "__main__":
    worker_main(Connection(int(sys.argv[1])))
