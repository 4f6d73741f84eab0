"""The text tab's figure (Keras book 12.1): the next-word distribution before and after reweighting. Only
the text tab draws it, so it lives in its folder rather than in the core's ``studio.media.plots``, whose fonts
and renderer it uses."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from studio.media.plots import render

_DPI = 100


def next_word_bars(words: list[str], before: np.ndarray, after: np.ndarray, titles: tuple[str, str],
                   width: float = 9.0) -> np.ndarray:
    """Two horizontal bar charts side by side: the same top words' probabilities before and after
    reweighting (the text tab's distribution viewer); the first word on top."""
    fig = Figure(figsize=(width, 0.32 * len(words) + 1.2), dpi=_DPI)
    axes = fig.subplots(1, 2, sharey=True)
    rows = np.arange(len(words))
    for ax, values, title, colour in zip(axes, (before, after), titles, ("#6b7fd7", "#e07b39")):
        ax.barh(rows, values, color=colour)
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, max(float(np.max(values)) * 1.15, 1e-3))
        for r, v in zip(rows, values):
            ax.text(v, r, f" {v:.3f}", va="center", fontsize=8)
        ax.tick_params(labelsize=9)
    axes[0].set_yticks(rows, words)
    axes[0].invert_yaxis()
    fig.tight_layout()
    return render(fig)
