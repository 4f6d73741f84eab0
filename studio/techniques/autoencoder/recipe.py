"""Recipe for the autoencoders: ``python -m studio.train autoencoder --variant z32|z2|denoise|denoise_dense``.

Trains as Program 10-2(a) does (Adam, MSE, batch 128, the test set as validation data) and records
the test MSE in the lecture's terms (the final validation loss; the lecture reports 0.0037 after 5 epochs).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from studio import data, imaging, registry, runtime
from studio.imaging import to_unit_batch
from studio.techniques.autoencoder.model import add_noise, make_autoencoder
from studio.techniques.autoencoder.presets import (
    DEFAULT_EPOCHS,
    VARIANTS,
    WEIGHTS_FILE,
    bundle_name,
)
from studio.training import (
    CancelToken,
    EpochFn,
    ProgressFn,
    add_run_arguments,
    fit,
    inference_weights_writer,
    no_progress,
    training_record,
)

PREVIEW_DIGITS = 8
DENOISE_SEED = 1234  # the fixed noise of the recorded denoising metrics


def train_autoencoder(variant: str = "z32", epochs: int | None = None, batch_size: int = 128, seed: int = 0,
                      limit: int | None = None, source: str = registry.SHIPPED,
                      on_progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                      on_epoch: EpochFn | None = None, keep_on_stop: bool = False) -> registry.Bundle:
    """Train one autoencoder variant and save it; ``keep_on_stop`` saves a run stopped halfway too."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown autoencoder variant {variant!r}; choose one of {sorted(VARIANTS)}.")
    cancel = cancel or CancelToken()
    config, description = VARIANTS[variant]
    epochs = epochs or DEFAULT_EPOCHS[variant]
    runtime.import_tensorflow()
    import keras

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

    run = fit(model, train_x, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=cancel,
              keep_on_stop=keep_on_stop, on_epoch=on_epoch, preview=preview, digits=6,
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
    metadata = {
        "technique": "autoencoder",
        "variant": variant,
        "reproduces": description,
        "command": f"python -m studio.train autoencoder --variant {variant} --epochs {epochs} --seed {seed}"
                   + (f" --limit {limit}" if limit else ""),
        "data": {"mnist": {"description": data.DESCRIPTIONS["mnist"], "loaded_from": data.dataset_source("mnist"),
                           "train_images": len(x_train), "test_images": len(x_test)}},
        "training": training_record(run, batch_size=batch_size, seed=seed, optimizer="Adam(1e-3)", loss="MSE"),
        "metrics": measured,
    }
    files = {WEIGHTS_FILE: inference_weights_writer(model, lambda: make_autoencoder(config))}
    bundle = registry.save(bundle_name(variant), dataclasses.asdict(config), files, metadata, source=source)
    on_progress(1.0, f"{variant}: test MSE {test_mse:.5f}")
    return bundle


# --- python -m studio.train autoencoder -----------------------------------------------------------------
HELP = "autoencoders of Programs 10-2(a), 10-3 and lecture 003"


def add_arguments(parser) -> None:
    """This recipe's options of ``python -m studio.train autoencoder``."""
    parser.add_argument("--variant", choices=[*VARIANTS, "all"], default="all")
    parser.add_argument("--epochs", type=int, default=None,
                        help="default: " + ", ".join(f"{e} ({v})" for v, e in DEFAULT_EPOCHS.items()))
    add_run_arguments(parser, 128, "images")


def run(args, ctx) -> list[registry.Bundle]:
    """Train as the parsed ``args`` say, reporting through ``ctx`` (a ``train.RunContext``)."""
    variants = list(VARIANTS) if args.variant == "all" else [args.variant]
    return [train_autoencoder(v, args.epochs, args.batch_size, args.seed, args.limit, ctx.source, ctx.on_progress,
                              ctx.cancel, ctx.on_epoch, ctx.keep_on_stop) for v in variants]
