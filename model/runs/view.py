"""A training run as the app shows it: an immutable snapshot, and its status in words."""

from __future__ import annotations

import time
from dataclasses import dataclass

from model.runs.messages import DIVERGED, FAILED, FINISHED, STOPPED, Progress, RunEnd, RunJob

# Before and while a run trains. Ended runs carry their outcome instead.
WAITING, STARTING, TRAINING, EVALUATING = "waiting", "starting", "training", "evaluating"
ENDED = (FINISHED, STOPPED, FAILED, DIVERGED)


@dataclass(frozen=True)
class EpochPoint:
    epoch: int
    loss: float  # training, the epoch's mean
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None


@dataclass(frozen=True)
class RunView:
    job: RunJob
    status: str  # WAITING, STARTING, TRAINING, EVALUATING or one of ENDED
    place: int | None  # 1-based place in the waiting line, while WAITING
    worker_ready: bool  # the worker has loaded TensorFlow and the data
    last: Progress | None  # the latest batch report
    batch_loss: tuple[float, ...]  # every batch's own loss, in order
    batch_accuracy: tuple[float, ...]
    epochs: tuple[EpochPoint, ...]  # complete epochs
    submitted_at: float  # time.time()
    started_at: float | None  # when the worker began this job
    ended_at: float | None
    end: RunEnd | None
    stop_reason: str | None  # "you pressed Stop", "the browser tab closed", …
    test_description: str | None  # of the data the worker trains on
    wait_s: float | None = None  # while WAITING: about how long until it starts

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def fraction(self) -> float:
        if self.status == FINISHED:
            return 1.0
        return self.last.fraction if self.last else 0.0

    @property
    def elapsed_s(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    @property
    def eta_s(self) -> float | None:
        """Seconds of training left, from the pace so far; None before the pace is known."""
        if self.status != TRAINING or self.last is None or self.last.fraction <= 0:
            return None
        rate = self.last.elapsed_s / self.last.fraction
        return max(0.0, rate * (1 - self.last.fraction))

    @property
    def epochs_done(self) -> int:
        return self.end.epochs_done if self.end else len(self.epochs)

    def status_text(self) -> str:
        """Where the run is, in words: "epoch 2 of 5", "stopped after 3 of 30 epochs", …"""
        epochs = self.job.recipe.epochs
        if self.status == WAITING:
            wait = (
                f" (starts in about {format_seconds(self.wait_s)})"
                if self.wait_s is not None
                else ""
            )
            return f"waiting: number {self.place} in line{wait}"
        if self.status == STARTING:
            if not self.worker_ready:
                return "starting: the training process is loading TensorFlow and the digits"
            return "starting: building the model"
        if self.status == TRAINING and self.last is not None:
            return (
                f"epoch {self.last.epoch} of {epochs}, batch {self.last.batch} of "
                f"{self.last.batches}"
            )
        if self.status == TRAINING:
            return "starting: the first batch"
        if self.status == EVALUATING:
            return f"evaluating on the {self.test_description or 'test set'}"
        if self.status == FINISHED and self.end and self.end.evaluation:
            return (
                f"done: Test accuracy: {self.end.evaluation.test_accuracy:.2%} on the "
                f"{self.end.evaluation.test_description}"
            )
        after = _epochs_words(self.epochs_done, epochs)
        if self.status == STOPPED:
            why = f" ({self.stop_reason})" if self.stop_reason else ""
            return f"stopped after {after}{why}{self.kept_words()}"
        if self.status == DIVERGED:
            return f"diverged after {after}: {self.end.reason if self.end else ''}"
        return f"failed after {after}: {self.end.reason if self.end else 'unknown reason'}"

    def kept_words(self) -> str:
        """For a run stopped after whole epochs: ": use the model as it was after epoch 2"."""
        if self.status != STOPPED or not (self.end and self.end.model_path):
            return ""
        return f": use the model as it was after epoch {self.end.epochs_done}"

    def ending_text(self) -> str:
        """How an ended run ended, short: "finished", "stopped after 3 of 30 epochs", …"""
        if self.status == FINISHED:
            return "finished"
        after = _epochs_words(self.epochs_done, self.job.recipe.epochs)
        if self.status == STOPPED:
            return f"stopped after {after}"
        if self.status in (DIVERGED, FAILED):
            return f"{self.status} after {after}"
        return self.status


def _epochs_words(done: int, total: int) -> str:
    return f"{done} of {total} epoch{'s' if total != 1 else ''}"


def format_seconds(seconds: float) -> str:
    """42 s, 3 min 05 s, 1 h 02 min."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
