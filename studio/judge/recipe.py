"""Recipe for the quality judges: ``python -m studio.train judge --dataset mnist|fashion``.

Trains the CNN of ``studio.judge.model`` on the training set (the last 5,000 images held out for
validation), measures it on the test set, and ships with it the test set's feature statistics
(mean and covariance, per class and overall), so the Fréchet distance needs no data set at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio import data
from studio.judge import metrics
from studio.bundles import registry
from studio.serving import runtime
from studio.bundles.writer import rewrite_metrics, write_bundle
from studio.judge.model import Judge, build_judge
from studio.judge.presets import (
    CONFIGS,
    DEFAULT_EPOCHS,
    STATS_FILE,
    WEIGHTS_FILE,
    bundle_name,
    load_judge,
)
from studio.serving.lazy_keras import keras
from studio.training import (
    RunContext,
    RunOptions,
    fit,
    inference_weights_writer,
    training_record,
)
from studio.training.request import TrainingRequest, option

VALIDATION = 5000
# FID floors are reported at these sample counts: real training images against the test set.
FLOOR_SIZES = (100, 1000, 10000)
# Per class: that many training images of the class against the class's test images, at the sizes the
# recipes and tabs judge (a 500-image floor beside a 1,000-sample FID would flatter the generator).
CLASS_FLOOR_SIZES = (100, 500, 1000)
FLOOR_FEATURE_IMAGES = 30000  # the first training images whose features give every floor


PURPOSE = ("quality judge for generated samples: class (label agreement, coverage) and penultimate-layer features "
           "(Fréchet distance in judge features; not comparable to Inception FID)")


def train_judge(request: TrainingRequest[Options], ctx: RunContext = RunContext()) -> registry.Bundle:
    """Train, evaluate and save the judge of ``dataset``; ``limit`` trains on the first N images (tests)."""
    options, on_progress = request.options, ctx.on_progress
    dataset, batch_size, seed, limit = options.dataset, options.batch_size, options.seed, options.limit
    epochs = options.epochs or DEFAULT_EPOCHS[dataset]
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = data.load_dataset(dataset)
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    held_out = min(VALIDATION, len(x_train) // 10)
    x_fit, y_fit = x_train[:-held_out], y_train[:-held_out]
    x_val, y_val = x_train[-held_out:], y_train[-held_out:]

    config = CONFIGS[dataset]
    steps = -(-len(x_fit) // batch_size)
    model = build_judge(config)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=epochs * steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.AdamW(schedule, weight_decay=1e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    describe = lambda epoch, logs: (f"{dataset} judge · epoch {epoch + 1}/{epochs} · "  # noqa: E731
                                    f"loss {logs.get('loss', float('nan')):.4f} · "
                                    f"accuracy {logs.get('accuracy', float('nan')):.4f}"
                                    + (f" · val {logs['val_accuracy']:.4f}" if "val_accuracy" in logs else ""))
    weights = class_weights(y_fit, config.num_classes)
    run = fit(model, x_fit.astype(np.float32), y_fit, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress,
              cancel=ctx.cancel, describe=describe, digits=5, batch_size=batch_size,
              validation_data=(x_val.astype(np.float32), y_val), class_weight=weights)
    judge = Judge(model)
    probs, test_features = judge(x_test)

    predicted = probs.argmax(axis=1)
    accuracy = float(np.mean(predicted == y_test))
    per_class = [float(np.mean(predicted[y_test == k] == k)) for k in range(config.num_classes)]
    on_progress(0.99, f"test accuracy {accuracy:.4f}; saving")

    stats = [metrics.GaussianStats.of(test_features[y_test == k]) for k in range(config.num_classes)]
    stats.append(metrics.GaussianStats.of(test_features))
    arrays = {"means": np.stack([s.mean for s in stats]).astype(np.float32),
              "covs": np.stack([s.cov for s in stats]).astype(np.float32),
              "counts": np.array([s.count for s in stats], np.int64)}
    data_record = {dataset: data.provenance(dataset, fit_images=len(x_fit), validation_images=held_out,
                                            test_images=len(x_test))}
    training = training_record(
        run, batch_size=batch_size, seed=seed, optimizer="AdamW(CosineDecay(1e-3), weight_decay=1e-4)",
        **({"class_weight": "balanced (each class counts as much as the others)"} if weights else {}),
        augmentation=f"random shifts of {config.translate:.0%}" + (", horizontal flips" if config.flip else ""))
    files = {WEIGHTS_FILE: inference_weights_writer(model, lambda: build_judge(config)),
             STATS_FILE: lambda path: np.savez(path, **arrays)}
    measured = {"test_accuracy": round(accuracy, 5), "test_accuracy_per_class": [round(a, 4) for a in per_class],
                "test_accuracy_balanced": round(float(np.nanmean(per_class)), 5),
                **real_floors(judge, x_train, y_train, stats)}
    bundle = write_bundle(request, bundle_name(dataset), config, files, technique="judge", purpose=PURPOSE,
                          data=data_record, training=training, metrics=measured)
    on_progress(1.0, f"{dataset} judge: test accuracy {accuracy:.4f}")
    return bundle


def class_weights(labels: np.ndarray, num_classes: int) -> dict[int, float] | None:
    """Balanced class weights when the classes are uneven (the emoji: People & Body is two thirds of
    them), so the judge learns every class rather than the largest; None for balanced data sets."""
    counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
    if counts.min() * 2 >= counts.max():
        return None
    return {k: float(len(labels) / (num_classes * max(c, 1.0))) for k, c in enumerate(counts)}


def real_floors(judge, x_train: np.ndarray, y_train: np.ndarray, stats: list) -> dict:
    """The FID floors of the judge's metrics: the first N real training images (of a class, for
    the per-class floors) against the test set's statistics ``stats`` (per class, then all)."""
    x, y = x_train[:FLOOR_FEATURE_IMAGES], y_train[:FLOOR_FEATURE_IMAGES]
    features = judge(x)[1]

    def floor(chosen: np.ndarray, reference) -> float:
        return round(metrics.frechet_distance(metrics.GaussianStats.of(chosen), reference), 3)

    return {
        "fid_floor_train_vs_test": {str(n): floor(features[:n], stats[-1]) for n in FLOOR_SIZES if n <= len(x)},
        "fid_floor_per_class": {str(n): [floor(features[y == k][:n], stats[k]) for k in range(len(stats) - 1)]
                                for n in CLASS_FLOOR_SIZES},
        "fid_floor_note": "Fréchet distance (judge features) of the first N real training images (of the class, "
                          "per class) to the test set (of the class): the best a generator can hope for at that "
                          "sample size",
    }


