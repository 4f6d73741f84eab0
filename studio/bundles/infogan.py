"""The InfoGAN bundle (lecture 000, section 10.5.1, Fig. 10-11): its settings and how to load it.

Only the generator is shipped (float16 storage would blur nothing a student sees, but the Keras
weights file keeps the loader simple): the tab never needs the discriminator or Q.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio import registry, runtime
from studio.models.infogan import InfoGANConfig

NAME = "infogan"
WEIGHTS_FILE = "generator.weights.h5"
CONFIG = InfoGANConfig()  # the paper's MNIST settings
EPOCHS = 8  # full passes over the 60,000 MNIST training digits
BATCH_SIZE = 64
CODE_RANGE = (-2.0, 2.0)  # Fig. 10-11 moves c2, c3 from -2 to 2: twice the range they were trained on


@dataclass(frozen=True)
class ClassroomPreset:
    """The Train button's quick settings: a few passes over a slice of MNIST at a small batch, so a class
    sees the columns of c1 turn into different digits within minutes (not the paper's quality: that takes
    the full run). Made of the recipe's own options, so the job's command says exactly what it ran."""

    epochs: int = 6  # each pass is one preview frame
    limit: int = 3200  # the first 3,200 training digits: 100 steps a pass at batch 32
    batch_size: int = 32

    def argv(self) -> tuple[str, ...]:
        """The options of ``python -m studio.train infogan`` that make this preset."""
        return ("--epochs", str(self.epochs), "--limit", str(self.limit), "--batch-size", str(self.batch_size))


CLASSROOM = ClassroomPreset()
PRESETS = ("classroom", "lecture")  # the Train button's choices; "lecture": the paper's settings above
REPRODUCES = ("Lecture 000, section 10.5.1, Fig. 10-11: InfoGAN (Chen et al. 2016) on MNIST with a 10-way "
              "categorical code c1 and two continuous codes c2, c3; trained without labels")


def load_inference(bundle: registry.Bundle):
    """The traced generator (``InfoGANInference``) of a saved InfoGAN bundle."""
    runtime.import_tensorflow()
    from studio.models.infogan import InfoGANInference, build_generator

    config = InfoGANConfig(**bundle.config)
    generator = build_generator(config)
    generator.load_weights(bundle.path(WEIGHTS_FILE))
    inference = InfoGANInference(generator, config)
    inference.generate(1, 0)  # trace now, not on a student's first move of a slider
    return inference
