"""Recipe for the shipped test images: ``python -m studio.train samples``.

The tabs show real digits (reconstructions, walks, the latent map) without any data set on the
user's machine, so the first ``COUNT`` test images of each data set ship with the studio.
"""

from __future__ import annotations

import numpy as np

from studio import data, registry
from studio.samples.presets import COUNT, NAME


def save_samples(datasets=("mnist", "fashion"), count: int = COUNT, source: str = registry.SHIPPED) -> registry.Bundle:
    """Save the first ``count`` test images and labels of each data set as one bundle."""
    arrays, provenance = {}, {}
    for name in datasets:
        _, (x_test, y_test) = data.load_dataset(name)
        arrays[f"{name}_x"], arrays[f"{name}_y"] = x_test[:count], y_test[:count]
        provenance[name] = {"description": data.DESCRIPTIONS[name], "loaded_from": data.dataset_source(name),
                            "images": f"the first {count} test images, in order (x_test[:{count}])"}
    metadata = {"technique": "samples", "command": f"python -m studio.train samples --count {count}",
                "data": provenance}
    files = {"test_images.npz": lambda path: np.savez_compressed(path, **arrays)}
    return registry.save(NAME, {"datasets": list(datasets), "count": count}, files, metadata, source=source)


# --- python -m studio.train samples ---------------------------------------------------------------------
HELP = "the test images shipped for the tabs (no training)"


def add_arguments(parser) -> None:
    """This recipe's options of ``python -m studio.train samples``."""
    parser.add_argument("--count", type=int, default=COUNT)


def run(args, ctx) -> list[registry.Bundle]:
    """Save the shipped test images as the parsed ``args`` say."""
    return [save_samples(count=args.count, source=ctx.source)]
