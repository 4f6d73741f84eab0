"""The diffusion bundle (DDPM training, DDIM sampling, classifier-free guidance on MNIST): its
settings and how to load it.

Only the weight-averaged U-Net is shipped: it is what samples; the live weights and Adam's state
are training-only.
"""

from __future__ import annotations

from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.training.schedules import SliceSchedule
from studio.techniques.diffusion.model import (
    DiffusionConfig,
    DiffusionSampler,
    build_unet,
)

NAME = "diffusion"
WEIGHTS_FILE = "unet.weights.h5"
CONFIG = DiffusionConfig()
EPOCHS = 20  # full passes over the 60,000 MNIST training digits
BATCH_SIZE = 128
SAMPLE_STEPS = 20  # DDIM steps of the tab's default grid and of the measurements
# Classifier-free guidance weight w of the tab's default and of the measurements. Chosen on a draw of 1,000
# samples (seed 7) that the recipe's FID does not use: FID 13.44 at w = 1.5, 8.97 at 1.75, 10.76 at 2.0 (and
# on the recipe's own draw, seed 2024: 13.36, 10.71, 14.20); too little guidance leaves half-formed digits,
# too much over-inks them (w = 3: 44.7).
GUIDANCE = 1.75
MAX_STEPS = 50
MAX_GUIDANCE = 6.0
REPRODUCES = ("Beyond the lectures: a denoising diffusion model (Ho et al. 2020, DDPM objective) sampled with DDIM "
              "(Song et al. 2021), cosine noise schedule (Nichol & Dhariwal 2021), classifier-free guidance (Ho & "
              "Salimans 2022), on MNIST")


# The Train button's quick settings: the first 6,400 training digits (100 steps a pass at batch 64), four
# passes, a preview after each: strokes appear out of the noise.
CLASSROOM = SliceSchedule(epochs=4, limit=6400, batch_size=64)


def load_inference(bundle: registry.Bundle):
    """The traced DDIM sampler (``DiffusionSampler``) of a saved diffusion bundle."""
    runtime.import_tensorflow()

    network, config = weight_files.built_from(bundle, DiffusionConfig, build_unet, WEIGHTS_FILE)
    sampler = DiffusionSampler(network, config, jit_compile=True)
    sampler.generate(1, 0, steps=1)  # trace now, not on a student's first click
    return sampler
