"""Recipe for the diffusion model: ``python -m studio.train diffusion [--epochs 20]``.

Trains the U-Net on the 60,000 MNIST training digits with the DDPM objective (and their labels, for
classifier-free guidance), then measures its weight average in the judge's features
(``metrics`` of metadata.json):

- ``fid`` / ``fid_real_floor``: 1,000 guided samples (100 per digit, DDIM with ``SAMPLE_STEPS``
  steps, guidance ``GUIDANCE``) against the MNIST test set; ``label_agreement``: the share the judge
  reads as the digit asked for;
- ``fid_unconditional``, ``unconditional_class_shares``, ``smallest_unconditional_share``: 1,000
  samples without a label, so "every digit present" is the model's own choice, not the label's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging
from studio.bundles import registry
from studio.serving import runtime
from studio.bundles.writer import write_bundle
from studio.serving.lazy_keras import keras
from studio.judge.quality import QualityService
from studio.training.recipe_kit import EpochOptions, EpochRecipe
from studio.techniques.diffusion.model import (
    DiffusionConfig,
    DiffusionSampler,
    build_unet,
    make_diffusion,
)
from studio.techniques.diffusion.presets import (
    BATCH_SIZE,
    CONFIG,
    EPOCHS,
    GUIDANCE,
    NAME,
    REPRODUCES,
    SAMPLE_STEPS,
    WEIGHTS_FILE,
    load_inference,
)
from studio.training import (
    RunContext,
    fit,
    inference_weights_writer,
    training_record,
)
from studio.training.request import TrainingRequest, option

EVAL_SEED = 2024
SECOND_DRAW_SEED = 7  # a second guided draw: FID of 1,000 samples moves by about 2 from draw to draw
EVAL_PER_DIGIT = 100  # guided samples per digit for the FID and agreement (1,000 in all)
EVAL_UNCONDITIONAL = 1000
PREVIEW_SEED = 1234


def unit_images(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [-1, 1]."""
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def measure(sampler, judge, seed: int = EVAL_SEED) -> dict:
    """The judge's readings of ``sampler`` (a ``DiffusionSampler``): guided per-digit samples and, for a
    conditional model, samples without a label."""
    config = sampler.config
    measured: dict = {"judge_dataset": "mnist", "ddim_steps": SAMPLE_STEPS}
    if config.conditional:
        labels = np.repeat(np.arange(config.classes), EVAL_PER_DIGIT).astype(np.int32)
        images = sampler.generate(len(labels), seed, SAMPLE_STEPS, labels, GUIDANCE)
        report = judge.assess("mnist", images)
        measured |= {"guidance": GUIDANCE, "samples": int(len(images)),
                     "label_agreement": round(float(np.mean(report.judged == labels)), 4),
                     "agreement_per_digit": [round(float(np.mean(report.judged[labels == k] == k)), 4)
                                             for k in range(config.classes)],
                     "fid": round(float(report.fid), 2),
                     "fid_real_floor": None if report.fid_floor is None else round(float(report.fid_floor), 2)}
        second = judge.assess("mnist", sampler.generate(len(labels), SECOND_DRAW_SEED, SAMPLE_STEPS, labels, GUIDANCE))
        measured["fid_second_draw"] = round(float(second.fid), 2)
    unconditional = judge.assess("mnist", sampler.generate(EVAL_UNCONDITIONAL, seed + 1, SAMPLE_STEPS))
    shares = [round(float(s), 4) for s in unconditional.coverage.shares]
    key = "fid_unconditional" if config.conditional else "fid"
    measured |= {key: round(float(unconditional.fid), 2), "unconditional_class_shares": shares,
                 "smallest_unconditional_share": min(shares)}
    measured.setdefault("fid_real_floor", None if unconditional.fid_floor is None
                        else round(float(unconditional.fid_floor), 2))
    measured["note"] = (f"FID in the MNIST judge's features (not Inception FID) against the test set; the floor is "
                        f"real training images against it. {EVAL_PER_DIGIT} guided samples per digit (DDIM "
                        f"{SAMPLE_STEPS} steps, w = {GUIDANCE:g}) for fid and label_agreement (seed {seed}; "
                        f"fid_second_draw: seed {SECOND_DRAW_SEED}); "
                        f"{EVAL_UNCONDITIONAL} samples without a label for the unconditional readings")
    return measured


