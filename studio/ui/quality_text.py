"""The judge's readout as a short Markdown paragraph, shared by every tab that generates images."""

from __future__ import annotations

from studio.data import CLASS_NAMES
from studio.ui.i18n import text

_DATASET_TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}


def judge_readout(report, shown_judged, accuracy: float, lang: str) -> str:
    """Markdown for a ``QualityReport`` over many samples and the judged classes of the few shown.

    Conditional samples (``report.requested`` set) get the label agreement; unconditional ones the
    class spread; both get the FID next to the real-data floor, and a warning on mode collapse.
    """
    names = CLASS_NAMES[report.dataset]
    lines = [text("judge.header", lang, dataset=_DATASET_TITLES[report.dataset], accuracy=accuracy)]
    if report.requested is not None:
        hits = int((shown_judged == report.requested).sum())
        lines.append(text("judge.agreement", lang, n=len(shown_judged), hits=hits,
                          name=names[report.requested], share=report.agreement, big=report.samples))
    else:
        shares = " · ".join(f"{names[k]} {share:.0%}" for k, share in enumerate(report.coverage.shares))
        lines.append(text("judge.coverage", lang, big=report.samples, shares=shares,
                          ratio=report.coverage.entropy_ratio))
        reasons = []
        if report.coverage.missing:
            reasons.append(text("judge.missing", lang, classes=", ".join(names[k] for k in report.coverage.missing)))
        if report.coverage.dominant is not None:
            reasons.append(text("judge.dominant", lang, name=names[report.coverage.dominant],
                                share=report.coverage.shares[report.coverage.dominant]))
        if reasons:
            lines.append(text("judge.collapse", lang, reason="; ".join(reasons)))
    if report.fid is not None:
        target = (text("judge.class_test", lang, name=names[report.requested]) if report.requested is not None
                  else text("judge.all_test", lang))
        floor = report.fid_floor if report.fid_floor is not None else float("nan")
        lines.append(text("judge.fid", lang, big=report.samples, target=target, fid=report.fid, floor=floor))
    return "  \n".join(lines)
