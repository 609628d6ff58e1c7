"""The sample photos shipped in assets/samples/, with where each came from.

All four come from the data folder of the scikit-image 0.26.0 wheel; the credits
below are those its `skimage.data` docstrings give. assets/samples/README.md says
the same and how each file was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "assets" / "samples"


@dataclass(frozen=True)
class SamplePhoto:
    file: str
    title: str
    source: str
    licence: str

    @property
    def path(self) -> Path:
        return SAMPLES_DIR / self.file

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


SAMPLES = (
    SamplePhoto(
        file="astronaut_400.jpg",
        title="Astronaut Eileen Collins (400 × 400 colour)",
        source="NASA Great Images database, via scikit-image (skimage.data.astronaut), "
        "resized from 512 × 512 to 400 × 400",
        licence="Public domain (NASA, no known copyright restrictions)",
    ),
    SamplePhoto(
        file="chelsea.png",
        title="Chelsea the cat (451 × 300 colour)",
        source="Photo by Stefan van der Walt, via scikit-image (skimage.data.chelsea)",
        licence="CC0 (no copyright restrictions)",
    ),
    SamplePhoto(
        file="coffee.jpg",
        title="Coffee cup (600 × 400 colour)",
        source="Photo by Rachel Michetti, courtesy of Pikolo Espresso Bar, via "
        "scikit-image (skimage.data.coffee)",
        licence="CC0 (no copyright restrictions)",
    ),
    SamplePhoto(
        file="camera.png",
        title="Cameraman (512 × 512 grayscale)",
        source="Photo by Lav Varshney, via scikit-image (skimage.data.camera)",
        licence="CC0 (no copyright restrictions)",
    ),
)
