"""The ready examples' bundle: a DeepDream and a style transfer made from the shipped example pictures
with fixed settings by ``python -m studio.train examples``, so those tabs show a result at load.

The DeepDream and style tabs import this module (they show these example pictures); the recipe here
makes them.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.media import imaging
from studio.bundles import registry

NAME = "examples"
FILES = {"deepdream": "deepdream.png", "style": "style.png"}


def prepared(picture: Image.Image, side: int) -> np.ndarray:
    """A picture as the tabs prepare it: bounded to ``side`` px, on white, uint8 RGB."""
    return np.asarray(imaging.on_white(imaging.read_picture(picture, side)).convert("RGB"))


def load_example(kind: str) -> tuple[np.ndarray, dict, str] | None:
    """(picture, its settings (config.json's, with metadata.json's description), the command that made
    it) of "deepdream" or "style", or None when no examples bundle is installed."""
    if not registry.installed(NAME):
        return None
    bundle = registry.load(NAME)
    with Image.open(bundle.path(FILES[kind])) as picture:
        rgb = np.asarray(picture.convert("RGB"))
    return rgb, {**bundle.config[kind], **bundle.metadata[kind]}, bundle.metadata["command"]
