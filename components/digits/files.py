"""How many digits this browser keeps, their downloads, and uploads that restore or merge them."""

from __future__ import annotations

import streamlit as st

from components.common.literal_text import literal
from components.digits import keys
from components.digits.store import change_my_digits, how_many, say
from model.digits.mnist import NUM_CLASSES
from model.mine.collection import MAX_DIGITS, MyDigits
from model.mine.files import MineFileError, digits_npz, digits_zip, read_digits


def count_line(mine: MyDigits) -> None:
    """ "N digits", and how many of each class; tests read the number here."""
    counts = mine.counts()
    with st.container(key=keys.MY_DIGITS_COUNT):
        st.markdown(f"### {how_many(len(mine))}")
        if len(mine):
            st.caption(
                " · ".join(f"{d}: {counts[d]}" for d in range(NUM_CLASSES))
                + f" · {int(mine.held_out.sum())} held out · at most {MAX_DIGITS:,} are kept"
            )


def downloads(mine: MyDigits) -> None:
    left, right = st.columns(2)
    left.download_button(
        "Download my digits (.npz)",
        digits_npz(mine),
        file_name="my-digits.npz",
        mime="application/octet-stream",
        key=keys.MY_DIGITS_DOWNLOAD,
        icon=":material/download:",
        disabled=not len(mine),
        width="stretch",
    )
    right.download_button(
        "Download as PNGs (.zip)",
        digits_zip(mine) if len(mine) else b"",
        file_name="my-digits-png.zip",
        mime="application/zip",
        key=keys.MY_DIGITS_ZIP,
        icon=":material/folder_zip:",
        disabled=not len(mine),
        width="stretch",
    )
    st.caption(
        "The server keeps your digits for this browser only, and may remove them to make "
        "room when it is full (the least recently used browsers' first). The downloaded "
        ".npz is the copy that lasts: upload it here, or pass it to "
        "`python -m model.train --extra my-digits.npz`."
    )


def uploads(token: str) -> None:
    """Upload .npz files to add their digits; each bad file gets a sentence, the others carry on."""
    files = st.file_uploader(
        "Add digits from .npz files (yours, or a classmate's)",
        accept_multiple_files=True,
        key=keys.MY_DIGITS_UPLOAD,
        help="Files downloaded here, or any .npz with x (N, 28, 28) uint8 and y (N,) labels 0-9.",
    )
    done = st.session_state.setdefault(keys.UPLOADS_DONE, set())
    new = [f for f in files or [] if f.file_id not in done]
    if not new:
        return
    found = []
    for upload in new:
        done.add(upload.file_id)
        try:
            found.append((upload.name, read_digits(upload.getvalue(), upload.name)))
        except MineFileError as err:
            say("warn", str(err))
    if not found:
        return

    def merge(mine: MyDigits) -> MyDigits:
        for name, theirs in found:
            mine, left_out = mine.merged(theirs)
            added = len(theirs) - left_out
            say("ok", f"{name}: {added:,} digits added.")
            if left_out:
                say(
                    "warn",
                    f"{name}: {left_out:,} digits not added: {MAX_DIGITS:,} is the most kept.",
                )
        return mine

    _, problem = change_my_digits(token, merge)
    if problem:
        say("warn", problem)
    st.rerun()


def messages(sentences: list[tuple[str, str]]) -> None:
    """What the last action did; file names shown as typed, never as Markdown."""
    with st.container(key=keys.MY_DIGITS_MESSAGES):
        for kind, sentence in sentences:
            show = st.success if kind == "ok" else st.warning
            show(literal(sentence), icon=":material/check:" if kind == "ok" else ":material/block:")
