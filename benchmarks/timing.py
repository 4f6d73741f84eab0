"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

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


def summary(**values) -> None:
    """Print the load average and the run's last line, ``summary: key=value ...``, which is how
    results are compared from run to run (floats with 3 decimals, keys in the values' units)."""
    import os

    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    parts = [f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}" for key, value in values.items()]
    print("summary: " + " ".join(parts))
