"""The class's answers as one picture each, for the projector, and as a CSV for the lecturer.

Three polls (``session.POLLS``):

* ``game``: Fig. 10-9's "which is real?" played by every student; one answer per round:
  ``{"generator": variant, "label": its name, "correct": k, "total": 8}``. The picture is a bar per
  generator: the share of images the class judged right, with the number of rounds.
* ``temperature``: "does this read as English?" for a text generated at a temperature:
  ``{"temperature": t, "yes": bool, "distinct": share of distinct words, "repeated": share of repeated
  3-grams}``. The picture plots the share of "yes" and the measured distinct-word share against T.
* ``wall``: each student's Generate on the lecturer's sampler tab: ``{"technique", "params", "caption",
  "dataset", "asked"}``: the recipe (the projector draws its first sample from it, once), the judge's data
  set and the class asked for (or None); where a sample cannot be drawn again cheaply (diffusion) also
  ``"picture"``, the sample itself (28x28 grey, base64).
"""

from __future__ import annotations

import base64
import csv
import io
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from studio import imaging

WALL_SIZE = 40  # the newest pictures on the wall (8 rows of 5 on a projector)


def _plots():
    # lazy: Matplotlib (0.3 s) and the Hangul font, which only the projector's pictures need
    from studio import plots

    return plots


def _word(key: str, lang: str, **fmt) -> str:
    """A word of the pools' figures: the texts table's ``key`` (``studio/ui/texts/class.toml``) through
    ``plots.word`` (in English where the Hangul font cannot be drawn)."""
    return _plots().word(key, lang, **fmt)


def _titled_figure(title: str, lang: str, size: tuple[float, float], answered: bool):
    """(figure, axes, picture): a poll's figure with its title; the picture says "no answers yet" when
    nobody has answered (and is None otherwise, for the caller to draw on)."""
    from matplotlib.figure import Figure  # lazy: see _plots

    fig = Figure(figsize=size, dpi=100)
    ax = fig.add_subplot()
    ax.set_title(_word(title, lang), fontsize=11)
    if answered:
        return fig, ax, None
    ax.text(0.5, 0.5, _word("class.fig_no_answers", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig, ax, _plots().render(fig)


# --- "which is real?" ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GeneratorScore:
    """The class's answers about one generator."""

    generator: str
    label: str
    rounds: int
    correct: int
    total: int

    @property
    def share(self) -> float:
        """The share of images the class judged right."""
        return self.correct / self.total if self.total else 0.0


def game_scores(answers: list[dict]) -> list[GeneratorScore]:
    """One score per generator, in the order the class first played them."""
    rounds, correct, total, labels = defaultdict(int), defaultdict(int), defaultdict(int), {}
    for a in answers:
        g = a["generator"]
        labels.setdefault(g, a.get("label", g))
        rounds[g] += 1
        correct[g] += int(a["correct"])
        total[g] += int(a["total"])
    return [GeneratorScore(g, labels[g], rounds[g], correct[g], total[g]) for g in labels]


def game_picture(answers: list[dict], lang: str) -> np.ndarray:
    """A bar per generator: the share of images judged right, with the rounds played, and chance at 50%."""
    scores = game_scores(answers)
    fig, ax, empty = _titled_figure("class.fig_game_title", lang, (7.5, 1.4 + 0.55 * max(1, len(scores))), bool(scores))
    if empty is not None:
        return empty
    names = [s.label for s in scores]
    ax.barh(names, [s.share for s in scores], color="#5b6fd8")
    ax.axvline(0.5, color="#999", linestyle="--", linewidth=1)  # a coin toss
    for k, s in enumerate(scores):
        ax.text(min(s.share, 0.97) + 0.01, k, _word("class.fig_rounds", lang, n=s.rounds, share=s.share),
                va="center", fontsize=9)
    ax.set_xlim(0, 1.2)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f'{_word("class.fig_share_right", lang)} (- - - {_word("class.fig_chance", lang)})')
    ax.invert_yaxis()
    fig.tight_layout()
    return _plots().render(fig)


# --- temperature ---------------------------------------------------------------------------------------
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
    fig, ax, empty = _titled_figure("class.fig_temp_title", lang, (7.5, 3.4), bool(rows))
    if empty is not None:
        return empty
    t = [r.temperature for r in rows]
    ax.plot(t, [r.yes_share for r in rows], color="#5b6fd8", marker="o", label=_word("class.fig_yes_share", lang))
    ax.scatter(t, [r.yes_share for r in rows], s=[20 + 8 * r.answers for r in rows], color="#5b6fd8", alpha=0.35)
    ax.plot(t, [r.distinct for r in rows], color="#d8845b", marker="s", linestyle="--",
            label=_word("class.fig_distinct", lang))
    for r in rows:
        ax.annotate(_word("class.answers", lang, n=r.answers), (r.temperature, r.yes_share), textcoords="offset points",
                    xytext=(0, 8), ha="center", fontsize=8)
    ax.set_ylim(-0.05, 1.15)
    ax.set_xlabel(_word("class.fig_temperature", lang))
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _plots().render(fig)


# --- the wall ----------------------------------------------------------------------------------------------
def wall_entries(answers: list[dict], technique: str, limit: int = WALL_SIZE) -> list[dict]:
    """The newest ``limit`` entries of ``technique``, newest first, one per browser: a student's newest pin
    replaces their older ones (one student cannot fill the wall)."""
    entries, browsers = [], set()
    for a in reversed(answers):
        if a.get("technique") != technique or a.get("browser") in browsers:
            continue
        browsers.add(a.get("browser"))
        entries.append(a)
        if len(entries) == limit:
            break
    return entries


def picture_field(picture: np.ndarray) -> str:
    """A small grey picture as text for the store (base64 of its uint8 bytes, with its shape)."""
    picture = np.ascontiguousarray(picture, dtype=np.uint8)
    return f"{picture.shape[0]}x{picture.shape[1]}:" + base64.b64encode(picture.tobytes()).decode()


def picture_of(field: str) -> np.ndarray:
    """The picture kept by ``picture_field``."""
    shape, _, data = field.partition(":")
    h, w = (int(v) for v in shape.split("x"))
    return np.frombuffer(base64.b64decode(data), dtype=np.uint8).reshape(h, w)


def wall_picture(pictures: np.ndarray, captions: list[str]) -> np.ndarray:
    """The wall: everyone's picture with its caption (the seed), newest first, 8 to a row."""
    return imaging.labelled_grid(pictures, captions, cols=8, scale=3)


def csv_of(answers: list[dict]) -> str:
    """The answers as CSV (one row each, every field but the wall's pictures, which its PNG shows; no names:
    a browser is a random id)."""
    fields = ["id", "browser", "at"] + sorted({k for a in answers for k in a} - {"id", "browser", "at", "picture"})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for a in answers:
        writer.writerow({k: _cell(str(v) if isinstance(v, dict) else v) for k, v in a.items()})
    return out.getvalue()


# A spreadsheet reads a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd, @SUM...).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """``value`` as a spreadsheet shows it, never run: text that would start a formula gets a leading
    apostrophe (OWASP's advice for CSV injection). Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
