"""This browser's digits on the server: read, changed and written back under its token.

Why they survive a reload: a Streamlit session ends on reload, but the token in
the browser's localStorage does not (components/common/browser.py), and the
digits are a file in that token's folder of the browser store
(model/files/browser_store.py). Why that is safe: the token is 128 random bits
only this browser holds, the folder is named by its hash, and nothing lists the
folders, so another browser can neither see nor guess them. The store is
bounded per browser and for all browsers together; the least recently used
browsers' files go first, and the downloaded .npz is the durable copy.
"""

from __future__ import annotations

import threading

import streamlit as st

from components.common.browser import browser_token
from components.digits import keys
from model.files.browser_store import BrowserStore, StoreFull
from model.mine.collection import CollectionFull, MyDigits
from model.mine.files import MineFileError, digits_npz, read_digits

FILE_NAME = "my-digits.npz"
# Read, change, write: two tabs of one browser must not lose each other's digits.
_CHANGING = threading.Lock()


def my_token() -> str | None:
    """This browser's token, once it has arrived (the frame looks for it on every run)."""
    return browser_token()


def load_my_digits(token: str) -> MyDigits:
    """This browser's digits; an empty set when none are kept (or the file went bad)."""
    data = BrowserStore().read(token, FILE_NAME)
    if data is None:
        return MyDigits.empty()
    try:
        return read_digits(data, FILE_NAME)
    except MineFileError:
        return MyDigits.empty()


def change_my_digits(token: str, change) -> tuple[MyDigits, str | None]:
    """Apply `change` (MyDigits -> MyDigits) and keep the result; and what went wrong, if anything.

    The sentence says when the write was refused or other browsers' digits were
    removed to make room.
    """
    with _CHANGING:
        before = load_my_digits(token)
        after = change(before)
        try:
            evicted = BrowserStore().write(token, FILE_NAME, digits_npz(after))
        except StoreFull as err:
            return before, f"Not kept: {err}. Download your digits and delete some."
    st.session_state[keys.LAST_COUNT] = len(after)
    if evicted.folders:
        return after, (
            f"To make room on the server, the digits and runs of {evicted.folders} other "
            "browser(s) not used for the longest time were removed."
        )
    return after, None


def keep_digit(token: str, prepared, label: int, drawing) -> tuple[MyDigits, str | None] | None:
    """Add one digit for this browser: (the set, a warning to say after) or None if not kept.

    A refusal (the set or the store full) is said here, as a warning.
    """

    def add(mine: MyDigits) -> MyDigits:
        return mine.added(prepared, label, drawing[None])

    try:
        mine, problem = change_my_digits(token, add)
    except CollectionFull as err:
        say("warn", f"Not kept: {err}")
        return None
    if problem and problem.startswith("Not kept"):
        say("warn", problem)
        return None
    return mine, problem


def lost_since(mine: MyDigits) -> int:
    """How many digits this session saw kept that are gone, though not deleted here: evicted."""
    seen = st.session_state.get(keys.LAST_COUNT, 0)
    st.session_state[keys.LAST_COUNT] = len(mine)
    return seen if seen and not len(mine) else 0


def how_many(count: int) -> str:
    """ "1 digit", "2 digits": how many a learner has, as a sentence says it."""
    return f"{count:,} digit{'' if count == 1 else 's'}"


def say(kind: str, sentence: str) -> None:
    """Remember a sentence for the page's message area, shown after the rerun."""
    st.session_state.setdefault(keys.MESSAGES, []).append((kind, sentence))


def said() -> list[tuple[str, str]]:
    return st.session_state.pop(keys.MESSAGES, [])
