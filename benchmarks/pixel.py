"""Program 10-1 as the lecture writes it versus the studio's vectorised model, in one run.

    python benchmarks/pixel.py [--data-dir ../shared/data] [--samples 20] [--repeats 5]

Fits the 28x28x256 histogram of the 5,923 MNIST training zeros with the lecture's triple loop and
with ``studio.techniques.pixel.model.fit_counts``, then draws 20 images with the lecture's per-pixel
``np.random.choice`` and with ``studio.techniques.pixel.model.sample``; prints both times and the ratios
(target: 100x or more for each). The two fits must agree exactly.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: fit_ms=MS fit_speedup=X sample_ms=MS sample_speedup=X tab_sample_ms=MS``
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, summary

from studio import data, paths
from studio.techniques.pixel import model as pixel


def lecture_fit(X: np.ndarray) -> np.ndarray:
    """Program 10-1 lines 9-15."""
    P = np.zeros((28, 28, 256))
    for k in range(X.shape[0]):
        for i in range(X.shape[1]):
            for j in range(X.shape[2]):
                P[i][j][X[k][i][j]] += 1
    return P / X.shape[0]


def lecture_sample(P: np.ndarray, n: int) -> np.ndarray:
    """Program 10-1 lines 16-21."""
    Xnew = np.zeros((n, 28, 28))
    for i in range(n):
        for r in range(28):
            for c in range(28):
                Xnew[i][r][c] = np.random.choice(range(256), p=P[r][c])
    return Xnew


def best_of(fn, repeats: int) -> float:
    """The median wall time of ``repeats`` calls (the median shrugs off a noisy neighbour)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=15)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    (x_train, y_train), _ = data.load_mnist()
    zeros = x_train[np.isin(y_train, [0])]
    print(f"data: {len(zeros):,} MNIST training zeros from {data.dataset_source('mnist')}")

    start = time.perf_counter()
    reference = lecture_fit(zeros)
    lecture_fit_s = time.perf_counter() - start  # once: it takes seconds
    ours_fit_s = best_of(lambda: pixel.probabilities(pixel.fit_counts(zeros)), args.repeats)
    assert np.array_equal(pixel.probabilities(pixel.fit_counts(zeros)), reference), "fits differ"

    np.random.seed(0)
    start = time.perf_counter()
    lecture_sample(reference, args.samples)
    lecture_sample_s = time.perf_counter() - start
    ours_sample_s = best_of(lambda: pixel.sample(reference, args.samples, seed=0), args.repeats)
    sampler = pixel.Sampler(reference)  # what the tab keeps between clicks of "Sample"
    ours_draw_s = best_of(lambda: sampler.draw(args.samples, seed=0), args.repeats)

    print(f"{'':36s}{'lecture':>12s}{'studio':>12s}{'speed-up':>12s}")
    for what, lec, ours in (("fit (28x28x256 histogram)", lecture_fit_s, ours_fit_s),
                            (f"sample {args.samples} images", lecture_sample_s, ours_sample_s),
                            (f"sample {args.samples}, sampler kept (tab)", lecture_sample_s, ours_draw_s)):
        print(f"{what:36s}{lec * 1e3:10.1f}ms{ours * 1e3:10.2f}ms{lec / ours:11.0f}x")
    print("fits identical: yes")
    summary(fit_ms=ours_fit_s * 1e3, fit_speedup=lecture_fit_s / ours_fit_s, sample_ms=ours_sample_s * 1e3,
            sample_speedup=lecture_sample_s / ours_sample_s, tab_sample_ms=ours_draw_s * 1e3)


if __name__ == "__main__":
    main()
