"""What each browser keeps on the server between visits: one folder per browser, bounded.

Streamlit forgets a session on reload, so things a person makes (their digits,
their runs and trained models) are kept under their *browser's* key instead: a
random token the browser holds in its localStorage (components/common/browser.py).
The token is a secret like a session cookie: folders are named by its SHA-256,
so the names on disk do not give the tokens away, and nothing lists them.

Bounded twice: each folder has a byte limit (a write past it is refused), and all
folders together have a budget; past it the folders used least recently are
deleted whole, oldest first, never the one being written. A page whose files
went says so; the downloads people make are the durable copies.

The folder is `browser_data/` next to app.py, or CNN_LENS_BROWSER_DATA.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "CNN_LENS_BROWSER_DATA"
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "browser_data"
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")  # 128 random bits, as the browser makes them
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
BUDGET_BYTES = 1024 * 2**20  # every browser's files together
PER_BROWSER_BYTES = 64 * 2**20


class StoreFull(Exception):
    """A write that would take one browser's folder past its limit; the message says so."""


@dataclass(frozen=True)
class Evicted:
    folders: int  # other browsers' folders deleted to make room
    bytes: int


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


class BrowserStore:
    """Files by browser token. Thread-safe within one server process."""

    def __init__(
        self,
        root: Path | None = None,
        budget_bytes: int = BUDGET_BYTES,
        per_browser_bytes: int = PER_BROWSER_BYTES,
    ):
        self.root = Path(root or os.environ.get(ENV_VAR) or DEFAULT_ROOT)
        self.budget_bytes, self.per_browser_bytes = budget_bytes, per_browser_bytes
        self._lock = threading.Lock()

    def folder(self, token: str) -> Path:
        """This browser's folder (made on first use); ValueError for a malformed token."""
        if not valid_token(token):
            raise ValueError("not a browser token")
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        return self.root / digest

    def read(self, token: str, name: str) -> bytes | None:
        path = self.folder(token) / _checked(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        _touch(path.parent)
        return data

    def write(self, token: str, name: str, data: bytes) -> Evicted:
        """Keep `data` as this browser's file `name`, atomically; make room if needed."""
        folder = self.folder(token)
        target = folder / _checked(name)
        with self._lock:
            others = _size(folder) - (target.stat().st_size if target.exists() else 0)
            if others + len(data) > self.per_browser_bytes:
                raise StoreFull(
                    f"this browser already keeps {_mb(others)} on the server, and "
                    f"{_mb(self.per_browser_bytes)} is the most each browser may keep"
                )
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".", delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, target)
            _touch(folder)
            return self._make_room(keep=folder)

    def make_room(self, token: str) -> Evicted:
        """After files were written into this browser's folder directly (a training
        worker's model): mark it used now, and evict others' if all are past the budget."""
        folder = self.folder(token)
        with self._lock:
            _touch(folder)
            return self._make_room(keep=folder)

    def delete(self, token: str, name: str) -> None:
        (self.folder(token) / _checked(name)).unlink(missing_ok=True)

    def total_bytes(self) -> int:
        return sum(_size(folder) for folder in self._folders())

    def _folders(self) -> list[Path]:
        return [p for p in self.root.iterdir() if p.is_dir()] if self.root.is_dir() else []

    def _make_room(self, keep: Path) -> Evicted:
        """Delete the least recently used folders (not `keep`) until all fit the budget."""
        sizes = {folder: _size(folder) for folder in self._folders()}
        total, freed, count = sum(sizes.values()), 0, 0
        for folder in sorted(sizes, key=lambda f: f.stat().st_mtime):
            if total - freed <= self.budget_bytes:
                break
            if folder == keep:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            freed, count = freed + sizes[folder], count + 1
        return Evicted(count, freed)


def _checked(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"not a file name the store keeps: {name!r}")
    return name


def _touch(folder: Path) -> None:
    """A folder's mtime is when its browser last used it: eviction goes by it."""
    now = time.time()
    with contextlib.suppress(FileNotFoundError):
        os.utime(folder, (now, now))


def _size(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
