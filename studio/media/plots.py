"""Matplotlib figures rendered straight to uint8 RGB arrays (heat maps, histograms).

Uses matplotlib's object API with the Agg canvas, never pyplot: pyplot keeps global state and is
not safe when several users' requests draw at the same time.

Hangul comes from NanumGothic (SIL Open Font Licence), which the pinned PyPI package
``koreanize-matplotlib`` ships: registered here from its file (``studio.texts.korean_font_file``),
without importing that package (its import rewrites Matplotlib's global settings), and set as the
fallback after DejaVu Sans, so Latin text keeps its look and Korean titles and labels draw real glyphs
with ``pip install`` alone.

Every word a figure draws comes from the texts table (``word``), in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from studio import texts

_DPI = 100
KOREAN_FONT = "NanumGothic"


def _register_korean_font() -> bool:
    """Make NanumGothic Matplotlib's fallback font for Hangul; False when the package is missing."""
    from matplotlib import font_manager  # lazy: builds its font cache on import; only a figure needs it

    path = texts.korean_font_file()
    if path is None:
        return False
    font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", KOREAN_FONT]  # per-glyph fallback
    matplotlib.rcParams["axes.unicode_minus"] = False  # NanumGothic has no U+2212 minus sign
    return True


HANGUL_READY = _register_korean_font()


def word(key: str, lang: str, **fmt) -> str:
    """A word drawn into a figure: the texts table's ``key`` (``studio.texts``) in ``lang``, formatted with
    ``fmt``; in English where Hangul cannot be drawn (``HANGUL_READY``)."""
    return texts.text(key, lang if HANGUL_READY else "en", **fmt)


def curve_name(name: str, lang: str) -> str:
    """The legend's name of a logged curve (``"loss"``, ``"val_gen_l1_loss"``) in ``lang``: the table's
    ``curve.NAME`` (``val_`` names the validation curve of NAME); a name the table lacks stays as logged."""
    if f"curve.{name}" in texts.STRINGS:
        return word(f"curve.{name}", lang)
    if name.startswith("val_") and f"curve.{name[4:]}" in texts.STRINGS:
        return word("curve.val", lang, name=curve_name(name[4:], lang))
    return name


def render(fig: Figure) -> np.ndarray:
    """A Matplotlib figure drawn into an RGB uint8 picture (with the studio's fonts registered)."""
    return _render(fig)


def _render(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def heatmap(values: np.ndarray, title: str, cmap: str = "viridis", colorbar_label: str = "",
            vmin: float | None = None, vmax: float | None = None,
            marker: tuple[int, int] | None = None, size: float = 3.6) -> np.ndarray:
    """A 2-D array as a heat map with a colour bar; ``marker`` = (row, col) draws a red square there."""
    fig = Figure(figsize=(size * 1.15, size), dpi=_DPI)
    ax = fig.add_subplot()
    shown = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    if marker is not None:
        r, c = marker
        ax.add_patch(_square(c, r))
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    bar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label(colorbar_label, fontsize=9)
    fig.tight_layout()
    return _render(fig)


def _square(x: float, y: float) -> Rectangle:
    return Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2)


