"""The conditional GAN bundles of lecture 004 (dense) and the cDCGAN (conv): presets and file format.

Only the generator is shipped, as float16 weights (``weight_files``): the tab never
needs the discriminator, and retraining starts from scratch.
"""

from __future__ import annotations

import dataclasses

from studio.bundles import weight_files
from studio.techniques.cgan.model import CGANConfig, build_generator

VARIANTS = {
    "dense": (CGANConfig("dense"), "Lecture 004: GeneratorCGAN / DiscriminatorCGAN (dense, Maxout), Adam(1e-4)"),
    "conv": (CGANConfig("conv", learning_rate=2e-4, beta_1=0.5, aux_weight=1.0),
             "A small convolutional cGAN (cDCGAN, not in the lecture), with the lecture's losses, DCGAN's "
             "Adam(2e-4, beta_1 0.5) and an auxiliary classifier in D (AC-GAN, Odena et al. 2017)"),
}
# dense: the lecture's settings need about 150 epochs to reach 95% label agreement (shipped: 250)
DEFAULT_EPOCHS = {"dense": 250, "conv": 15}
WEIGHTS_FILE = "generator.weights.npz"


@dataclasses.dataclass(frozen=True)
class ClassroomSchedule:
    """The Train button's quick settings for the conv cGAN: a class sees 90% label agreement in about
    1.5 minutes on a 2-core CPU (measured: ``benchmarks/time_to_quality.py``).

    Batch 64 and Adam(5e-4) instead of 128 and 2e-4: more, larger steps a second; the judge reads the
    generator after every round of ``round_steps`` batches instead of every 469-batch epoch.
    """

    batch_size: int = 64
    learning_rate: float = 5e-4
    round_steps: int = 150
    rounds: int = 14


CLASSROOM = ClassroomSchedule()
NOISE_SCALE = 1.0  # the tab samples z ~ N(0, I), as in training (see assess_generator's two readings)


def bundle_name(variant: str) -> str:
    """The registry name of a variant, e.g. ``cgan_conv``."""
    return f"cgan_{variant}"


def load_generator(config: CGANConfig, path) -> object:
    """The generator of ``config`` with the float16 weights of ``path`` (as float32)."""
    generator = build_generator(config)
    weight_files.load_weights(generator, path)
    return generator
