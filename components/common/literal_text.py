"""Text from outside the app (a file name, an error naming it) shown as typed.

Streamlit renders captions and message boxes as Markdown, which also reads
HTML, LaTeX between dollar signs, and its own :colour[...] and :emoji:
directives. A file named `**x**_$y$<b>.png` would come out bold, as maths, or
with its tag dropped. Every page that shows such text uses `literal`.
"""

from __future__ import annotations

import re

# Every one of those starts with one of these: a backslash before each makes it plain.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:&=^\"'])")


def literal(text: str) -> str:
    """`text` escaped so that Streamlit's Markdown shows it exactly as it is."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
