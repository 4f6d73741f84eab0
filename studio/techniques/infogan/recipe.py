"""Recipe for InfoGAN: ``python -m studio.train infogan [--epochs 8]``.

Trains the paper's MNIST InfoGAN on the 60,000 training digits without their labels, then measures
what its codes came to mean (``metrics`` of metadata.json):

- ``category_agreement``: the judge reads samples of each c1 value; after the best one-to-one naming
  of c1 values as digits (Hungarian matching), the share it reads as the matched digit (target >= 0.9);
  ``c1_matched_digits`` records the naming.
- ``slant_monotonic`` / ``thickness_monotonic``: for random noise vectors and c1 values, the share whose
  slant (second moments of ink) resp. ink mass changes monotonically, in the common direction, as a
  continuous code moves from -2 to 2 (target >= 0.9 each). Which code became slant and which thickness
  is not chosen in advance: the pairing (c2/c3 -> slant/thickness) that scores best is recorded.
- ``fid`` and ``fid_real_floor`` in the judge's features, as for the other GANs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging
from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.bundles.writer import write_bundle
from studio.serving.lazy_keras import keras
from studio.judge.quality import QualityService
from studio.training.recipe_kit import EpochOptions, EpochRecipe
from studio.techniques.infogan import measures
from studio.techniques.infogan.model import (
    InfoGANConfig,
    InfoGANInference,
    build_generator,
    make_infogan,
    sample_codes,
)
from studio.techniques.infogan.presets import (
    BATCH_SIZE,
    CODE_RANGE,
    CONFIG,
    EPOCHS,
    INT8_FROM,
    NAME,
    REPRODUCES,
    WEIGHTS_FILE,
    load_inference,
)
from studio.training import (
    RunContext,
    fit,
    training_record,
)
from studio.training.request import TrainingRequest, option

EVAL_SEED = 0
EVAL_PER_CODE = 100  # samples per c1 value for the category agreement and the FID (1,000 in all)
MONOTONIC_VECTORS = 200  # noise vectors (with random c1) for the slant and thickness checks
MONOTONIC_STEPS = 5  # values of a continuous code from -2 to 2
PREVIEW_SEED = 1234


def unit_images(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [-1, 1]."""
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def code_meanings(inference, judge=None, seed: int = EVAL_SEED) -> dict:
    """What the codes of ``inference`` (an ``InfoGANInference``) mean, measured; ``judge`` a
    QualityService for the category agreement and FID (skipped when None)."""
    config = inference.config
    rng = np.random.default_rng(seed)
    measured: dict = {}
    if judge is not None:
        categories = np.repeat(np.arange(config.categories), EVAL_PER_CODE)
        noise = rng.standard_normal((len(categories), config.noise_dim)).astype(np.float32)
        continuous = rng.uniform(-1, 1, (len(categories), config.continuous)).astype(np.float32)
        images = inference.decode(noise, categories, continuous)
        report = judge.assess("mnist", images)
        agreement, matched = measures.matched_agreement(categories, report.judged)
        measured |= {"category_agreement": round(agreement, 4), "c1_matched_digits": matched.tolist(),
                     "fid": round(float(report.fid), 2),
                     "fid_real_floor": None if report.fid_floor is None else round(float(report.fid_floor), 2),
                     "judge_dataset": "mnist", "samples": int(len(images))}
    if config.continuous >= 1:
        values = np.linspace(*CODE_RANGE, MONOTONIC_STEPS).astype(np.float32)
        noise = rng.standard_normal((MONOTONIC_VECTORS, config.noise_dim)).astype(np.float32)
        categories = rng.integers(0, config.categories, MONOTONIC_VECTORS)
        shares = {}
        for code in range(config.continuous):
            sweep = np.zeros((MONOTONIC_VECTORS, MONOTONIC_STEPS, config.continuous), np.float32)
            sweep[:, :, code] = values
            images = inference.decode(np.repeat(noise, MONOTONIC_STEPS, 0), np.repeat(categories, MONOTONIC_STEPS),
                                      sweep.reshape(-1, config.continuous))
            images = images.reshape(MONOTONIC_VECTORS, MONOTONIC_STEPS, 28, 28)
            shares[code] = {
                "slant": measures.monotonic_share(measures.ink_slant(images.reshape(-1, 28, 28)).reshape(
                    MONOTONIC_VECTORS, MONOTONIC_STEPS)),
                "thickness": measures.monotonic_share(measures.ink_mass(images.reshape(-1, 28, 28)).reshape(
                    MONOTONIC_VECTORS, MONOTONIC_STEPS))}
        # Which code is which is the model's choice: pick the pairing that scores best.
        slant_code = max(range(config.continuous), key=lambda c: shares[c]["slant"] + (
            max(shares[o]["thickness"] for o in range(config.continuous) if o != c) if config.continuous > 1 else 0))
        others = [c for c in range(config.continuous) if c != slant_code]
        measured["slant_code"] = f"c{slant_code + 2}"
        measured["slant_monotonic"] = round(shares[slant_code]["slant"], 4)
        if others:
            thick_code = max(others, key=lambda c: shares[c]["thickness"])
            measured["thickness_code"] = f"c{thick_code + 2}"
            measured["thickness_monotonic"] = round(shares[thick_code]["thickness"], 4)
        measured["monotonic_by_code"] = {f"c{c + 2}": {k: round(v, 4) for k, v in s.items()} for c, s in shares.items()}
    measured["note"] = (f"category agreement and FID: {EVAL_PER_CODE} samples per c1 value read by the MNIST judge, "
                        f"c1 values matched one-to-one to digits (Hungarian); monotonic shares: {MONOTONIC_VECTORS} "
                        f"noise vectors, each continuous code at {MONOTONIC_STEPS} values from {CODE_RANGE[0]:g} to "
                        f"{CODE_RANGE[1]:g}, slant from second moments of ink, thickness as ink mass")
    return measured


