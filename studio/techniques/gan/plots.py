"""The GAN's figures (Programs 10-4, 10-5): D and G losses while it trains, and a bundle's training record
(losses, and the judge's FID per step). Only the GAN tab draws them, so they live in its folder rather
than in the core's ``studio.media.plots``, whose fonts, renderer and words (``word``: the texts table, this
folder's ``texts.toml``) they use."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from studio.media.plots import curve_name, render, word

_DPI = 100


def gan_curves(history: dict[str, list[float]], every_steps: int, title: str = "", lang: str = "en") -> np.ndarray:
    """D and G losses of a GAN per point of ``every_steps`` steps, with the equilibrium line ln 2.

    At the game's equilibrium D outputs 1/2 for every image, so each cross-entropy equals ln 2;
    curves that hover near the line mean neither network is winning, which is what training wants.
    """
    fig = Figure(figsize=(5.0, 2.8), dpi=_DPI)
    ax = fig.add_subplot()
    for name in ("d_loss", "g_loss"):
        values = history.get(name) or []
        if values:
            ax.plot(np.arange(1, len(values) + 1) * every_steps, values, marker="o", markersize=2.5,
                    label=curve_name(name, lang))
    ax.axhline(np.log(2.0), color="#888888", linestyle="--", linewidth=1)
    ax.annotate(word("gan.fig_equilibrium", lang), xy=(0.99, np.log(2.0)), xycoords=("axes fraction", "data"),
                ha="right", va="bottom", fontsize=8, color="#555555")
    ax.set_xlabel(word("gan.fig_training_step", lang), fontsize=9)
    ax.grid(alpha=0.3)
    if any(history.get(k) for k in ("d_loss", "g_loss")):
        ax.legend(fontsize=8, loc="upper left")
    fids = history.get("fid") or []
    if fids:  # the judge read every round (the classroom schedule): its FID on a second axis, log scale
        right = ax.twinx()
        right.plot(np.arange(1, len(fids) + 1) * every_steps, fids, color="#d0583a", marker="s", markersize=3)
        right.set_yscale("log")
        right.set_ylabel(word("gan.fig_fid", lang), fontsize=9, color="#d0583a")
        right.annotate(f"{fids[-1]:.0f}", (len(fids) * every_steps, fids[-1]), textcoords="offset points",
                       xytext=(-4, 5), ha="right", fontsize=8, color="#d0583a")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return render(fig)


def gan_record(history: dict[str, list[float]], every_steps: int, fid_steps: list[int], fids: list[float],
               floor: float | None = None, lang: str = "en") -> np.ndarray:
    """A GAN bundle's training record: D and G losses per ``every_steps`` (left) and, when measured,
    the judge's FID of the generator to be shipped at ``fid_steps`` with the real-data floor (right)."""
    fig = Figure(figsize=(9.0, 2.8), dpi=_DPI)
    left, right = fig.subplots(1, 2)
    for name in ("d_loss", "g_loss"):
        values = history.get(name) or []
        if values:
            left.plot(np.arange(1, len(values) + 1) * every_steps, values, linewidth=1,
                      label=curve_name(name, lang))
    left.axhline(np.log(2.0), color="#888888", linestyle="--", linewidth=1)
    left.set_title(word("gan.fig_losses", lang), fontsize=10)
    left.set_xlabel(word("gan.fig_training_step", lang), fontsize=9)
    left.legend(fontsize=8, loc="upper right")
    if fids:
        right.plot(fid_steps, fids, marker="o", markersize=4, color="#d0583a")
        for x, y in zip(fid_steps, fids):
            right.annotate(f"{y:.1f}", (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7)
        if floor:
            right.axhline(floor, color="#3a7d44", linestyle=":", linewidth=1.2)
            right.annotate(word("gan.fig_floor", lang, floor=floor), xy=(0.99, floor),
                           xycoords=("axes fraction", "data"),
                           ha="right", va="bottom", fontsize=8, color="#3a7d44")
        right.set_yscale("log")
        right.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        right.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_title(word("gan.fig_fid", lang), fontsize=10)
    right.set_xlabel(word("gan.fig_training_step", lang), fontsize=9)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return render(fig)
