"""Which tf.distribute strategy trains the model: one device, several GPUs, or several machines.

`train()` builds and compiles the model inside the strategy's scope, so the
same code runs on a laptop, a multi-GPU box or a cluster:

- "default": the default strategy, one device;
- "mirrored": MirroredStrategy, one replica per GPU (or per logical CPU device
  when there is no GPU), gradients summed across replicas after every batch;
- "multiworker": MultiWorkerMirroredStrategy over the machines listed in the
  TF_CONFIG environment variable (each machine runs the same command);
- "auto": "mirrored" when more than one GPU is visible, "default" otherwise.

The batch size of a recipe is the global batch: each of N replicas gets 1/N of it.
"""

from __future__ import annotations

import json
import os

import tensorflow as tf

STRATEGIES = ("auto", "default", "mirrored", "multiworker")


def make_strategy(kind: str = "auto") -> tf.distribute.Strategy:
    if kind not in STRATEGIES:
        raise ValueError(f"unknown strategy {kind!r}; choose one of {', '.join(STRATEGIES)}")
    if kind == "auto":
        kind = "mirrored" if len(tf.config.list_logical_devices("GPU")) > 1 else "default"
    if kind == "default":
        return tf.distribute.get_strategy()
    if kind == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = gpus or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    if "TF_CONFIG" not in os.environ:
        raise ValueError(
            "the multiworker strategy needs TF_CONFIG: a JSON cluster spec naming every "
            "worker and this machine's index (see the README)"
        )
    try:
        json.loads(os.environ["TF_CONFIG"])
    except json.JSONDecodeError as err:
        raise ValueError(f"TF_CONFIG is not valid JSON: {err}") from err
    return tf.distribute.MultiWorkerMirroredStrategy()


def describe(strategy: tf.distribute.Strategy) -> str:
    """E.g. "MirroredStrategy, 2 replicas"."""
    replicas = strategy.num_replicas_in_sync
    return f"{type(strategy).__name__}, {replicas} replica{'s' if replicas != 1 else ''}"
