"""Each patch of another library (components/common/patches.py) still meets the version
it was written for: an upgrade fails here until someone has checked the patch."""

from __future__ import annotations

import platform
from importlib.metadata import version
from pathlib import Path

import pytest

from components.common.patches import WRITTEN_FOR

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


def installed(library: str) -> str:
    if library == "glibc":
        kind, found = platform.libc_ver()
        return found if kind == "glibc" else f"not glibc ({kind or 'unknown'})"
    return version(library)


@pytest.mark.parametrize("patch", sorted(WRITTEN_FOR))
def test_the_patch_was_written_for_the_installed_version(patch):
    changed = {
        library: (wanted, installed(library))
        for library, wanted in WRITTEN_FOR[patch].items()
        if installed(library) != wanted
    }
    assert not changed, (
        f"{patch}: written for {WRITTEN_FOR[patch]}, but installed differ "
        f"(library: (written for, installed)) {changed}. Check that the patch in "
        "components/common/patches.py is still needed and right, then update its versions."
    )


def test_the_pinned_libraries_are_the_ones_the_patches_name():
    pins = dict(
        line.split("==")
        for line in REQUIREMENTS.read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for patch, libraries in WRITTEN_FOR.items():
        for library, wanted in libraries.items():
            if library != "glibc":
                assert pins[library] == wanted, f"{patch}: {library} {wanted} is not the pin"
