"""The class's own poll: the wall, where each student's Generate on a sampler tab is pinned (one picture per
student and tab, the newest), and the projector shows the pins of the tab the lecturer has open.

Declared in its own folder as any technique's poll is (``pins=True``: every sampler tab's
``ClassKit.pin`` lands here, so it belongs to no one technique). Its view is handed the class kit,
which draws and judges the pinned recipes (``wall_cells``, ``wall_reading``).
"""

from __future__ import annotations

from studio.techniques.wall import WALL_POLL
from studio.texts import text


def shown_technique(kit) -> str:
    """The sampler tab the lecturer has open, when the wall has its pictures, else the newest picture's."""
    on_wall = list(dict.fromkeys(a["technique"] for a in reversed(kit.session.answers(WALL_POLL.name))))
    selected = set(kit.session.shown().get("tabs", {}).values())
    return next((t for t in on_wall if t in selected), on_wall[0] if on_wall else "")


def view(kit, answers: list[dict], lang: str) -> tuple:
    """(the wall of the shown technique, or None, and its line with the judge's reading of it)."""
    from studio.classroom import pools  # lazy: drawing needs NumPy and Pillow, declaring the wall does not

    entries = pools.wall_entries(answers, shown_technique(kit))
    if not entries:
        return None, text("class.wall_empty", lang)
    pictures, names, hits = kit.wall_cells(entries)
    judged = kit.wall_reading(lang, names, hits)
    return pools.wall_picture(pictures, [e["caption"] for e in entries]), \
        text("class.wall_line", lang, n=len(entries), total=len(answers)) + f" — {judged}"
