"""What every class poll draws with: a titled figure (which says "no answers yet" for none), its words, the
wall's pictures, and the answers as a CSV for the lecturer.

The polls themselves are declared by the techniques that run them (``studio.classroom.polls``), each
with its own figure in its own folder. The class's own poll, the wall (``studio.techniques.wall``), keeps
each student's Generate on the lecturer's sampler tab: ``{"technique", "params", "caption", "dataset",
"asked"}``: the recipe (the projector draws its first sample from it, once), the judge's data set and the
class asked for (or None); where a sample cannot be drawn again cheaply (diffusion) also ``"picture"``,
the sample itself (28x28 grey, base64).
"""

from __future__ import annotations

import base64
import csv
import io

import numpy as np

from studio.media import imaging

WALL_SIZE = 40  # the newest pictures on the wall (8 rows of 5 on a projector)


def _plots():
    # lazy: Matplotlib (0.3 s) and the Hangul font, which only the projector's pictures need
    from studio.media import plots

    return plots


def word(key: str, lang: str, **fmt) -> str:
    """A word of the pools' figures: the texts table's ``key`` (``studio/ui/texts/class.toml``) through
    ``plots.word`` (in English where the Hangul font cannot be drawn)."""
    return _plots().word(key, lang, **fmt)


def titled_figure(title: str, lang: str, size: tuple[float, float], answered: bool):
    """(figure, axes, picture): a poll's figure with its title; the picture says "no answers yet" when
    nobody has answered (and is None otherwise, for the caller to draw on)."""
    from matplotlib.figure import Figure  # lazy: see _plots

    fig = Figure(figsize=size, dpi=100)
    ax = fig.add_subplot()
    ax.set_title(word(title, lang), fontsize=11)
    if answered:
        return fig, ax, None
    ax.text(0.5, 0.5, word("class.fig_no_answers", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig, ax, render(fig)


def render(fig) -> np.ndarray:
    """The figure as an RGB picture."""
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
