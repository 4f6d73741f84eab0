"""The diffusion bundle (DDPM training, DDIM sampling, classifier-free guidance on MNIST): its
settings and how to load it.

Only the weight-averaged U-Net is shipped: it is what samples; the live weights and Adam's state
are training-only.
"""

from __future__ import annotations

from studio import registry, runtime
from studio.bundles.presets import SlicePreset
from studio.models.diffusion import DiffusionConfig

NAME = "diffusion"
WEIGHTS_FILE = "unet.weights.h5"
CONFIG = DiffusionConfig()
EPOCHS = 20  # full passes over the 60,000 MNIST training digits
BATCH_SIZE = 128
SAMPLE_STEPS = 20  # DDIM steps of the tab's default grid and of the measurements
GUIDANCE = 2.0  # classifier-free guidance weight w of the tab's default and of the measurements
MAX_STEPS = 50
MAX_GUIDANCE = 6.0
REPRODUCES = ("Beyond the lectures: a denoising diffusion model (Ho et al. 2020, DDPM objective) sampled with DDIM "
              "(Song et al. 2021), cosine noise schedule (Nichol & Dhariwal 2021), classifier-free guidance (Ho & "
              "Salimans 2022), on MNIST")


# The Train button's quick settings: the first 6,400 training digits (100 steps a pass at batch 64), four
# passes, a preview after each: strokes appear out of the noise.
CLASSROOM = SlicePreset(epochs=4, limit=6400, batch_size=64)


def load_inference(bundle: registry.Bundle):
    """The traced DDIM sampler (``DiffusionSampler``) of a saved diffusion bundle."""
    runtime.import_tensorflow()
    from studio.models.diffusion import DiffusionSampler, build_unet

    config = DiffusionConfig(**bundle.config)
    network = build_unet(config)
    network.load_weights(bundle.path(WEIGHTS_FILE))
    sampler = DiffusionSampler(network, config)
    sampler.generate(1, 0, steps=1)  # trace now, not on a student's first click
    return sampler
