"""Helpers shared by the benchmarks: timing, which weights they measure, and the summary line."""

from __future__ import annotations

import os
import statistics
import time


def median_ms(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` in milliseconds, after one warm-up call (which traces graphs)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def add_weights_option(parser) -> None:
    """``--active``: measure the weights in use (a user's retrain) instead of the shipped ones."""
    parser.add_argument("--active", action="store_true",
                        help="measure the active weights (your retrained ones, if any) instead of pretrained/")


def choose_weights(active: bool = False) -> None:
    """Measure the shipped weights unless ``active`` (``STUDIO_WEIGHTS=shipped``, inherited by any
    server the benchmark starts); print the choice and the machine's load average at the start."""
    if not active:
        os.environ["STUDIO_WEIGHTS"] = "shipped"
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("measuring the " + ("active weights (--active)" if active else "shipped weights in pretrained/ "
                              "(--active for your retrained ones)"))


def summary(**values) -> None:
    """Print which weights were measured, the load average and the run's last line,
    ``summary: key=value ...``, which is how results are compared from run to run (floats with 3
    decimals, keys in the values' units)."""
    from studio.bundles import registry

    for name, (source, digest) in sorted(registry.loaded_bundles().items()):
        print(f"measured {name}: {source} weights, files sha256 {digest[:16]}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    parts = [f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}" for key, value in values.items()]
    print("summary: " + " ".join(parts))
