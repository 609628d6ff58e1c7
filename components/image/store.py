"""The analysed images, kept once for every session, within a budget of bytes.

Every widget on the image page reruns code that needs the analysis, and making
it takes seconds for a big photo, so each distinct file (keyed by a hash of its
bytes) is analysed once and kept. Sessions that open the same file share it:
its arrays are read-only.

Not st.cache_data: it bounds the number of entries, not bytes (8 entries of
49-megapixel images held 3 GB), and it pickles each value, copying it on every
hit. This is a small LRU bounded by bytes instead, with these limits:

- at most BUDGET_BYTES of analyses are kept; the least recently used go first;
- one image is analysed at a time, however many sessions upload at once, and
  room for it is made before it is decoded (from the size in its header).

A server with TensorFlow and the digit model loaded holds about 800 MB. The
worst upload (50 megapixels RGBA, 200 MB as an array) needs its array, Pillow's
copy while decoding (200 MB) and blocks of the analysis (about 100 MB) on top
of the budget. With a 320 MB budget the server peaked at 1,452 MB in
benchmarks/pages/upload_memory.py, too near 1.5 GB; 256 MB leaves room and still
keeps one 50-megapixel image, or many ordinary photos.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from io import BytesIO
from typing import TypeVar

import streamlit as st
from PIL import Image

from components.common.patches import give_back_freed_memory
from components.image.input import ImageChoice
from model.images.analysis import ImageAnalysis, analyse_image
from model.images.decoding import MAX_MEGAPIXELS, ImageDecodeError, decode_image

BUDGET_BYTES = 256 * 2**20
FIGURES_KEPT = 32  # a few images' charts; the largest, a pixel view, is under 1 MB
BYTES_PER_PIXEL_AT_MOST = 4  # RGBA, or one 32-bit number (modes I and F)


class ByteBudgetLRU:
    """A thread-safe least-recently-used cache whose entries' sizes add up to a budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> object | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def make_room(self, size: int) -> None:
        """Drop the least recently used entries until `size` more bytes fit."""
        with self._lock:
            self._evict_for(size)

    def put(self, key: str, value: object, size: int) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._evict_for(size)
            if size <= self.budget:
                self._entries[key] = (value, size)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _evict_for(self, size: int) -> None:
        used = sum(entry_size for _, entry_size in self._entries.values())
        while self._entries and used + size > self.budget:
            _, (_, dropped) = self._entries.popitem(last=False)
            used -= dropped


# One store for the whole server process, made when this module is first imported.
# A module-level object rather than st.cache_resource: the download buttons' callables
# read it from another thread, outside any script run, where Streamlit calls warn.
_CACHE = ByteBudgetLRU(BUDGET_BYTES)
_ANALYSING = threading.Lock()
_FIGURES = ByteBudgetLRU(FIGURES_KEPT)  # each counted as 1: a budget of entries
T = TypeVar("T")


def made_once(image_id: str, name: str, make: Callable[[], T]) -> T:
    """What `make()` returns for this image, made on first use and kept for every session.

    For a chart that depends on the image alone: building a plotly figure costs the
    server up to 0.15 s (the channels' six panels), on every run of the page. The
    image id is a hash of the file's bytes, so a kept chart is never out of date.
    Plotly figures are only read once made: sessions can share them.
    """
    key = f"{image_id}/{name}"
    found = _FIGURES.get(key)
    if found is None:
        found = make()
        _FIGURES.put(key, found, 1)
    return found  # type: ignore[return-value]


def analysed_image(choice: ImageChoice) -> ImageAnalysis:
    """The analysis of the chosen file, with a spinner while it is made.

    Raises ImageDecodeError when the file cannot be shown.
    """
    found = _CACHE.get(choice.image_id)
    if found is not None:
        return found  # type: ignore[return-value]
    with st.spinner("Reading the image…"):
        return stored_analysis(choice)


def stored_analysis(choice: ImageChoice) -> ImageAnalysis:
    """The analysis from the store, or made now; draws nothing, so any thread may call it."""
    found = _CACHE.get(choice.image_id)
    if found is not None:
        return found  # type: ignore[return-value]
    with _ANALYSING:
        found = _CACHE.get(choice.image_id)  # another session may have just made it
        if found is not None:
            return found  # type: ignore[return-value]
        if choice.data is None:  # an earlier image whose analysis made room for others
            raise ImageDecodeError(
                f"{choice.name}: this image was shown earlier, but the server has since "
                "made room for other images. Upload it again."
            )
        _CACHE.make_room(_size_at_most(choice.data))
        analysis = analyse_image(decode_image(choice.data, choice.name))
        _CACHE.put(choice.image_id, analysis, analysis.nbytes)
    give_back_freed_memory()
    return analysis


def clear() -> None:
    """Forget every stored analysis and chart (for tests and benchmarks that start cold)."""
    _CACHE.clear()
    _FIGURES.clear()


def _size_at_most(data: bytes) -> int:
    """Bytes the decoded array can take, read from the header (nothing is decoded)."""
    try:
        with Image.open(BytesIO(data)) as img:
            pixels = min(img.width * img.height, MAX_MEGAPIXELS * 1_000_000)
    except Exception:  # decode_image will say what is wrong with the file
        return 0
    return pixels * BYTES_PER_PIXEL_AT_MOST
