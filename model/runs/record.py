"""One training run as the run manager keeps it: mutable, behind the manager's lock.

The worker's messages (model/runs/worker.py) change it; `view()` hands out an
immutable snapshot (model/runs/view.py) for the app to show.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from model.runs.messages import Progress, RunEnd, RunJob
from model.runs.view import ENDED, EVALUATING, STARTING, TRAINING, WAITING, EpochPoint, RunView


@dataclass
class RunRecord:
    job: RunJob
    session_id: str
    status: str = WAITING
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    ended_at: float | None = None
    last: Progress | None = None
    batch_loss: list[float] = field(default_factory=list)
    batch_accuracy: list[float] = field(default_factory=list)
    epochs: list[EpochPoint] = field(default_factory=list)
    end: RunEnd | None = None
    stop_requested: float | None = None  # the manager's clock at the Stop
    stop_reason: str | None = None
    cancel: threading.Event | None = None  # thread mode: set to stop the run

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def apply(self, kind: str, payload: Any) -> None:
        """A message from the worker: ("status", "starting" | "evaluating") or ("progress", …).

        ("end", RunEnd) goes to the manager, which calls `finish`.
        """
        if kind == "status":
            self.status = STARTING if payload == "starting" else EVALUATING
        elif kind == "progress":
            self.status, self.last = TRAINING, payload
            if payload.epoch_done:
                self.epochs.append(
                    EpochPoint(
                        payload.epoch,
                        payload.loss,
                        payload.accuracy,
                        payload.val_loss,
                        payload.val_accuracy,
                    )
                )
            else:
                self.batch_loss.append(payload.batch_loss)
                self.batch_accuracy.append(payload.batch_accuracy)

    def finish(self, end: RunEnd) -> None:
        self.end, self.status, self.ended_at = end, end.outcome, time.time()

    def view(
        self,
        place: int | None,
        worker_ready: bool,
        test_description: str | None,
        wait_s: float | None = None,
        curves: bool = True,
    ) -> RunView:
        """A snapshot; without `curves`, the batch curves are left out (cheap, for estimates)."""
        return RunView(
            job=self.job,
            status=self.status,
            place=place,
            worker_ready=worker_ready or self.status not in (WAITING, STARTING),
            last=self.last,
            batch_loss=tuple(self.batch_loss) if curves else (),
            batch_accuracy=tuple(self.batch_accuracy) if curves else (),
            epochs=tuple(self.epochs),
            submitted_at=self.submitted_at,
            started_at=self.started_at,
            ended_at=self.ended_at,
            end=self.end,
            stop_reason=self.stop_reason,
            test_description=test_description,
            wait_s=wait_s,
        )


def hand_over(records: Iterable[RunRecord], beats: dict[str, float], old: str, new: str) -> None:
    """`old`'s runs (waiting, training or ended) become `new`'s, with its last sign of life.

    For a run started before its browser was known: the session that pressed Train
    hands it to the browser once the browser's token arrives, so that a reload finds it.
    """
    for run in records:
        if run.session_id == old:
            run.session_id = new
    if old in beats:
        beats[new] = max(beats.pop(old), beats.get(new, float("-inf")))