def level_histogram(probs: np.ndarray, title: str, width: float = 6.0, height: float = 2.6,
                    lang: str = "en") -> np.ndarray:
    """A bar chart of a 256-bin grey-level distribution, with a black-to-white strip under the axis;
    its axis words in ``lang``."""
    fig = Figure(figsize=(width, height), dpi=_DPI)
    ax = fig.add_subplot()
    levels = np.arange(len(probs))
    # Bars are 3 levels wide so a lone spike (e.g. all mass at level 0) stays visible.
    ax.bar(levels, probs, width=3.0, color="#4f46e5", edgecolor="none")
    ax.imshow(levels[None, :], cmap="gray", aspect="auto", extent=(-2, len(probs) + 1, -0.06, -0.01))
    ax.set_xlim(-2, len(probs) + 1)
    ax.set_ylim(-0.06, max(0.05, float(probs.max())) * 1.08)
    top = int(np.argmax(probs))
    ax.annotate(word("plots.most_likely", lang, level=top, p=probs[top]), xy=(0.98, 0.9),
                xycoords="axes fraction", ha="right", fontsize=8)
    ax.set_xlabel(word("plots.grey_level", lang), fontsize=9)
    ax.set_ylabel(word("plots.probability", lang), fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.set_facecolor("#f2f5fb")
    fig.tight_layout()
    return _render(fig)


def loss_curves(history: dict[str, list[float]], title: str = "", width: float = 5.0,
                height: float = 2.8, lang: str = "en") -> np.ndarray:
    """Per-epoch curves (e.g. {"loss": [...], "val_loss": [...]}) on a log scale when they span a decade;
    the legend names them in ``lang`` (``curve_name``)."""
    fig = Figure(figsize=(width, height), dpi=_DPI)
    ax = fig.add_subplot()
    for name, values in history.items():
        if values:
            epochs = np.arange(1, len(values) + 1)
            ax.plot(epochs, values, marker="o", markersize=3, label=curve_name(name, lang))
    finite = [v for vals in history.values() for v in vals if np.isfinite(v) and v > 0]
    if finite and max(finite) / min(finite) > 10:
        ax.set_yscale("log")
    ax.set_xlabel(word("plots.epoch", lang), fontsize=9)
    ax.grid(alpha=0.3)
    if any(history.values()):
        ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return _render(fig)


@dataclass(frozen=True)
class MapFrame:
    """Where a 2-D scatter's axes sit in its picture, to turn clicks into latent coordinates."""

    left: float  # axes box in picture pixels
    top: float
    width: float
    height: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def to_data(self, x: float, y: float) -> tuple[float, float]:
        """Picture pixel (x right, y down) -> data coordinates."""
        u = (x - self.left) / self.width
        v = 1 - (y - self.top) / self.height
        return (self.xlim[0] + u * (self.xlim[1] - self.xlim[0]), self.ylim[0] + v * (self.ylim[1] - self.ylim[0]))

    def to_pixels(self, zx: float, zy: float) -> tuple[int, int]:
        """Data coordinates -> picture pixel."""
        u = (zx - self.xlim[0]) / (self.xlim[1] - self.xlim[0])
        v = (zy - self.ylim[0]) / (self.ylim[1] - self.ylim[0])
        return int(round(self.left + u * self.width)), int(round(self.top + (1 - v) * self.height))


_MAP_BOX = (0.09, 0.1, 0.72, 0.84)  # axes rectangle (left, bottom, width, height) as figure fractions


def latent_scatter(points: np.ndarray, labels: np.ndarray, names: list[str], xlim: tuple[float, float],
                   ylim: tuple[float, float], size: tuple[float, float] = (6.4, 5.0)) -> tuple[np.ndarray, MapFrame]:
    """Scatter of 2-D codes coloured by class (Program 10-3), with the frame for click mapping."""
    fig = Figure(figsize=size, dpi=_DPI)
    ax = fig.add_axes(_MAP_BOX)
    colours = matplotlib.colormaps["tab10"]
    for k, name in enumerate(names):
        chosen = labels == k
        ax.scatter(points[chosen, 0], points[chosen, 1], s=7, color=colours(k), label=name, alpha=0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("z1", fontsize=9)
    ax.set_ylabel("z2", fontsize=9)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=2, frameon=False)
    picture = _render(fig)
    w, h = size[0] * _DPI, size[1] * _DPI
    left, bottom, width, height = _MAP_BOX
    frame = MapFrame(left * w, (1 - bottom - height) * h, width * w, height * h, tuple(xlim), tuple(ylim))
    return picture, frame


def mark(picture: np.ndarray, x: int, y: int, radius: int = 7) -> np.ndarray:
    """A copy of ``picture`` with a black-and-white cross at pixel (x, y), drawn without matplotlib.

    A point outside the picture leaves it unmarked.
    """
    out = picture.copy()
    h, w = out.shape[:2]
    if not (0 <= x < w and 0 <= y < h):
        return out
    for thickness, colour in ((2, (255, 255, 255)), (1, (0, 0, 0))):
        y0, y1 = max(0, y - thickness), min(h, y + thickness + 1)
        x0, x1 = max(0, x - thickness), min(w, x + thickness + 1)
        out[y0:y1, max(0, x - radius):min(w, x + radius + 1)] = colour
        out[max(0, y - radius):min(h, y + radius + 1), x0:x1] = colour
    return out


def outline(picture: np.ndarray, frame: MapFrame, xlim: tuple[float, float], ylim: tuple[float, float],
            colour: tuple[int, int, int] = (220, 30, 30)) -> np.ndarray:
    """A copy of ``picture`` with the data rectangle xlim x ylim outlined (clipped to the axes box)."""
    out = picture.copy()
    x0, y1 = frame.to_pixels(xlim[0], ylim[0])
    x1, y0 = frame.to_pixels(xlim[1], ylim[1])
    left, right = int(frame.left), int(frame.left + frame.width)
    top, bottom = int(frame.top), int(frame.top + frame.height)
    x0, x1 = max(left, min(x0, right)), max(left, min(x1, right))
    y0, y1 = max(top, min(y0, bottom)), max(top, min(y1, bottom))
    for y in (y0, y1):
        out[max(0, y - 1):y + 1, x0:x1 + 1] = colour
    for x in (x0, x1):
        out[y0:y1 + 1, max(0, x - 1):x + 1] = colour
    return out
