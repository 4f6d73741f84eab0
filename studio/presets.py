"""Quick Train-button settings made of a recipe's own options (the InfoGAN and diffusion presets)."""

from __future__ import annotations

from dataclasses import dataclass

PRESETS = ("classroom", "lecture")  # the Train button's choices; "lecture": the recipe's full settings


@dataclass(frozen=True)
class SlicePreset:
    """A few passes over the first ``limit`` training images at a smaller batch, with a preview after
    each pass, so a class watches a model take shape within minutes. Made of the recipe's own
    options, so the job's command says exactly what it ran."""

    epochs: int
    limit: int
    batch_size: int

    def options(self) -> dict:
        """The options of the recipe's ``TrainingRequest`` (``python -m studio.train NAME``) that make this preset."""
        return {"epochs": self.epochs, "limit": self.limit, "batch_size": self.batch_size}
