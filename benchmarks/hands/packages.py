"""The Debian packages the benchmark draws its digits from, installed on demand.

Only the benchmark needs them: the app and its tests never do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path


def missing(files: Iterable[tuple[str, Path]]) -> list[str]:
    """The packages, of (package, file) pairs, whose file is not on this machine."""
    return sorted({package for package, path in files if not path.exists()})


def ensure_installed(files: Iterable[tuple[str, Path]]) -> None:
    """Install the packages whose files are missing with apt-get, or exit saying how.

    Runs apt-get only as root; anyone else gets the exact command to run.
    """
    files = list(files)
    needed = missing(files)
    if not needed:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *needed]
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit(
            "These Debian packages are needed to build the benchmark: "
            + " ".join(needed)
            + "\nInstall them with:\n  sudo apt-get update && sudo "
            + " ".join(command)
        )
    print(f"Installing {' '.join(needed)} with apt-get…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        # The package lists may never have been fetched on a fresh machine.
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    still = missing(files)
    if result.returncode != 0 or still:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        sys.exit(f"apt-get could not install {' '.join(still or needed)}:\n{tail}")
