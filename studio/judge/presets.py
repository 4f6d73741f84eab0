"""The quality judges' bundles: one CNN per data set, with the test set's feature statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.judge import metrics
from studio.bundles import registry
from studio.serving import runtime
from studio.judge.model import Judge, JudgeConfig, build_judge

DEFAULT_EPOCHS = {"mnist": 12, "fashion": 20, "emoji": 40}
# Fashion-MNIST is harder to fit than it is to overfit: with MNIST's regularisation the judge was still
# at 82% training accuracy after 6 epochs (val 89%), so it gets lighter dropout and smaller shifts,
# plus horizontal flips (shoes and bags point either way).
CONFIGS = {"mnist": JudgeConfig(dataset="mnist"),
           "fashion": JudgeConfig(dataset="fashion", dropout=0.2, dense_dropout=0.3, translate=0.05, flip=True),
           # The colour emoji (studio.media.openmoji): 7 Unicode groups, 64 x 64 x 3; four conv blocks and global
           # average pooling keep it small (a flattened 16 x 16 map would need a 2M-weight feature layer).
           "emoji": JudgeConfig(dataset="emoji", filters=(32, 64, 128, 128), dropout=0.1, dense_dropout=0.3,
                                translate=0.05, flip=True, num_classes=7, image_shape=(64, 64, 3),
                                average_pool=True)}
WEIGHTS_FILE = "model.weights.h5"
STATS_FILE = "stats.npz"


def bundle_name(dataset: str) -> str:
    """The registry name of a data set's judge, e.g. ``judge_mnist``."""
    return f"judge_{dataset}"


@dataclass(frozen=True)
class LoadedJudge:
    """A judge ready to read samples, with the test set's feature statistics."""

    judge: Judge
    stats: list[metrics.GaussianStats]  # per class, then all classes
    metadata: dict


def load_judge(bundle: registry.Bundle) -> LoadedJudge:
    """The judge network and its test-set statistics from a saved bundle."""
    config = JudgeConfig(**{key: tuple(value) if isinstance(value, list) else value
                            for key, value in bundle.config.items()})
    runtime.import_tensorflow()
    model = build_judge(config)
    model.load_weights(bundle.path(WEIGHTS_FILE))
    with np.load(bundle.path(STATS_FILE)) as f:
        stats = [metrics.GaussianStats(m.astype(np.float64), c.astype(np.float64), int(n))
                 for m, c, n in zip(f["means"], f["covs"], f["counts"])]
    return LoadedJudge(Judge(model), stats, bundle.metadata)
