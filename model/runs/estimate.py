"""How long a waiting run will wait: from the runs ahead of it and the pace of runs so far.

A run costs about `overhead + seconds per digit-epoch × digits × epochs`: the
first term is building, evaluating on the test set and saving, the second the
training itself. Both are learned from this server's ended runs (each preset
its own pace, as robust is slower per digit than seed); until a run of a
preset has ended, PRIOR_* from the 2-core development machine stand in.
"""

from __future__ import annotations

import heapq
import threading

from model.runs.messages import FINISHED
from model.runs.view import RunView

# Measured on the shared 2-core machine, one worker at a time, bundled sample.
PRIOR_SECONDS_PER_DIGIT_EPOCH = {"seed": 0.0012, "robust": 0.004}
PRIOR_OVERHEAD_S = 4.0
LEARN_RATE = 0.3  # weight of each new run in the running averages


def digit_epochs(view: RunView, trainable_digits: int | None) -> int:
    recipe = view.job.recipe
    digits = recipe.train_size or trainable_digits or 50_000
    if trainable_digits:
        digits = min(digits, trainable_digits)
    return digits * recipe.epochs


class Pace:
    """The running averages, per preset; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._per_digit_epoch = dict(PRIOR_SECONDS_PER_DIGIT_EPOCH)
        self._overhead = PRIOR_OVERHEAD_S

    def learn(self, view: RunView, trainable_digits: int | None) -> None:
        """An ended run: its training pace and its other seconds join the averages."""
        end = view.end
        if end is None or view.status != FINISHED or not end.train_seconds or not view.ended_at:
            return
        per = end.train_seconds / max(1, digit_epochs(view, trainable_digits))
        overhead = max(0.0, view.elapsed_s - end.train_seconds)
        with self._lock:
            old = self._per_digit_epoch.get(view.job.preset, per)
            self._per_digit_epoch[view.job.preset] = old + LEARN_RATE * (per - old)
            self._overhead += LEARN_RATE * (overhead - self._overhead)

    def run_seconds(self, view: RunView, trainable_digits: int | None) -> float:
        """Seconds a run takes from start to result."""
        with self._lock:
            per = self._per_digit_epoch.get(view.job.preset, max(self._per_digit_epoch.values()))
            return self._overhead + per * digit_epochs(view, trainable_digits)

    def remaining_seconds(self, view: RunView, trainable_digits: int | None) -> float:
        """Seconds left of a run that is training: its own pace once known."""
        if view.eta_s is not None:
            with self._lock:
                return view.eta_s + self._overhead
        return max(0.0, self.run_seconds(view, trainable_digits) - view.elapsed_s)

    def waits(
        self, running: list[RunView], waiting: list[RunView], workers: int, trainable: int | None
    ) -> list[float]:
        """Seconds until each waiting run starts, in line order, with `workers` training.

        Each run ahead goes to the worker that frees up first, as the manager does.
        """
        free_at = [self.remaining_seconds(view, trainable) for view in running]
        free_at += [0.0] * max(0, workers - len(free_at))
        heapq.heapify(free_at)
        waits = []
        for view in waiting:
            start = heapq.heappop(free_at) if free_at else 0.0
            waits.append(start)
            heapq.heappush(free_at, start + self.run_seconds(view, trainable))
        return waits
