"""Each tab's Korean and English texts, one module per tab (``STRINGS`` dicts), merged by ``i18n``.

A new tab adds its own module here; nothing else needs editing, so tabs written in parallel never
touch the same file.
"""

from __future__ import annotations

import importlib
import pkgutil


def collect() -> dict[str, dict[str, str]]:
    """Every module's STRINGS merged; a key defined twice is a bug and raises."""
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        clash = merged.keys() & module.STRINGS.keys()
        if clash:
            raise KeyError(f"Interface texts defined twice: {sorted(clash)}")
        merged.update(module.STRINGS)
    return merged
