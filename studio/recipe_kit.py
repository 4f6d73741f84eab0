"""The command line of a recipe trained in epochs (InfoGAN, diffusion): its options, how it runs, and
``--assess-only``, which measures the saved bundle again instead of training."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio import registry
from studio.training import add_run_arguments

ASSESS_HELP = "measure the saved bundle again with today's metrics instead of training"


@dataclass(frozen=True)
class EpochRecipe:
    """``python -m studio.train NAME [--epochs E] [--assess-only] [--batch-size B --seed S --limit N]``.

    ``train(epochs, batch_size, seed, limit, source, on_progress, cancel, on_epoch, keep_on_stop)``
    trains and saves a bundle; ``measure(bundle, quality)`` gives the metrics of a saved one.
    """

    name: str
    bundle: str
    epochs: int
    batch_size: int
    train: Callable[..., registry.Bundle]
    measure: Callable[[registry.Bundle, object], dict]

    def add_arguments(self, parser) -> None:
        """This recipe's options of ``python -m studio.train NAME``."""
        parser.add_argument("--epochs", type=int, default=self.epochs)
        parser.add_argument("--assess-only", action="store_true", help=ASSESS_HELP)
        add_run_arguments(parser, self.batch_size, "images")

    def run(self, args, ctx) -> list[registry.Bundle]:
        """Train (or re-assess) as the parsed ``args`` say, reporting through ``ctx`` (a ``train.RunContext``)."""
        if args.assess_only:
            return [self.assess_saved(ctx.source)]
        return [self.train(args.epochs, args.batch_size, args.seed, args.limit, ctx.source, ctx.on_progress,
                           ctx.cancel, ctx.on_epoch, ctx.keep_on_stop)]

    def assess_saved(self, source: str = registry.SHIPPED) -> registry.Bundle:
        """Measure the saved bundle again (weights and training record kept): ``--assess-only``."""
        from studio.quality import QualityService

        bundle = registry.load(self.bundle, source)
        return registry.resave_with_metrics(bundle, self.measure(bundle, QualityService()),
                                            f"python -m studio.train {self.name} --assess-only", source)
