"""Training schedules of the Train button: "lecture" (the recipe's full settings) or "classroom" (a few
minutes, made of the recipe's own options). A technique's "presets" are its saved configurations and
bundles; a schedule is only how long and on how much a Train click trains."""

from __future__ import annotations

from dataclasses import dataclass

SCHEDULES = ("classroom", "lecture")  # the Train button's choices; "lecture": the recipe's full settings


@dataclass(frozen=True)
class SliceSchedule:
    """A few passes over the first ``limit`` training images at a smaller batch, with a preview after
    each pass, so a class watches a model take shape within minutes. Made of the recipe's own
    options, so the job's command says exactly what it ran."""

    epochs: int
    limit: int
    batch_size: int

    def options(self) -> dict:
        """The options of the recipe's ``TrainingRequest`` (``python -m studio.train NAME``) that make this schedule."""
        return {"epochs": self.epochs, "limit": self.limit, "batch_size": self.batch_size}
