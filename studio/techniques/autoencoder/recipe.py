"""Recipe for the autoencoders: ``python -m studio.train autoencoder --variant z32|z2|denoise|denoise_dense``.

Trains as Program 10-2(a) does (Adam, MSE, batch 128, the test set as validation data) and records
the test MSE in the lecture's terms (the final validation loss; the lecture reports 0.0037 after 5 epochs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging
from studio.bundles import registry
from studio.serving import runtime
from studio.bundles.writer import write_bundle
from studio.media.imaging import to_unit_batch
from studio.serving.lazy_keras import keras
from studio.techniques.autoencoder.model import add_noise, make_autoencoder
from studio.techniques.autoencoder.presets import (
    DEFAULT_EPOCHS,
    VARIANTS,
    WEIGHTS_FILE,
    bundle_name,
)
from studio.training import (
    RunContext,
    RunOptions,
    fit,
    inference_weights_writer,
    training_record,
)
from studio.training.request import TrainingRequest, option

PREVIEW_DIGITS = 8
DENOISE_SEED = 1234  # the fixed noise of the recorded denoising metrics


def train_autoencoder(request: TrainingRequest[Options], ctx: RunContext = RunContext()) -> registry.Bundle:
    """Train one autoencoder variant and save it; ``keep_on_stop`` saves a run stopped halfway too."""
    options, on_progress = request.options, ctx.on_progress
    variant, epochs, batch_size, seed, limit = (options.variant, options.epochs, options.batch_size, options.seed,
                                                options.limit)
    if variant not in VARIANTS:
        raise ValueError(f"Unknown autoencoder variant {variant!r}; choose one of {sorted(VARIANTS)}.")
    config, description = VARIANTS[variant]
    epochs = epochs or DEFAULT_EPOCHS[variant]
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    (x_train, _), (x_test, _) = data.load_mnist()
    if limit is not None:
        x_train, x_test = x_train[:limit], x_test[:max(limit // 5, PREVIEW_DIGITS)]
    train_x, test_x = to_unit_batch(x_train), to_unit_batch(x_test)
    noisy_test = add_noise(x_test, config.noise_factor, DENOISE_SEED)[..., None] if config.noise_factor else test_x
    steps = -(-len(train_x) // batch_size)
    model = make_autoencoder(config)
    model.compile(optimizer=keras.optimizers.Adam())

    def preview() -> np.ndarray:
        # originals (noisy ones for a denoiser) above their reconstructions
        shown = noisy_test[:PREVIEW_DIGITS]
        rows = [np.clip(shown[..., 0], 0, 1), np.clip(model(shown, training=False).numpy()[..., 0], 0, 1)]
        return imaging.grid(imaging.to_uint8(np.concatenate(rows)), cols=PREVIEW_DIGITS, scale=2)

    run = fit(model, train_x, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=ctx.cancel,
              keep_on_stop=ctx.keep_on_stop, on_epoch=ctx.on_epoch, preview=preview, digits=6,
              batch_size=batch_size, shuffle=True, validation_data=(test_x,))
    reconstructed = model.predict(test_x, batch_size=1000, verbose=0)
    denoised = model.predict(noisy_test, batch_size=1000, verbose=0) if config.noise_factor else None

    test_mse = float(np.mean((reconstructed - test_x) ** 2))
    measured = {"test_mse": round(test_mse, 6),
                "test_mse_note": "mean squared error on [0, 1] pixels of the 10,000 test digits, as Keras's val_loss "
                                 "in Program 10-2(a) (lecture: 0.0037 after 5 epochs)"}
    if denoised is not None:
        measured["denoise_mse"] = round(float(np.mean((denoised - test_x) ** 2)), 6)
        measured["noisy_input_mse"] = round(float(np.mean((noisy_test - test_x) ** 2)), 6)
        measured["denoise_note"] = (f"test digits + {config.noise_factor} * N(0, 1) noise (seed {DENOISE_SEED}): MSE "
                                    "of the denoised output vs the clean digit, and of the noisy input itself")
    data_record = {"mnist": data.provenance("mnist", train_images=len(x_train), test_images=len(x_test))}
    training = training_record(run, batch_size=batch_size, seed=seed, optimizer="Adam(1e-3)", loss="MSE")
    files = {WEIGHTS_FILE: inference_weights_writer(model, lambda: make_autoencoder(config))}
    bundle = write_bundle(request, bundle_name(variant), config, files, technique="autoencoder", variant=variant,
                          reproduces=description, data=data_record, training=training, metrics=measured)
    on_progress(1.0, f"{variant}: test MSE {test_mse:.5f}")
    return bundle


# --- python -m studio.train autoencoder -----------------------------------------------------------------
HELP = "autoencoders of Programs 10-2(a), 10-3 and lecture 003"


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train autoencoder [--variant V|all] [--epochs E] [--batch-size B --seed S --limit N]``."""

    variant: str = option("all", choices=[*VARIANTS, "all"])
    epochs: int | None = option(None, "default: " + ", ".join(f"{e} ({v})" for v, e in DEFAULT_EPOCHS.items()))


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train every variant the request names, reporting through ``ctx``."""
    variant = request.options.variant
    return [train_autoencoder(request.with_options(variant=v), ctx)
            for v in (VARIANTS if variant == "all" else [variant])]
