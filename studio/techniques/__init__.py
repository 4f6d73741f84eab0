"""The studio's techniques, one folder each (model, presets, recipe, service, tab, texts), and the one
list of them in the order of the lectures: the app builds their tabs, and ``python -m studio.train``
offers their recipes, in this order.

Adding a technique: a folder here whose ``__init__`` declares ``TECHNIQUE = Technique(...)``, and its
name in ``LECTURE_ORDER``. A class poll of its own is a ``ClassPoll`` in that declaration, drawn by a
module of the folder (``gan/poll.py``, ``text_lm/poll.py``).
"""

from __future__ import annotations

import importlib

from studio.classroom import polls
from studio.technique import Technique

LECTURE_ORDER: list[str] = [
    "pixel", "autoencoder", "vae", "gan", "infogan", "colour_gan", "cgan", "pix2pix", "deepdream", "style", "text_lm",
    "diffusion", "examples", "wall",
]


def load() -> list[Technique]:
    """Every technique's declaration, in lecture order (a name with a dot is a full module path); their
    class polls are declared to the class (``studio.classroom.polls``) on the way."""
    declared = [importlib.import_module(name if "." in name else f"{__name__}.{name}").TECHNIQUE
                for name in LECTURE_ORDER]
    for technique in declared:
        polls.declare(*technique.polls)
    return declared
