"""The words of a worked example: each step of the sum, what follows it, and the check.

Also the text alternatives of its charts (the window, the products, the neuron's sum).

Plain functions of the worked values (model/inside/arithmetic.py, afterwards.py),
returning Markdown, so the page says exactly what was computed, for any model.
"""

from __future__ import annotations

import numpy as np

from components.common.chart_text import ranked_text, signed_cells_text
from model.inside.afterwards import NormStep, ReluStep
from model.inside.arithmetic import TOLERANCE, DenseNeuron


def check_text(difference: float, agrees: bool, what: str) -> str:
    verdict = "they agree" if agrees else f"they differ by more than {TOLERANCE:g}"
    return f"The model's own {what}: max difference: {difference:.1e}, {verdict}."


def bias_line(bias: float | None, pre_activation: float, steps: list) -> str:
    if bias is not None:
        return f"- plus the bias {bias:.4f}: **{pre_activation:.4f}**\n"
    if any(isinstance(step, NormStep) for step in steps):
        return "- no bias of its own: batch normalisation's β shifts the value below\n"
    return "- no bias in this layer\n"


def activation_line(name: str, z: float, result: float, steps: list) -> str:
    if name == "relu":
        return f"- ReLU: max(0, {z:.4f}) = **{result:.4f}**\n"
    if name == "linear":
        if steps:
            return f"- no activation in the layer itself: its output is **{result:.4f}**\n"
        return f"- no activation in this layer: the output is **{result:.4f}**\n"
    return f"- {name}({z:.4f}) = **{result:.4f}**\n"


def _plus(value: float) -> str:
    """`+ 0.1000` or `− 0.1000`: a term added, with its sign written once."""
    return f"{'−' if value < 0 else '+'} {abs(value):.4f}"


def step_line(step: NormStep | ReluStep) -> str:
    if isinstance(step, ReluStep):
        return f"- ReLU (`{step.layer}`): max(0, {step.x:.4f}) = **{step.result:.4f}**\n"
    return (
        f"- batch normalisation (`{step.layer}`), with this channel's scale γ = "
        f"{step.gamma:.4f}, shift β = {step.beta:.4f}, moving mean μ = {step.mean:.4f}, "
        f"moving variance σ² = {step.variance:.4f} and ε = {step.epsilon:g}:  \n"
        f"  γ · (x − μ) / √(σ² + ε) + β = {step.gamma:.4f} · ({step.x:.4f} {_plus(-step.mean)})"
        f" / √({step.variance:.4f} + {step.epsilon:g}) {_plus(step.beta)} = "
        f"{step.gamma:.4f} · {step.normalised:.4f} {_plus(step.beta)} = **{step.result:.4f}**\n"
    )


def worked_lines(bias: float | None, z: float, activation: str, result: float, steps: list) -> str:
    """The bias and activation of the layer, then each batch-norm or ReLU layer after it."""
    return (
        bias_line(bias, z, steps)
        + activation_line(activation, z, result, steps)
        + "".join(map(step_line, steps))
    )


def final_check(hand: float, model: float, layer: str, difference: float, agrees: bool) -> str:
    return f"By hand: **{hand:.6f}** · the model (`{layer}`): **{model:.6f}**  \n" + check_text(
        difference, agrees, "activation at this cell"
    )


def window_words(top: int, left: int, height: int, width: int) -> str:
    return (
        f"The window covers rows {top} to {top + height - 1}, "
        f"columns {left} to {left + width - 1}. "
    )


def products_words(products: np.ndarray, total: float) -> str:
    """What the patch × kernel chart shows: the sum, and its largest products."""
    if products.shape[2] == 1:
        listed = signed_cells_text(products[:, :, 0], what="products")
    else:
        flat = products.reshape(-1)
        places = [np.unravel_index(i, products.shape) for i in range(flat.size)]
        labels = [f"channel {c}, row {r}, column {k}" for r, k, c in places]
        listed = "Largest products: " + ranked_text(labels, flat, places=4) + "."
    return f"The products sum to {total:.4f}. {listed}"


def dense_words(neuron: DenseNeuron) -> str:
    """The waterfall in words: the bars in order, then the total."""
    bars = ", ".join(f"input {i} adds {neuron.products[i]:.4f}" for i in neuron.largest[:3])
    others = len(neuron.products) - len(neuron.largest)
    bias = "" if neuron.bias is None else f", the bias {neuron.bias:.4f}"
    return (
        f"Largest contributions: {bars}; the other {others:,} together {neuron.rest:.4f}{bias}; "
        f"total {neuron.pre_activation:.4f}."
    )
