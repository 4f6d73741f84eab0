"""The command line of a recipe trained in epochs (InfoGAN, diffusion): its options, how it runs, and
``--assess-only``, which measures the saved bundle again instead of training."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio.bundles import registry
from studio.bundles.writer import rewrite_metrics
from studio.judge.quality import QualityService
from studio.training import RunContext, RunOptions
from studio.training.request import TrainingRequest, option

ASSESS_HELP = "measure the saved bundle again with today's metrics instead of training"


@dataclass(frozen=True)
class EpochOptions(RunOptions):
    """``python -m studio.train NAME [--epochs E] [--assess-only] [--batch-size B --seed S --limit N]``;
    a recipe's ``Options`` derive from it with its own default epochs and batch."""

    epochs: int = option(10, "passes over the training images")
    assess_only: bool = option(False, ASSESS_HELP)


@dataclass(frozen=True)
class EpochRecipe:
    """How an epoch recipe runs: ``train(request, ctx)`` trains and saves a bundle;
    ``measure(bundle, quality)`` gives the metrics of a saved one."""

    bundle: str
    train: Callable[[TrainingRequest, RunContext], registry.Bundle]
    measure: Callable[[registry.Bundle, QualityService], dict]

    def run(self, request: TrainingRequest[EpochOptions], ctx: RunContext) -> list[registry.Bundle]:
        """Train (or re-assess) as ``request`` says, reporting through ``ctx``."""
        if request.options.assess_only:
            return [self.assess_saved(request)]
        return [self.train(request, ctx)]

    def assess_saved(self, request: TrainingRequest[EpochOptions]) -> registry.Bundle:
        """Measure the saved bundle again (weights and training record kept): ``--assess-only``."""
        bundle = registry.load(self.bundle, request.source)
        return rewrite_metrics(request, bundle, self.measure(bundle, QualityService()))
