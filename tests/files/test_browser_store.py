"""The server's files of each browser: private, atomic, bounded, oldest evicted first."""

import os

import pytest

from model.files.browser_store import BrowserStore, StoreFull

ANN, BOB, CAT = "a" * 32, "b" * 32, "c" * 32


def test_each_browser_reads_only_its_own_files(tmp_path):
    store = BrowserStore(tmp_path)
    store.write(ANN, "digits.npz", b"ann's")
    assert store.read(ANN, "digits.npz") == b"ann's"
    assert store.read(BOB, "digits.npz") is None
    # Folders are named by the token's hash: the tokens are not on disk.
    assert not any(ANN in p.name for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("token", ["", "A" * 32, "a" * 31, "../" + "a" * 29, None, 7])
def test_a_malformed_token_is_refused(tmp_path, token):
    with pytest.raises(ValueError):
        BrowserStore(tmp_path).write(token, "digits.npz", b"x")


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden", "", "X" * 65])
def test_names_stay_inside_the_folder(tmp_path, name):
    with pytest.raises(ValueError):
        BrowserStore(tmp_path).write(ANN, name, b"x")


def test_one_browser_cannot_keep_more_than_its_share(tmp_path):
    store = BrowserStore(tmp_path, per_browser_bytes=100)
    store.write(ANN, "a.bin", b"x" * 60)
    store.write(ANN, "a.bin", b"x" * 90)  # replacing a file counts its new size only
    with pytest.raises(StoreFull, match="the most each browser may keep"):
        store.write(ANN, "b.bin", b"x" * 20)
    assert store.read(ANN, "a.bin") == b"x" * 90, "a refused write changes nothing"


def test_past_the_budget_the_least_recently_used_browsers_go_first(tmp_path):
    store = BrowserStore(tmp_path, budget_bytes=250, per_browser_bytes=100)
    for age, token in enumerate([ANN, BOB]):
        store.write(token, "d.bin", b"x" * 100)
        os.utime(store.folder(token), (1000 + age, 1000 + age))  # ann's is the oldest
    assert store.read(BOB, "d.bin")  # bob comes back: now the most recent
    evicted = store.write(CAT, "d.bin", b"x" * 100)
    assert (evicted.folders, evicted.bytes) == (1, 100)
    assert store.read(ANN, "d.bin") is None, "the oldest browser's files went"
    assert store.read(BOB, "d.bin") and store.read(CAT, "d.bin")
    assert store.total_bytes() <= 250


def test_the_writer_is_never_evicted_for_its_own_write(tmp_path):
    store = BrowserStore(tmp_path, budget_bytes=50, per_browser_bytes=100)
    store.write(ANN, "d.bin", b"x" * 80)
    assert store.read(ANN, "d.bin") == b"x" * 80
