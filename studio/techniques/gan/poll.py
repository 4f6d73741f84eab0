"""Fig. 10-9's "which is real?" as a class poll: every student's rounds pool into one bar per generator.

An answer is one round: ``{"generator": variant, "label": its name, "correct": k, "total": 8}``. The
projector's picture is a bar per generator, the share of images the class judged right, with the number
of rounds and chance at 50%. Declared in ``studio.techniques.gan`` (``GAME_POLL``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from studio.classroom import pools
from studio.texts import text



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
    fig, ax, empty = pools.titled_figure("gan.poll_fig_title", lang, (7.5, 1.4 + 0.55 * max(1, len(scores))), bool(scores))
    if empty is not None:
        return empty
    names = [s.label for s in scores]
    ax.barh(names, [s.share for s in scores], color="#5b6fd8")
    ax.axvline(0.5, color="#999", linestyle="--", linewidth=1)  # a coin toss
    for k, s in enumerate(scores):
        ax.text(min(s.share, 0.97) + 0.01, k, pools.word("gan.poll_fig_rounds", lang, n=s.rounds, share=s.share),
                va="center", fontsize=9)
    ax.set_xlim(0, 1.2)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f'{pools.word("gan.poll_fig_share_right", lang)} (- - - {pools.word("gan.poll_fig_chance", lang)})')
    ax.invert_yaxis()
    fig.tight_layout()
    return pools.render(fig)


def scores_line(answers: list[dict], lang: str) -> str:
    """The class's scores in one line (empty before any answer)."""
    return " · ".join(text("gan.poll_score", lang, label=s.label, share=s.share, rounds=s.rounds)
                      for s in game_scores(answers))


def view(kit, answers: list[dict], lang: str) -> tuple[np.ndarray, str]:
    """The projector's picture and line for the game's answers."""
    line = scores_line(answers, lang)
    return game_picture(answers, lang), text("class.answers", lang, n=len(answers)) + (f" — {line}" if line else "")
