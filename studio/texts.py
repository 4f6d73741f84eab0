"""The studio's words in Korean and English: one table, and ``text`` to read it.

Every word a student sees comes from here: the interface's (``studio.ui.kit.i18n`` re-exports ``text`` and
the table, and adds the machinery that switches the page's language) and every word drawn into a
figure or a picture (``studio.media.plots.word``, ``picture_text`` for Pillow's captions). This module is the
core's, so it imports neither Gradio nor the interface: the figures' modules and the class pools,
which must stay light, read the same table as the page.

The words are data (TOML), so that a translator edits words, not code. Each file maps a key to its
words, ``["gan.tab"]`` then ``ko = "..."`` and ``en = "..."``: the shared ones in ``studio/ui/texts/``
(the frame's, the training panel's, the class's, the core figures'), and each technique's
``texts.toml`` in its folder (``studio/techniques/NAME/``). They are found by looking, not by name:
the core never names a technique, and a new technique's folder brings its words with it.
"""

from __future__ import annotations

import functools
import importlib.util
import tomllib
from pathlib import Path
from typing import Any

LANGUAGES = {"ko": "한국어", "en": "English"}
DEFAULT_LANGUAGE = "ko"

_STUDIO = Path(__file__).resolve().parent
SHARED = _STUDIO / "ui" / "texts"  # the frame's, panels' and core figures' words (read as files, not imported)
TECHNIQUES = _STUDIO / "techniques"


def files() -> list[Path]:
    """The shared TOML files, then every technique folder's ``texts.toml``."""
    return sorted(SHARED.glob("*.toml")) + sorted(TECHNIQUES.glob("*/texts.toml"))


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


STRINGS: dict[str, dict[str, str]] = collect()  # every text, by key


def text(key: str, lang: str, **fmt: Any) -> str:
    """The string ``key`` in ``lang`` (falling back to English), formatted with ``fmt``."""
    entry = STRINGS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**fmt) if fmt else template


@functools.cache
def korean_font_file() -> Path | None:
    """NanumGothic (SIL Open Font Licence), which the pinned ``koreanize-matplotlib`` ships, found by its
    file without importing that package (its import rewrites Matplotlib's settings); None without it.
    Matplotlib (``studio.media.plots``) and Pillow (``studio.media.imaging``'s captions) draw Hangul with it."""
    spec = importlib.util.find_spec("koreanize_matplotlib")  # finds the files, runs nothing
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    return path if path.is_file() else None


def picture_text(key: str, lang: str, **fmt: Any) -> str:
    """``text`` for words drawn into a picture with Pillow: in English where the Korean font is missing
    (Hangul would be drawn as empty boxes)."""
    return text(key, lang if korean_font_file() is not None else "en", **fmt)