def remeasure_floors(request: TrainingRequest[Options]) -> registry.Bundle:
    """Recompute a saved judge's FID floors (weights untouched): ``python -m studio.train judge
    --dataset D --floors-only``."""
    dataset = request.options.dataset
    bundle = registry.load(bundle_name(dataset), request.source)
    loaded = load_judge(bundle)
    (x_train, y_train), _ = data.load_dataset(dataset)
    kept = {k: v for k, v in bundle.metadata["metrics"].items() if not k.startswith("fid_floor")}
    return rewrite_metrics(request, bundle, {**kept, **real_floors(loaded.judge, x_train, y_train, loaded.stats)})


# --- python -m studio.train judge -----------------------------------------------------------------------
HELP = "quality judge CNN of one data set"


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train judge --dataset D [--epochs E] [--floors-only] [--batch-size B --seed S --limit N]``."""

    dataset: str | None = option(None, choices=sorted(CONFIGS), required=True)
    epochs: int | None = option(None, "default: " + ", ".join(f"{e} ({d})" for d, e in DEFAULT_EPOCHS.items()))
    floors_only: bool = option(False, "no training: recompute the saved judge's FID floors and rewrite its metrics")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train (or re-measure the floors) as ``request`` says, reporting through ``ctx``."""
    if request.options.floors_only:
        return [remeasure_floors(request)]
    return [train_judge(request, ctx)]
