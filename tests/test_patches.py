"""Each patch of another library (components/common/patches.py) still meets the version
it was written for: an upgrade fails here until someone has checked the patch."""

from __future__ import annotations

import platform
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from components.common.patches import CANVAS_COMPONENT, WRITTEN_FOR

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


def installed(library: str) -> str:
    return version(library)


@pytest.mark.parametrize("patch", sorted(WRITTEN_FOR))
def test_the_patch_was_written_for_the_installed_version(patch):
    # glibc is the system's, not pinned: its malloc_trim has kept one signature for
    # decades, so another distribution's glibc is checked for the call, not the number.
    changed = {
        library: (wanted, installed(library))
        for library, wanted in WRITTEN_FOR[patch].items()
        if library != "glibc" and installed(library) != wanted
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


def test_glibc_still_offers_the_call_the_memory_patch_makes():
    kind, _ = platform.libc_ver()
    if kind != "glibc":
        pytest.skip("not glibc: the patch does nothing here, by design")
    import ctypes

    assert ctypes.CDLL("libc.so.6").malloc_trim(0) in (0, 1)


def test_the_canvas_script_still_sends_what_light_strokes_wrap():
    # assets/canvas_light_strokes.js turns the package's send of the drawing, its
    # Fabric JSON and its PNG as `{raw, data}` under "drawing", into a change.
    from components.common.patches import _package_script, light_strokes_js, package_build

    _, script = _package_script()
    source = (package_build() / script).read_text()
    assert re.search(r'setStateValue\("drawing",\s*\{\s*raw:\s*\w+,\s*data:\s*\w+\s*\}', source)
    assert re.search(r"export\s*\{\s*\w+ as default\s*\}", source)
    wrapper = light_strokes_js(script)
    assert f"/_stcore/bidi-components/{CANVAS_COMPONENT}/{script}" in wrapper
    assert "__PACKAGE_SCRIPT__" not in wrapper
