"""How long a waiting run will wait: from the runs ahead of it and the pace of runs so far.

A run costs about `overhead + seconds per digit-epoch × digits × epochs`: the
first term is building, evaluating on the test set and saving, the second the
training itself. Both are learned from this server's ended runs (each preset
its own pace, as robust is slower per digit than seed); until a run of a
preset has ended, PRIOR_* from the 2-core development machine stand in.
With several app servers on one Redis (queue_manager.py) the averages are
shared through Redis as `state()`, so every server estimates from every
server's runs.
"""

from __future__ import annotations

import heapq
import threading

from model.runs.messages import FINISHED
from model.runs.view import RunView
from model.training.recipes import Recipe

# Measured on the shared 2-core machine, one worker at a time, bundled sample.
PRIOR_SECONDS_PER_DIGIT_EPOCH = {"seed": 0.0012, "robust": 0.004}
PRIOR_OVERHEAD_S = 4.0
LEARN_RATE = 0.3  # weight of each new run in the running averages


def line_waits(busy_for: list[float], run_seconds: list[float], workers: int) -> list[float]:
    """Seconds until each run in line starts: `busy_for` the seconds left of the runs training,
    `run_seconds` what each waiting run takes, in line order.

    Each run ahead goes to the worker that frees up first, as the managers do.
    """
    free_at = list(busy_for) + [0.0] * max(0, workers - len(busy_for))
    heapq.heapify(free_at)
    waits = []
    for seconds in run_seconds:
        start = heapq.heappop(free_at) if free_at else 0.0
        waits.append(start)
        heapq.heappush(free_at, start + seconds)
    return waits


def digit_epochs(view: RunView, trainable_digits: int | None) -> int:
    return recipe_digit_epochs(view.job.recipe, trainable_digits)


def recipe_digit_epochs(recipe: Recipe, trainable_digits: int | None) -> int:
    """Digits times epochs: what a run's training time grows with."""
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
        return self.seconds_for(view.job.preset, digit_epochs(view, trainable_digits))

    def seconds_for(self, preset: str, digit_epochs: int) -> float:
        """Seconds a run of `preset` over this many digit-epochs takes, start to result."""
        with self._lock:
            per = self._per_digit_epoch.get(preset, max(self._per_digit_epoch.values()))
            return self._overhead + per * digit_epochs

    @property
    def overhead_s(self) -> float:
        """A run's seconds besides training: building, testing, saving."""
        with self._lock:
            return self._overhead

    def state(self) -> dict:
        """The averages as plain data (JSON), to share with other servers."""
        with self._lock:
            return {"per_digit_epoch": dict(self._per_digit_epoch), "overhead": self._overhead}

    def adopt(self, state: dict) -> None:
        """Take another server's averages (from `state()`); values that make no sense are left."""
        per = state.get("per_digit_epoch", {})
        overhead = state.get("overhead")
        with self._lock:
            for preset, seconds in per.items():
                if isinstance(seconds, int | float) and seconds > 0:
                    self._per_digit_epoch[str(preset)] = float(seconds)
            if isinstance(overhead, int | float) and overhead >= 0:
                self._overhead = float(overhead)

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
        return line_waits(
            [self.remaining_seconds(view, trainable) for view in running],
            [self.run_seconds(view, trainable) for view in waiting],
            workers,
        )
