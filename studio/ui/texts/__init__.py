"""The Korean and English texts (``STRINGS`` dicts), merged by ``i18n``: the shared panels' modules
here, and each technique's ``texts`` module in its folder (``studio/techniques/NAME/texts.py``).

A technique's texts are found by looking, not by name: the core never names a technique, and a new
technique's folder brings its texts with it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil


def collect() -> dict[str, dict[str, str]]:
    """Every module's STRINGS merged; a key defined twice is a bug and raises."""
    merged: dict[str, dict[str, str]] = {}
    for module_name in sorted(_text_modules()):
        module = importlib.import_module(module_name)
        clash = merged.keys() & module.STRINGS.keys()
        if clash:
            raise KeyError(f"Interface texts defined twice: {sorted(clash)}")
        merged.update(module.STRINGS)
    return merged


def _text_modules() -> list[str]:
    """This package's modules and every technique folder's ``texts`` module (pure dicts, no imports)."""
    import studio.techniques as techniques  # the package only: its __init__ names no technique

    names = [f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__)]
    for info in pkgutil.iter_modules(techniques.__path__):
        if info.ispkg and importlib.util.find_spec(f"{techniques.__name__}.{info.name}.texts") is not None:
            names.append(f"{techniques.__name__}.{info.name}.texts")
    return names
