"""Recipe for the pixel model bundle: ``python -m studio.train pixel``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.bundles import registry
from studio.bundles.writer import write_bundle
from studio.techniques.pixel import model as pixel
from studio.training import CancelToken, RunContext
from studio.training.request import TrainingRequest, option

# Test-set metrics are recorded at these smoothing strengths (pseudo-counts per grey level).
PIXEL_REPORTED_SMOOTHING = (0.0, 0.1, 1.0)


def train_pixel(request: TrainingRequest[Options], ctx: RunContext = RunContext()) -> registry.Bundle:
    """Fit Program 10-1's per-pixel histograms for every class of ``datasets`` and save the bundle.

    ``limit_per_class`` keeps only the first N training images of each class (to show how the
    model degrades with little data); the test counts always cover the whole test set, so the
    reported likelihoods stay comparable.
    """
    options, on_progress, cancel = request.options, ctx.on_progress, ctx.cancel or CancelToken()
    datasets, limit_per_class = options.datasets, options.limit_per_class
    if limit_per_class is not None and limit_per_class < 1:
        raise ValueError("Use at least one training image per class.")
    arrays: dict[str, np.ndarray] = {}
    provenance, metrics = {}, {}
    for step, name in enumerate(datasets):
        on_progress(step / len(datasets), f"Loading {name}")
        (x_train, y_train), (x_test, y_test) = data.load_dataset(name)
        if limit_per_class is not None:
            keep = np.concatenate([np.flatnonzero(y_train == k)[:limit_per_class] for k in range(10)])
            x_train, y_train = x_train[np.sort(keep)], y_train[np.sort(keep)]
        cancel.raise_if_cancelled()
        on_progress((step + 0.3) / len(datasets), f"Counting grey levels of {len(x_train):,} {name} images")
        train_counts = pixel.fit_counts_by_class(x_train, y_train)
        test_counts = pixel.fit_counts_by_class(x_test, y_test)
        cancel.raise_if_cancelled()
        # Counts per class fit in uint16 for these sets (largest class: 6,742 images); it halves the file.
        for split, counts in (("train", train_counts), ("test", test_counts)):
            dtype = np.uint16 if counts.max() < 2**16 else np.uint32
            arrays[f"{name}_{split}"] = counts.astype(dtype)
        provenance[name] = data.provenance(name, train_images_per_class=np.bincount(y_train, minlength=10).tolist(),
                                           test_images_per_class=np.bincount(y_test, minlength=10).tolist(),
                                           limit_per_class=limit_per_class)
        metrics[name] = _pixel_metrics(train_counts, test_counts)
    on_progress(0.95, "Saving")
    config = dataclasses.asdict(pixel.PixelConfig(datasets=tuple(datasets)))
    files = {"histograms.npz": lambda path: np.savez_compressed(path, **arrays)}
    bundle = write_bundle(request, "pixel", config, files, technique="pixel",
                          reproduces="Lecture 000, Program 10-1: per-pixel 256-bin histograms, pixels sampled "
                                     "independently",
                          data=provenance, metrics=metrics,
                          metrics_note="test negative log-likelihood in bits per pixel (lower is better) for each "
                                       "class model on that class's test images, and for the all-classes model on all "
                                       "test images, at Laplace smoothing alpha; 'inf' means some test pixel value had "
                                       "probability 0")
    on_progress(1.0, "Done")
    return bundle


def _pixel_metrics(train_counts: np.ndarray, test_counts: np.ndarray) -> dict:
    report = {}
    for alpha in PIXEL_REPORTED_SMOOTHING:
        per_class = []
        for label in [*range(len(train_counts)), None]:
            probs = pixel.probabilities(pixel.class_counts(train_counts, label), alpha)
            result = pixel.likelihood_from_counts(probs, pixel.class_counts(test_counts, label))
            per_class.append(round(result.bits_per_pixel, 4) if result.finite else "inf")
        report[f"alpha={alpha:g}"] = {"per_class": per_class[:-1], "all_classes": per_class[-1]}
    return report


# --- python -m studio.train pixel -----------------------------------------------------------------------
HELP = "per-pixel histogram model (Program 10-1), every class of both data sets"


@dataclass(frozen=True)
class Options:
    """``python -m studio.train pixel [--datasets mnist fashion] [--limit-per-class N]``."""

    datasets: tuple[str, ...] = option(("mnist", "fashion"), choices=("mnist", "fashion"))
    limit_per_class: int | None = option(None, "use only the first N training images of each class")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Fit the histograms as ``request`` says, reporting through ``ctx``."""
    return [train_pixel(request, ctx)]
