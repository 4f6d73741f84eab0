"""Recipe for the conditional GANs: ``python -m studio.train cgan --variant dense|conv|all``.

Trains as lecture 004's "cGAN으로 MNIST 학습하기" does (MNIST in [-1, 1], one-hot labels, BCE from
logits, batch 128; the lecture shows one epoch and loads weights trained for 500), then asks the
judge (the studio's MNIST classifier) about 1,000 samples of every digit: the label agreement (share
judged as the requested digit) and the FID in judge features, per digit and overall.

The headline metrics sample z ~ N(0, I) as in training (``NOISE_SCALE``, the tab's default);
``at_noise_scale_0.7`` holds the same readings with the truncation trick (z ~ N(0, 0.7^2 I): cleaner
digits for less variety), which the tab's noise-scale slider lets students try.

Only the generator is shipped (float16 weights, the largest change this makes to a pixel is
recorded): the tab never needs the discriminator, and retraining starts from scratch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging
from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.bundles.writer import rewrite_metrics, write_bundle
from studio.serving.lazy_keras import keras, tf
from studio.judge.quality import QualityService
from studio.training.schedules import SCHEDULES
from studio.techniques.cgan.model import (
    CGANConfig,
    CGANInference,
    build_generator,
    make_cgan,
    one_hot,
)
from studio.techniques.cgan.presets import (
    CLASSROOM,
    DEFAULT_EPOCHS,
    NOISE_SCALE,
    VARIANTS,
    WEIGHTS_FILE,
    bundle_name,
    load_generator,
)
from studio.training import RunContext, RunOptions, fit, training_record
from studio.training.request import TrainingRequest, option

PREVIEW_SEED = 0  # the noise of the 10 x 10 preview table
EVAL_SEED = 2024  # the noise of the recorded metrics
EVAL_PER_CLASS = 1000
TRUNCATED_SCALE = 0.7  # the second reading: the truncation trick
EPOCH_PER_CLASS = 100  # samples per digit judged after every epoch (the history's judge_agreement)


def unit_images(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [-1, 1], the lecture's (x - 127.5) / 127.5."""
    return ((images.astype(np.float32) - 127.5) / 127.5)[..., None]


def _reading(inference: CGANInference, quality, per_class: int, seed: int, noise_scale: float) -> dict:
    agreement, fid, floors, judged_all, images_all = [], [], [], [], []
    for k in range(10):
        images = inference.generate(np.full(per_class, k), seed + k, noise_scale)
        report = quality.assess("mnist", images, requested=k)
        agreement.append(round(report.agreement, 4))
        fid.append(round(report.fid, 2) if report.fid is not None else None)
        floors.append(None if report.fid_floor is None else round(report.fid_floor, 2))
        judged_all.append(report.judged)
        images_all.append(images)
    overall = quality.assess("mnist", np.concatenate(images_all))
    hits = np.concatenate(judged_all) == np.repeat(np.arange(10), per_class)
    return {"label_agreement": round(float(hits.mean()), 4), "label_agreement_per_class": agreement,
            "fid": None if overall.fid is None else round(overall.fid, 2), "fid_per_class": fid,
            "fid_floor_per_class": floors}


def assess_generator(inference: CGANInference, quality, per_class: int = EVAL_PER_CLASS,
                     seed: int = EVAL_SEED) -> dict:
    """Label agreement and FID (MNIST judge features) per digit and overall, ``per_class`` samples each.

    Read twice: with the tab's noise scale (NOISE_SCALE = 1, as in training: the headline numbers)
    and with the truncation trick (``at_noise_scale_0.7``).
    """
    metrics = _reading(inference, quality, per_class, seed, NOISE_SCALE)
    truncated = _reading(inference, quality, per_class, seed, TRUNCATED_SCALE)
    truncated.pop("fid_floor_per_class")
    return {**metrics, "noise_scale": NOISE_SCALE, f"at_noise_scale_{TRUNCATED_SCALE:g}": truncated,
            "samples_per_class": per_class, "eval_seed": seed,
            "note": f"the judge (MNIST classifier) reads each sample; agreement = share judged as the requested "
                    f"digit; FID in judge features against the MNIST test set (per class: that digit's test "
                    f"images), not comparable with Inception FID; floor = real training images of that digit. "
                    f"Headline numbers sample z ~ N(0, I) as in training and as the tab does by default; "
                    f"at_noise_scale_{TRUNCATED_SCALE:g} samples z ~ N(0, {TRUNCATED_SCALE:g}^2 I) (the truncation "
                    f"trick)"}


