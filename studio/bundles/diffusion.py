"""The diffusion bundle (DDPM training, DDIM sampling, classifier-free guidance on MNIST): its
settings and how to load it.

Only the weight-averaged U-Net is shipped: it is what samples; the live weights and Adam's state
are training-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio import registry, runtime
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


@dataclass(frozen=True)
class ClassroomPreset:
    """The Train button's quick settings: a few passes over a slice of MNIST at a smaller batch, with a
    preview after each, so a class watches noise turn into strokes within minutes. Made of the
    recipe's own options, so the job's command says exactly what it ran."""

    epochs: int = 4
    limit: int = 6400  # the first 6,400 training digits: 100 steps a pass at batch 64
    batch_size: int = 64

    def argv(self) -> tuple[str, ...]:
        """The options of ``python -m studio.train diffusion`` that make this preset."""
        return ("--epochs", str(self.epochs), "--limit", str(self.limit), "--batch-size", str(self.batch_size))


CLASSROOM = ClassroomPreset()
PRESETS = ("classroom", "lecture")  # the Train button's choices; "lecture": the full settings above


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