def storage_change(inference, build_generator, samples: int = 200, seed: int = 7) -> int:
    """The largest change, in grey levels (0-255), that the compact storage makes to ``samples`` fixed
    samples of ``inference``'s generator."""
    codes = sample_codes(inference.config, samples, seed)
    stored = build_generator(inference.config)
    stored.set_weights(weight_files.rounded_weights(inference.generator.get_weights(), INT8_FROM))
    before = inference.decode(*codes).astype(int)
    return int(np.abs(InfoGANInference(stored, inference.config).decode(*codes).astype(int) - before).max())


def train_infogan(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *, judge: bool = True,
                  config: InfoGANConfig | None = None) -> registry.Bundle:
    """Train InfoGAN on MNIST (labels unused), measure its codes and save its generator.

    ``judge`` False skips the judge's readings (tests without judge weights); ``config`` overrides the
    paper's networks (tests use tiny ones).
    """
    options, on_progress = request.options, ctx.on_progress
    epochs, batch_size, seed, limit = options.epochs, options.batch_size, options.seed, options.limit
    config = config or CONFIG
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    (x_train, _), _ = data.load_mnist()  # the labels stay unused: nobody tells InfoGAN what a digit is
    if limit is not None:
        x_train = x_train[:limit]
    model = make_infogan(config)
    inference = InfoGANInference(model.generator, config)
    preview_noise = sample_codes(config, 1, PREVIEW_SEED)[0]

    def preview() -> np.ndarray:  # one noise vector, every c1 value: the columns become the digits
        images = inference.decode(np.repeat(preview_noise, config.categories, 0), np.arange(config.categories), 0.0)
        return imaging.grid(images, cols=config.categories, scale=2)

    def describe(epoch, logs):
        return (f"InfoGAN · epoch {epoch + 1}/{epochs} · D {logs.get('d_loss', float('nan')):.3f} · "
                f"G {logs.get('g_loss', float('nan')):.3f} · information {logs.get('info_loss', float('nan')):.3f} · "
                f"Q reads c1 {logs.get('q_accuracy', float('nan')):.0%}")

    steps = -(-len(x_train) // batch_size)
    run = fit(model, unit_images(x_train), epochs=epochs, steps_per_epoch=steps, on_progress=on_progress,
              cancel=ctx.cancel, keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=ctx.on_epoch,
              preview=preview,
              batch_size=batch_size, shuffle=True)
    quality = None
    if judge:
        on_progress(1.0, "InfoGAN: measuring what its codes mean")
        quality = QualityService()
    measured = code_meanings(inference, quality)
    data_record = {"mnist": data.provenance("mnist", train_images=len(x_train), labels_used=False)}
    training = training_record(
        run, batch_size=batch_size, seed=seed,
        optimizer=f"Adam({config.d_learning_rate:g}, beta_1={config.beta_1:g}) for D and Q, "
                  f"Adam({config.g_learning_rate:g}, beta_1={config.beta_1:g}) for G",
        loss=f"GAN cross-entropy + {config.info_weight:g} x (c1 cross-entropy + unit-variance Gaussian NLL "
             f"of c2, c3)")
    measured["storage_max_pixel_change"] = storage_change(inference, build_generator)
    files = {WEIGHTS_FILE: weight_files.weights_writer(model.generator, INT8_FROM)}
    bundle = write_bundle(request, NAME, config, files, technique="infogan", reproduces=REPRODUCES,
                          data=data_record, training=training, metrics=measured)
    if "category_agreement" in measured:
        on_progress(1.0, f"InfoGAN: c1 agrees with the judge on {measured['category_agreement']:.1%} of samples, "
                         f"FID {measured['fid']:.1f}")
    return bundle


# --- python -m studio.train infogan ---------------------------------------------------------------------
HELP = "InfoGAN's interpretable codes on MNIST (lecture 000, Fig. 10-11)"


@dataclass(frozen=True)
class Options(EpochOptions):
    """``python -m studio.train infogan [--epochs E] [--assess-only] [--batch-size B --seed S --limit N]``."""

    epochs: int = option(EPOCHS, f"passes over the 60,000 training digits (default: {EPOCHS})")
    batch_size: int = option(BATCH_SIZE, f"default: {BATCH_SIZE}")


COMMAND = EpochRecipe(NAME, train=train_infogan,
                      measure=lambda bundle, quality: code_meanings(load_inference(bundle), quality))
run, assess_saved = COMMAND.run, COMMAND.assess_saved