def reassess_cgan(request: TrainingRequest[Options], quality: QualityService | None = None) -> registry.Bundle:
    """Judge a saved generator again with this recipe's ``assess_generator`` and rewrite its metrics.

    The weights file is copied byte for byte; the training record is kept. For bundles trained
    before the metrics changed (``python -m studio.train cgan --variant V --assess-only``).
    """
    runtime.import_tensorflow()
    bundle = registry.load(bundle_name(request.options.variant), request.source)
    config = CGANConfig(**bundle.config)
    quality = quality or QualityService()
    inference = CGANInference(load_generator(config, bundle.path(WEIGHTS_FILE)), config)
    metrics = {**assess_generator(inference, quality),
               "float16_max_pixel_change": bundle.metadata["metrics"].get("float16_max_pixel_change")}
    return rewrite_metrics(request, bundle, metrics)


def train_cgan(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *,
               quality: QualityService | None = None) -> registry.Bundle:
    """Train one cGAN variant, judge it, save its generator; ``ctx.keep_on_stop`` saves a stopped run too.

    ``quality`` is a ``QualityService`` (one is made when None); without a judge bundle the metrics
    record only that. ``schedule`` "classroom" (conv only) trains with ``CLASSROOM``'s batch and learning
    rate in rounds of its ``round_steps`` batches (``epochs`` then counts rounds; default its ``rounds``).
    """
    options, on_progress = request.options, ctx.on_progress
    variant, epochs, batch_size, seed, limit = (options.variant, options.epochs, options.batch_size, options.seed,
                                                options.limit)
    if variant == "all":
        raise ValueError("train_cgan trains one variant; run() trains them all.")
    classroom = options.schedule == "classroom"
    if classroom and variant != "conv":
        raise ValueError("The classroom schedule trains the conv cGAN; train the dense one with the lecture's settings.")
    config, description = VARIANTS[variant]
    if classroom:
        config = dataclasses.replace(config, learning_rate=CLASSROOM.learning_rate)
        batch_size = CLASSROOM.batch_size
    epochs = epochs or (CLASSROOM.rounds if classroom else DEFAULT_EPOCHS[variant])
    unit = "round" if classroom else "epoch"
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    (x_train, y_train), _ = data.load_mnist()
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    train_x, train_y = unit_images(x_train), one_hot(y_train)
    steps = CLASSROOM.round_steps if classroom else -(-len(train_x) // batch_size)
    quality = quality or QualityService()
    judge_ready = quality.available("mnist")
    model = make_cgan(config, seed=seed)
    inference = CGANInference(model.generator, config)

    def preview() -> np.ndarray:
        return imaging.grid(inference.table(10, PREVIEW_SEED), cols=10, pad=0)

    def judge_agreement(epoch, logs) -> dict:
        if not judge_ready:
            return {}
        # the judge's agreement on 100 samples per digit, every epoch: a GAN's losses say little
        labels = np.repeat(np.arange(10), EPOCH_PER_CLASS)
        judged = quality.assess("mnist", inference.generate(labels, EVAL_SEED)).judged
        return {"judge_agreement": float(np.mean(judged == labels))}

    describe = lambda epoch, logs: (f"cGAN {variant} · {unit} {epoch + 1}/{epochs} · "  # noqa: E731
                                    f"D {logs.get('d_loss', float('nan')):.3f} · G {logs.get('g_loss', float('nan')):.3f}"
                                    + (f" · judge agreement {logs['judge_agreement']:.1%}" if "judge_agreement" in logs
                                       else ""))
    data_args, data_kwargs = _fit_data(train_x, train_y, batch_size, seed, classroom)
    run = fit(model, *data_args, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=ctx.cancel,
              keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=ctx.on_epoch, preview=preview,
              extra_logs=judge_agreement, **data_kwargs)
    rounded, change = _stored_generator(model, config, inference)
    rounded_gen = rounded.generator

    on_progress(1.0, f"cGAN {variant}: judging {EVAL_PER_CLASS:,} samples of every digit")
    if judge_ready:
        metrics = assess_generator(rounded, quality)
    else:
        metrics = {"note": "no MNIST judge bundle: train it first (python -m studio.train judge --dataset mnist)"}
    metrics["float16_max_pixel_change"] = change
    data_record = {"mnist": data.provenance("mnist", train_images=len(x_train))}
    training = training_record(
        run, batch_size=batch_size, seed=seed,
        optimizer=f"Adam({config.learning_rate:g}, beta_1={config.beta_1:g}) for G and for D",
        **({"unit_note": f"classroom schedule: epochs are rounds of {steps} batches", "schedule": "classroom"}
           if classroom else {}))
    files = {WEIGHTS_FILE: weight_files.weights_writer(rounded_gen)}
    bundle = write_bundle(request, bundle_name(variant), config, files, technique="cgan", variant=variant,
                          reproduces=description, data=data_record, training=training,
                          weights="generator only, float16 (npz, in get_weights order)", metrics=metrics)
    if "label_agreement" in metrics:
        on_progress(1.0, f"cGAN {variant}: label agreement {metrics['label_agreement']:.2%}, FID {metrics['fid']}")
    return bundle


def _fit_data(train_x, train_y, batch_size: int, seed: int, classroom: bool) -> tuple[tuple, dict]:
    """``fit``'s data: for the classroom schedule, rounds of a shuffled endless stream (so the judge reads the
    generator every round); otherwise the arrays, shuffled by Keras each epoch."""
    if not classroom:
        return (train_x, train_y), {"batch_size": batch_size, "shuffle": True}
    stream = tf.data.Dataset.from_tensor_slices((train_x, train_y)).shuffle(len(train_x), seed=seed).repeat()
    # shuffled above; Keras warns otherwise
    return (stream.batch(batch_size, drop_remainder=True).prefetch(2),), {"repeating": True, "shuffle": False}


def _stored_generator(model, config, inference) -> tuple[CGANInference, int]:
    """(the generator as float16 storage gives it back, the most any pixel of the same 100 samples changes)."""
    exact = inference.table(10, PREVIEW_SEED)
    rounded_gen = build_generator(config)
    rounded_gen.set_weights(weight_files.rounded_weights(model.generator.get_weights()))
    rounded = CGANInference(rounded_gen, config)
    return rounded, int(np.abs(exact.astype(np.int16) - rounded.table(10, PREVIEW_SEED)).max())


# --- python -m studio.train cgan ------------------------------------------------------------------------
HELP = "the conditional GANs of lecture 004 (dense) and a cDCGAN (conv)"


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train cgan [--variant V|all] [--epochs E] [--schedule classroom] [--assess-only] ...``."""

    variant: str = option("all", choices=[*VARIANTS, "all"])
    epochs: int | None = option(None, "default: " + ", ".join(f"{e} ({v})" for v, e in DEFAULT_EPOCHS.items())
                                + f"; with --schedule classroom, rounds of {CLASSROOM.round_steps} batches "
                                  f"(default {CLASSROOM.rounds})")
    schedule: str = option("lecture", f"classroom: the conv cGAN in about 2 minutes (batch {CLASSROOM.batch_size}, "
                                      f"Adam({CLASSROOM.learning_rate:g}), the judge every round)", choices=SCHEDULES)
    assess_only: bool = option(False, "no training: judge the saved generator again and rewrite its metrics")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train (or re-assess) every variant the request names, reporting through ``ctx``."""
    variant = request.options.variant
    each = [request.with_options(variant=v) for v in (VARIANTS if variant == "all" else [variant])]
    if request.options.assess_only:
        return [reassess_cgan(one) for one in each]
    quality = QualityService()  # one judge for every variant
    return [train_cgan(one, ctx, quality=quality) for one in each]
