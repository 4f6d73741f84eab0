"""Recipe for the shipped test images: ``python -m studio.train samples``.

The tabs show real digits (reconstructions, walks, the latent map) without any data set on the
user's machine, so the first ``COUNT`` test images of each data set ship with the studio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio import data
from studio.bundles import registry
from studio.bundles.writer import write_bundle
from studio.samples.presets import COUNT, NAME
from studio.training import RunContext
from studio.training.request import TrainingRequest, option


def save_samples(request: TrainingRequest[Options], datasets=("mnist", "fashion")) -> registry.Bundle:
    """Save the first ``count`` test images and labels of each data set as one bundle."""
    count = request.options.count
    arrays, provenance = {}, {}
    for name in datasets:
        _, (x_test, y_test) = data.load_dataset(name)
        arrays[f"{name}_x"], arrays[f"{name}_y"] = x_test[:count], y_test[:count]
        provenance[name] = data.provenance(name, images=f"the first {count} test images, in order (x_test[:{count}])")
    files = {"test_images.npz": lambda path: np.savez_compressed(path, **arrays)}
    return write_bundle(request, NAME, {"datasets": list(datasets), "count": count}, files, technique="samples",
                        data=provenance)


# --- python -m studio.train samples ---------------------------------------------------------------------
HELP = "the test images shipped for the tabs (no training)"


@dataclass(frozen=True)
class Options:
    """``python -m studio.train samples [--count N]``."""

    count: int = option(COUNT, "test images of each data set")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Save the shipped test images as ``request`` says."""
    return [save_samples(request)]
