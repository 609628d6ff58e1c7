"""The other-hands benchmark's figures as numbers and as Markdown tables.

`predicted` maps a model's label to its predicted digit per picture (-1 for a
picture that came out blank), `labels` holds the true digits, and a set's mask
picks its pictures.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

ONE = 1  # the digit the issue-10 model over-reads: how many of each digit it takes for one


def per_class(predicted: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Accuracy on each digit of a set, keyed "0".."9" (JSON keys are strings)."""
    return {
        str(d): float(np.mean(predicted[mask & (labels == d)] == d))
        for d in range(10)
        if np.any(mask & (labels == d))
    }


def read_as_one(predicted: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    """How many of each other digit were read as a 1, keyed "0".."9"; 1 itself left out."""
    wrong = mask & (predicted == ONE) & (labels != ONE)
    counts = Counter(int(d) for d in labels[wrong])
    return {str(d): counts.get(d, 0) for d in range(10) if d != ONE}


def set_table(accuracy: dict, set_names: list[str], sizes: dict[str, int]) -> str:
    lines = ["| Model | " + " | ".join(f"{s} ({sizes[s]:,})" for s in set_names) + " |"]
    lines.append("|---|" + "---:|" * len(set_names))
    for model, row in accuracy.items():
        lines.append(f"| {model} | " + " | ".join(f"{row[s]:.2%}" for s in set_names) + " |")
    return "\n".join(lines)


def digit_table(per_digit: dict[str, dict[str, dict[str, float]]], set_name: str) -> str:
    """One set's accuracy per digit, a column per model."""
    models = list(per_digit)
    lines = ["| Digit | " + " | ".join(models) + " |", "|---|" + "---:|" * len(models)]
    for digit in range(10):
        scores = [per_digit[m][set_name].get(str(digit)) for m in models]
        cells = ["–" if score is None else f"{score:.1%}" for score in scores]
        lines.append(f"| {digit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ones_table(ones: dict[str, dict[str, dict[str, int]]], set_name: str) -> str:
    """One set's other digits read as 1, a row per model."""
    digits = [str(d) for d in range(10) if d != ONE]
    lines = ["| Model | " + " | ".join(f"{d}→1" for d in digits) + " | all |"]
    lines.append("|---|" + "---:|" * (len(digits) + 1))
    for model, row in ones.items():
        counts = [row[set_name][d] for d in digits]
        lines.append(f"| {model} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    return "\n".join(lines)


def source_table(predicted: np.ndarray, labels: np.ndarray, sources: np.ndarray, mask) -> str:
    rows = []
    for source in dict.fromkeys(sources[mask]):
        picked = mask & (sources == source)
        wrong = Counter(int(d) for d in labels[picked & (predicted != labels)])
        worst = ", ".join(f"{d}×{n}" for d, n in sorted(wrong.items(), key=lambda x: -x[1])[:4])
        rows.append((float(np.mean(predicted[picked] == labels[picked])), source, worst))
    return "\n".join(
        f"  {acc:7.2%}  {source:28s} {'wrong: ' + worst if worst else ''}"
        for acc, source, worst in sorted(rows)
    )


def confusions(predicted: np.ndarray, labels: np.ndarray, mask: np.ndarray, top: int = 6) -> str:
    wrong = mask & (predicted != labels)
    pairs = Counter(zip(labels[wrong].tolist(), predicted[wrong].tolist(), strict=True))
    text = ", ".join(f"{t}→{'blank' if p < 0 else p}: {n}" for (t, p), n in pairs.most_common(top))
    return text or "none"
