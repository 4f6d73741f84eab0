"""The judge's readout as a short Markdown paragraph, shared by every tab that generates images."""

from __future__ import annotations

import numpy as np

from studio.data import class_names
from studio.ui.kit.i18n import text

_DATASET_TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}


def judge_readout(report, shown_judged, accuracy: float, lang: str) -> str:
    """Markdown for a ``QualityReport`` over many samples and the judged classes of the few shown.

    Conditional samples (``report.requested`` set) get the label agreement; unconditional ones the
    class spread; both get the FID next to the real-data floor, and a warning on mode collapse.
    """
    names = class_names(report.dataset, lang)
    lines = [text("judge.header", lang, dataset=_DATASET_TITLES[report.dataset], accuracy=accuracy)]
    if report.requested is not None:
        hits = int((shown_judged == report.requested).sum())
        lines.append(text("judge.agreement", lang, n=len(shown_judged), hits=hits,
                          name=names[report.requested], share=report.agreement, big=report.samples))
    else:
        lines += _spread_lines(report, lang)
    lines += _fid_lines(report, lang)
    return "  \n".join(lines)


def readout_text(readout, lang: str) -> str:
    """Markdown for a click's ``quality.Readout``: first what the judge reads in this student's own
    samples, then the model's figures, said to be measured once on a fixed seed's samples, the same
    for everyone (not on the samples above)."""
    report = readout.model
    names = class_names(report.dataset, lang)
    n = len(readout.shown)
    lines = [text("judge.header", lang, dataset=_DATASET_TITLES[report.dataset], accuracy=readout.accuracy)]
    if report.requested is not None:
        lines.append(text("judge.shown_agreement", lang, n=n, hits=readout.shown_hits(),
                          name=names[report.requested], seed=readout.seed))
    else:
        counts = np.bincount(np.asarray(readout.shown, dtype=np.int64), minlength=len(names))
        classes = " · ".join(f"{names[k]} ×{int(c)}" for k, c in enumerate(counts) if c)
        lines.append(text("judge.shown_classes", lang, n=n, seed=readout.seed, classes=classes))
    lines.append(text("judge.model_header", lang, big=report.samples, seed=readout.model_seed))
    if report.requested is not None:
        lines.append(text("judge.model_agreement", lang, big=report.samples, share=report.agreement,
                          name=names[report.requested]))
    else:
        lines += _spread_lines(report, lang)
    lines += _fid_lines(report, lang)
    return "  \n".join(lines)


def _spread_lines(report, lang: str) -> list[str]:
    """The judged classes over the report's samples, and a mode-collapse warning when one applies."""
    names = class_names(report.dataset, lang)
    shares = " · ".join(f"{names[k]} {share:.0%}" for k, share in enumerate(report.coverage.shares))
    lines = [text("judge.coverage", lang, big=report.samples, shares=shares, ratio=report.coverage.entropy_ratio)]
    reasons = []
    if report.coverage.missing:
        reasons.append(text("judge.missing", lang, classes=", ".join(names[k] for k in report.coverage.missing)))
    if report.coverage.dominant is not None:
        reasons.append(text("judge.dominant", lang, name=names[report.coverage.dominant],
                            share=report.coverage.shares[report.coverage.dominant]))
    if reasons:
        lines.append(text("judge.collapse", lang, reason="; ".join(reasons)))
    return lines


def _fid_lines(report, lang: str) -> list[str]:
    """The FID next to the real-data floor (none below the sample size a FID needs)."""
    if report.fid is None:
        return []
    names = class_names(report.dataset, lang)
    target = (text("judge.class_test", lang, name=names[report.requested]) if report.requested is not None
              else text("judge.all_test", lang))
    floor = report.fid_floor if report.fid_floor is not None else float("nan")
    return [text("judge.fid", lang, big=report.samples, target=target, fid=report.fid, floor=floor)]
