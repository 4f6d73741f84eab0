"""A generator's weight average (EMA) and BatchNorm statistics re-estimated for it ("precise BN").

A GAN generator's weights jitter from step to step; the exponential moving average of its weights
(Keras's ``Adam(use_ema=True)``) draws the same pictures without the jitter. The average was never
run itself, so BatchNorm's moving statistics do not belong to it: ``recompute_batchnorm`` replaces
them with statistics of the final weights. Shared by Pix2Pix and the unconditional GANs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.serving.lazy_keras import layers

# At most this many batches in any re-estimate (None: as many as asked). A real run's are its statistics;
# the tests of whole recipes on a few examples set 2 (tests/conftest.py ``quick_precise_bn``), since 100
# passes of a 64 x 64 U-Net over the same 32 edge maps take half a minute of a 2-core CPU.
MAX_BATCHES: int | None = None


def recompute_batchnorm(generator, inputs: np.ndarray, batches: int = 100, batch_size: int = 256,
                        seed: int = 0) -> None:
    """Re-estimate every BatchNorm's moving mean and variance for the generator's current weights.

    During training the moving statistics trail weights that keep changing (and EMA weights were
    never run at all), so inference-mode BatchNorm normalises with stale numbers. Running
    ``batches`` random batches of ``inputs`` (the generator's training inputs: edge maps, noise) in
    training mode with a fast momentum (0.9) replaces them with those of the current weights. Only
    the BatchNorm statistics change.
    """
    norms = [layer for layer in generator.layers if isinstance(layer, layers.BatchNormalization)]
    if not norms:
        return
    saved = [layer.momentum for layer in norms]
    for layer in norms:
        layer.momentum = 0.9  # 0.9^100: the first batch's weight in the estimate is negligible
    rng = np.random.default_rng(seed)
    try:
        for _ in range(batches if MAX_BATCHES is None else min(batches, MAX_BATCHES)):
            generator(inputs[rng.choice(len(inputs), min(batch_size, len(inputs)), replace=False)], training=True)
    finally:
        for layer, momentum in zip(norms, saved):
            layer.momentum = momentum


def averaged_twin(generator, optimizer, rebuild: Callable[[], object], inputs: np.ndarray, batches: int = 30):
    """A fresh copy of ``generator`` holding ``optimizer``'s weight average, with precise BatchNorm.

    Training goes on with the live weights untouched: the average is swapped in only for the copy.
    An optimizer without ``use_ema`` gives a plain copy (still with re-estimated statistics).
    """
    twin = rebuild()
    if getattr(optimizer, "use_ema", False):
        live = [v.numpy() for v in generator.trainable_variables]
        optimizer.finalize_variable_values(generator.trainable_variables)
        try:
            twin.set_weights(generator.get_weights())
        finally:
            for variable, value in zip(generator.trainable_variables, live):
                variable.assign(value)
    else:
        twin.set_weights(generator.get_weights())
    recompute_batchnorm(twin, inputs, batches=batches)
    return twin
