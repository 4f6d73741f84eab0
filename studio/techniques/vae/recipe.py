"""Recipe for the VAE: ``python -m studio.train vae [--epochs 30]``.

As the book's section 12.4 (Adam, batch 128, 30 epochs), but trained on the 60,000 training digits
only, so the 10,000 test digits give an honest test-set loss (the book trains on all 70,000 and
reports the training loss, about 146.7).
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
from studio.techniques.vae.model import (
    VAEConfig,
    VAEInference,
    grid_coordinates,
    grid_points,
    make_vae,
)
from studio.techniques.vae.presets import DEFAULT_EPOCHS, NAME, WEIGHTS_FILE
from studio.training import (
    RunContext,
    RunOptions,
    fit,
    inference_weights_writer,
    training_record,
)
from studio.training.request import TrainingRequest, option

PREVIEW_GRID = 10  # a 10 x 10 decoded grid over the prior's quantiles, every epoch


def train_vae(request: TrainingRequest[Options], ctx: RunContext = RunContext()) -> registry.Bundle:
    """Train the VAE, measure its test loss, save it; ``keep_on_stop`` saves a stopped run too.

    ``cosine`` decays Adam's learning rate from 1e-3 to 1e-5 along a cosine over the run instead of
    the book's constant 1e-3: the last epochs then settle instead of hopping around the minimum.
    """
    options, on_progress = request.options, ctx.on_progress
    epochs, batch_size, seed, limit = options.epochs, options.batch_size, options.seed, options.limit
    cosine = options.cosine
    epochs = epochs or DEFAULT_EPOCHS
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    (x_train, _), (x_test, _) = data.load_mnist()
    if limit is not None:
        x_train, x_test = x_train[:limit], x_test[:max(limit // 5, 10)]
    train_x, test_x = to_unit_batch(x_train), to_unit_batch(x_test)
    config = VAEConfig()
    steps = -(-len(train_x) // batch_size)
    model = make_vae(config, seed=seed)
    rate = (keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=epochs * steps, alpha=0.01)
            if cosine else 1e-3)
    model.compile(optimizer=keras.optimizers.Adam(rate))
    points = grid_points(*grid_coordinates(PREVIEW_GRID, quantiles=True))

    def preview() -> np.ndarray:
        images = VAEInference(model).decode(points)
        return imaging.grid(images, cols=PREVIEW_GRID, pad=0)

    describe = lambda epoch, logs: (f"VAE · epoch {epoch + 1}/{epochs} · "  # noqa: E731
                                    f"loss {logs.get('total_loss', float('nan')):.2f}"
                                    + (f" · test {logs['val_total_loss']:.2f}" if "val_total_loss" in logs else ""))
    run = fit(model, train_x, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=ctx.cancel,
              keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=ctx.on_epoch, preview=preview,
              batch_size=batch_size, shuffle=True, validation_data=(test_x,))
    keras.utils.set_random_seed(seed + 1)  # a fixed draw of eps for the recorded test loss
    test = model.evaluate(test_x, batch_size=1000, verbose=0, return_dict=True)

    metrics = {"test_total_loss": round(float(test["total_loss"]), 3),
               "test_reconstruction_loss": round(float(test["reconstruction_loss"]), 3),
               "test_kl_loss": round(float(test["kl_loss"]), 3),
               "note": "per test image: summed binary cross-entropy over 784 pixels + KL to N(0, I), with one "
                       "sampled z per image (the book reports about 146.7 as its training loss on 70,000 digits)"}
    data_record = {"mnist": data.provenance("mnist", train_images=len(x_train), test_images=len(x_test))}
    training = training_record(
        run, batch_size=batch_size, seed=seed,
        optimizer="Adam(CosineDecay(1e-3 -> 1e-5))" if cosine else "Adam(1e-3), as the book")
    files = {WEIGHTS_FILE: inference_weights_writer(model, lambda: make_vae(config))}
    bundle = write_bundle(request, NAME, config, files, technique="vae",
                          reproduces="Keras book (Chollet, 2nd ed.) section 12.4, codes 12-24 to 12-29: VAE with a "
                                     "2-D latent space",
                          data=data_record, training=training, metrics=metrics)
    on_progress(1.0, f"VAE: test loss {metrics['test_total_loss']:.2f}")
    return bundle


# --- python -m studio.train vae -------------------------------------------------------------------------
HELP = "the VAE of the Keras book, section 12.4"


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train vae [--epochs E] [--cosine] [--batch-size B --seed S --limit N]``."""

    epochs: int | None = option(None, f"default: {DEFAULT_EPOCHS}, as the book")
    cosine: bool = option(False, "decay the learning rate 1e-3 -> 1e-5 (the book keeps 1e-3)")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train as ``request`` says, reporting through ``ctx``."""
    return [train_vae(request, ctx)]
