"""Retrain a technique and write its bundle: ``python -m studio.train NAME [options]``.

The shipped weights in ``pretrained/`` are produced by exactly these commands (each bundle's
metadata.json records its command). ``--to user`` writes to the user cache instead, as the tabs'
Train buttons do.

    python -m studio.train pixel --data-dir ../shared/data
    python -m studio.train judge --dataset mnist --data-dir ../shared/data
    python -m studio.train autoencoder --variant all --data-dir ../shared/data
    python -m studio.train vae --data-dir ../shared/data
    python -m studio.train gan --variant all --data-dir ../shared/data
    python -m studio.train cgan --variant all --data-dir ../shared/data
    python -m studio.train text --data-dir ../shared/data
    python -m studio.train backbones
    python -m studio.train samples --data-dir ../shared/data
    python -m studio.train pix2pix --variant all --data-dir ../shared/data
    python -m studio.train infogan --data-dir ../shared/data
    python -m studio.train diffusion --data-dir ../shared/data
    python -m studio.train text-own --file my_text.txt

Each recipe module declares its own options (``Options``) and how to run them (``run(request, ctx)``);
the techniques declare their recipes (``studio.techniques``, listed by ``studio.training.recipes``), and this
module is only the terminal around them. The studio's training jobs run the very same
``run(request, ctx)`` in a worker process (``studio.training.jobs``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from studio import data, paths
from studio.training import recipes, request as training_request
from studio.bundles import registry
from studio.training import EPOCH_MARK, RunContext, TrainingCancelled
from studio.training.request import TrainingRequest


class ThrottledPrinter:
    """A progress callback for the terminal: one line at most every ``interval`` seconds, plus every
    epoch summary and the last report."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self._last = float("-inf")

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or message.startswith(EPOCH_MARK) or now - self._last >= self.interval:
            self._last = now
            print(f"[{fraction:6.1%}] {message}", flush=True)


def run(request: TrainingRequest, ctx: RunContext) -> list[registry.Bundle]:
    """Run ``request``; returns the bundles it wrote.

    The data folder and the destination come from the request; the callbacks, Stop and keep-on-stop
    from ``ctx``. The command line and the studio's training jobs both come through here.
    """
    if request.data_dir:
        paths.set_data_dir(request.data_dir)
    _, _, run_recipe = recipes.find(request.recipe).load()
    return run_recipe(request, ctx)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m studio.train NAME [options]``; returns the exit code."""
    request = training_request.from_namespace(training_request.parser().parse_args(argv))
    try:
        bundles = run(request, RunContext(on_progress=ThrottledPrinter()))
    except (data.DataUnavailableError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (TrainingCancelled, KeyboardInterrupt):
        print("stopped: nothing was written; the previous weights are unchanged", file=sys.stderr)
        return 130
    for bundle in bundles:
        print(f"wrote {bundle.directory}")
        for key, value in bundle.metadata.get("metrics", {}).items():
            if not isinstance(value, dict):
                print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