def train_diffusion(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *, judge: bool = True,
                    config: DiffusionConfig | None = None) -> registry.Bundle:
    """Train the diffusion U-Net on MNIST, measure its weight average and save it.

    ``judge`` False skips the judge's readings (tests without judge weights); ``config`` overrides the
    network (tests use tiny ones).
    """
    options, on_progress = request.options, ctx.on_progress
    epochs, batch_size, seed, limit = options.epochs, options.batch_size, options.seed, options.limit
    config = config or CONFIG
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    (x_train, y_train), _ = data.load_mnist()
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    model = make_diffusion(config)
    sampler = DiffusionSampler(model.average, config)  # samples with the average as it is at each call
    preview_labels = np.arange(10) % max(config.classes, 1) if config.conditional else None

    def preview() -> np.ndarray:  # the same noise every epoch, one sample per digit
        images = sampler.generate(10, PREVIEW_SEED, SAMPLE_STEPS, preview_labels, GUIDANCE)
        return imaging.grid(images, cols=10, scale=2)

    def describe(epoch, logs):
        return f"diffusion · epoch {epoch + 1}/{epochs} · noise-prediction loss {logs.get('loss', float('nan')):.4f}"

    steps = -(-len(x_train) // batch_size)
    run = fit(model, unit_images(x_train), y_train.astype(np.int32), epochs=epochs, steps_per_epoch=steps,
              on_progress=on_progress, cancel=ctx.cancel, keep_on_stop=ctx.keep_on_stop, describe=describe,
              on_epoch=ctx.on_epoch, preview=preview, batch_size=batch_size, shuffle=True, digits=5)
    measured = {}
    if judge:
        on_progress(1.0, "diffusion: the judge reads 2,000 samples")
        measured = measure(sampler, QualityService())
    data_record = {"mnist": data.provenance("mnist", train_images=len(x_train), labels_used=config.conditional)}
    training = training_record(
        run, batch_size=batch_size, seed=seed, optimizer=f"Adam({config.learning_rate:g}, global_clipnorm=1)",
        loss="mean squared error of the predicted noise (DDPM), t ~ U(0, 1), cosine schedule",
        weight_average=f"EMA {config.ema:g}" + (" with warm-up min(ema, (1 + n) / (10 + n))"
                                                  if config.ema_warmup else ""),
        parameters=int(model.network.count_params()))
    files = {WEIGHTS_FILE: inference_weights_writer(model.average, lambda: build_unet(config))}
    bundle = write_bundle(request, NAME, config, files, technique="diffusion", reproduces=REPRODUCES,
                          data=data_record, training=training, metrics=measured)
    if "fid" in measured:
        on_progress(1.0, f"diffusion: FID {measured['fid']:.1f} (real images {measured['fid_real_floor']})")
    return bundle


# --- python -m studio.train diffusion -------------------------------------------------------------------
HELP = "a denoising diffusion model on MNIST (DDPM training, DDIM sampling, classifier-free guidance)"


@dataclass(frozen=True)
class Options(EpochOptions):
    """``python -m studio.train diffusion [--epochs E] [--assess-only] [--batch-size B --seed S --limit N]``."""

    epochs: int = option(EPOCHS, f"passes over the 60,000 training digits (default: {EPOCHS})")
    batch_size: int = option(BATCH_SIZE, f"default: {BATCH_SIZE}")


COMMAND = EpochRecipe(NAME, train=train_diffusion,
                      measure=lambda bundle, quality: measure(load_inference(bundle), quality))
run, assess_saved = COMMAND.run, COMMAND.assess_saved
