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

Each recipe module declares its own options (``add_arguments``) and how to run them (``run``); the
techniques declare their recipes (``studio.techniques``), and this module is only the terminal
around them. The studio's training jobs run
the very same ``run(argv, context)`` in a worker process (``studio.training_jobs``).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from studio import data, paths, registry, techniques, training_request
from studio.technique import Recipe
from studio.training import (
    EPOCH_MARK,
    CancelToken,
    EpochFn,
    ProgressFn,
    TrainingCancelled,
    no_progress,
)
from studio.training_request import TrainingRequest


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


# The core's own recipes (the judges, the backbones, the test images), then every technique's, in
# lecture order. A recipe's module is imported only when the parser is built (none of them imports
# TensorFlow at import time).
CORE_RECIPES = (Recipe("judge", "studio.judge.recipe"), Recipe("backbones", "studio.backbones.recipe"),
                Recipe("samples", "studio.samples.recipe"))


def recipes() -> dict[str, Recipe]:
    """NAME -> Recipe for every command of ``python -m studio.train``."""
    found = {recipe.name: recipe for recipe in CORE_RECIPES}
    for technique in techniques.load():
        for recipe in technique.recipes:
            if recipe.name in found:
                raise ValueError(f"Two recipes are called {recipe.name!r}")
            found[recipe.name] = recipe
    return found


@dataclass(frozen=True)
class RunContext:
    """What a recipe's ``run(args, ctx)`` reports to and listens to, besides its parsed options."""

    source: str = registry.SHIPPED  # where the bundle is written (``--to``)
    on_progress: ProgressFn = no_progress
    on_epoch: EpochFn | None = None  # (epoch, logs, preview) after every epoch or round
    cancel: CancelToken | None = None  # Stop
    keep_on_stop: bool = False  # save what a stopped run learnt (recipes that support it)


def parser() -> argparse.ArgumentParser:
    """The command line's parser: one sub-command per recipe, each with the recipe's own options
    (built once per list of recipes: ``training_request`` checks a Train click's options against it too)."""
    return _parser_of(tuple(recipes().values()))


@functools.lru_cache(maxsize=4)
def _parser_of(found: tuple[Recipe, ...]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m studio.train",
        description="Retrain a technique of Generative Studio and write its bundle "
                    "(pretrained/NAME/ by default).")
    # Options every technique takes, accepted after NAME.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="folder with mnist.npz, fashion_mnist.npz ... "
                                           "(default: $STUDIO_DATA_DIR, then Keras's cache or download)")
    common.add_argument("--to", choices=[registry.SHIPPED, registry.USER], default=registry.SHIPPED,
                        help="write to pretrained/ (shipped, default) or to your user cache (user)")
    sub = parser.add_subparsers(dest="name", required=True, metavar="NAME")
    for recipe in found:
        help_text, add_arguments, _ = recipe.load()
        add_arguments(sub.add_parser(recipe.name, parents=[common], help=help_text))
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line ``NAME [options]`` (argparse exits with its usage on a bad one)."""
    return parser().parse_args(list(argv))


def run(request: TrainingRequest | argparse.Namespace, ctx: RunContext) -> list[registry.Bundle]:
    """Run ``request`` (a ``TrainingRequest``, or a parsed command line); returns the bundles it wrote.

    The data folder and the destination come from the request; the callbacks, Stop and keep-on-stop
    from ``ctx``. The command line and the studio's training jobs both come through here, and the
    recipe's ``run(request, ctx)`` reads the request's options by name.
    """
    if isinstance(request, argparse.Namespace):
        request = training_request.from_namespace(request)
    if request.data_dir:
        paths.set_data_dir(request.data_dir)
    _, _, run_recipe = recipes()[request.recipe].load()
    ctx = RunContext(request.source, ctx.on_progress, ctx.on_epoch, ctx.cancel, ctx.keep_on_stop)
    return run_recipe(request, ctx)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m studio.train NAME [options]``; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        bundles = run(args, RunContext(on_progress=ThrottledPrinter()))
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
