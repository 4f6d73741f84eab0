"""Korean and English interface texts, and the mechanism that switches them live.

Every visible string has a key in ``STRINGS``, read from TOML files: the frame's, the training
panel's and the judge's in ``studio/ui/texts/``, each technique's in its folder
(``studio/techniques/NAME/texts.toml``). The table and ``text`` live in the core (``studio.texts``,
re-exported here), so the figures, which must not import Gradio, draw their words from the same table.
Components are made through ``Translator.make`` so that the page of each language can be written with
their texts in it (``studio.ui.frame.page_language``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from studio.texts import DEFAULT_LANGUAGE, LANGUAGES, STRINGS, text

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "STRINGS", "Text", "Translator", "text"]

Text = str | Callable[[str], Any]  # a key of STRINGS, or a function of the language


class Translator:
    """Makes components whose texts follow the page's language.

    ``tr.make(gr.Slider, {"label": "pixel.row"}, minimum=0)`` creates the slider with the label in the
    current language and remembers it; ``tr.texts(lang)`` then gives every remembered component with
    its texts in ``lang``.
    """

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._bindings: list[tuple[gr.components.Component, dict[str, Text]]] = []

    def __call__(self, key: str, **fmt: Any) -> str:
        return text(key, self.lang, **fmt)

    def make(self, cls: type, texts: dict[str, Text], **kwargs: Any):
        """Create ``cls(**kwargs)`` with the translated ``texts`` (attribute -> key) and register it."""
        component = cls(**{attr: self._resolve(t, self.lang) for attr, t in texts.items()}, **kwargs)
        self._bindings.append((component, texts))
        return component

    def texts(self, lang: str) -> list[tuple[gr.components.Component, dict[str, Any]]]:
        """Every component made through this translator, with its texts (attribute -> value) in ``lang``."""
        return [(component, {attr: self._resolve(t, lang) for attr, t in texts.items()})
                for component, texts in self._bindings]

    @staticmethod
    def _resolve(t: Text, lang: str) -> Any:
        return t(lang) if callable(t) else text(t, lang)
