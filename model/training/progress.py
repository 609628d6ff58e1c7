"""What a training run reports while it trains, and how it can end: plain data, no TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass

# How a run ended. Only a finished run has a model; the others leave the
# previously active model active.
FINISHED, STOPPED, DIVERGED = "finished", "stopped", "diverged"


@dataclass(frozen=True)
class Progress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based, within the epoch
    batches: int  # per epoch
    loss: float  # the epoch's running mean so far, as Keras reports it
    accuracy: float
    elapsed_s: float
    epoch_done: bool = False
    batch_loss: float | None = None  # this batch alone
    batch_accuracy: float | None = None
    val_loss: float | None = None  # on the validation digits, in epoch_done reports
    val_accuracy: float | None = None

    @property
    def fraction(self) -> float:
        return ((self.epoch - 1) * self.batches + self.batch) / (self.epochs * self.batches)
