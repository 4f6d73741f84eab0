"""The temperature poll: "does this read as English?" for a text each student generates at a temperature.

An answer: ``{"temperature": t, "yes": bool, "distinct": share of distinct words, "repeated": share of
repeated 3-grams}``. The projector plots the share of "yes" and the measured distinct-word share against
T. The lecturer may hand the temperatures out across the room (the poll's switch): each browser then
generates at its own one of ``HANDED_TEMPERATURES``. Declared in ``studio.techniques.text_lm``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from studio.classroom import pools
from studio.techniques.text_lm import TEMPERATURE_POLL
from studio.texts import text

HANDED_TEMPERATURES = (0.2, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5)  # from the book's "too cold" to nonsense


@dataclass(frozen=True)
class TemperatureRow:
    """The class's answers about the texts of one temperature."""

    temperature: float
    answers: int
    yes_share: float
    distinct: float
    repeated: float


def temperature_rows(answers: list[dict]) -> list[TemperatureRow]:
    """One row per temperature, coldest first."""
    by_t: dict[float, list[dict]] = defaultdict(list)
    for a in answers:
        by_t[round(float(a["temperature"]), 2)].append(a)
    return [TemperatureRow(t, len(rows), float(np.mean([bool(r["yes"]) for r in rows])),
                           float(np.mean([r["distinct"] for r in rows])), float(np.mean([r["repeated"] for r in rows])))
            for t, rows in sorted(by_t.items())]


def temperature_picture(answers: list[dict], lang: str) -> np.ndarray:
    """The share answering "reads as English" per temperature (dots sized by the answers), and the
    measured share of distinct words of the same texts, against the temperature."""
    rows = temperature_rows(answers)
    fig, ax, empty = pools.titled_figure("text.class_fig_title", lang, (7.5, 3.4), bool(rows))
    if empty is not None:
        return empty
    t = [r.temperature for r in rows]
    ax.plot(t, [r.yes_share for r in rows], color="#5b6fd8", marker="o", label=pools.word("text.class_fig_yes_share", lang))
    ax.scatter(t, [r.yes_share for r in rows], s=[20 + 8 * r.answers for r in rows], color="#5b6fd8", alpha=0.35)
    ax.plot(t, [r.distinct for r in rows], color="#d8845b", marker="s", linestyle="--",
            label=pools.word("text.class_fig_distinct", lang))
    for r in rows:
        ax.annotate(pools.word("class.answers", lang, n=r.answers), (r.temperature, r.yes_share), textcoords="offset points",
                    xytext=(0, 8), ha="center", fontsize=8)
    ax.set_ylim(-0.05, 1.15)
    ax.set_xlabel(pools.word("text.class_fig_temperature", lang))
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return pools.render(fig)


def handed_temperature(kit) -> float | None:
    """The temperature the lecturer handed to the current request's browser (``kit``: the tab's
    ``ClassKit``), or None while none is handed out, or outside a class."""
    return kit.handed(TEMPERATURE_POLL.name, HANDED_TEMPERATURES)


def view(kit, answers: list[dict], lang: str) -> tuple[np.ndarray, str]:
    """The projector's picture and line for the temperature poll's answers."""
    return temperature_picture(answers, lang), text("class.answers", lang, n=len(answers))
