"""The Korean and English texts, kept as data (TOML) so that a translator edits words, not code.

Each file maps a key to its words, ``["gan.tab"]`` then ``ko = "..."`` and ``en = "..."``: the shared
panels' files here, and each technique's ``texts.toml`` in its folder (``studio/techniques/NAME/``).
They are found by looking, not by name: the core never names a technique, and a new technique's
folder brings its words with it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TECHNIQUES = HERE.parent.parent / "techniques"


def files() -> list[Path]:
    """This folder's TOML files, then every technique folder's ``texts.toml``."""
    return sorted(HERE.glob("*.toml")) + sorted(TECHNIQUES.glob("*/texts.toml"))


def collect() -> dict[str, dict[str, str]]:
    """Every file's texts merged; a key defined twice is a bug and raises."""
    merged: dict[str, dict[str, str]] = {}
    for path in files():
        with path.open("rb") as f:
            strings = tomllib.load(f)
        clash = merged.keys() & strings.keys()
        if clash:
            raise KeyError(f"Interface texts defined twice ({path.name}): {sorted(clash)}")
        merged.update(strings)
    return merged
