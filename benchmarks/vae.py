"""VAE speed: the 30 x 30 decoded grid (code 12-29) and one training epoch, the book's way against ours.

    python benchmarks/vae.py [--data-dir ../shared/data] [--train-images 12000] [--repeats 10]

1. The grid: the book calls ``decoder.predict`` once per point (900 calls for 30 x 30); the studio
   decodes all points in one compiled call (target: under 300 ms on a 2-core CPU). Both use the
   shipped weights; prints both times and the ratio.
2. One training epoch of the same model: the book's ``compile(optimizer=Adam(), run_eagerly=True)``
   (code 12-28) against the studio's compiled ``train_step``; prints both and the ratio.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: grid30_ms=MS grid30_speedup=X epoch_book_s=S epoch_studio_s=S epoch_ratio=R``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, median_ms, summary

from studio import data, paths
from studio.serving import runtime
from studio.media.imaging import to_unit_batch
from studio.techniques.autoencoder.service import AutoencoderService
from studio.techniques.vae import model as vae
from studio.techniques.vae.service import VAEService


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--train-images", type=int, default=12000)
    parser.add_argument("--repeats", type=int, default=10)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    import keras

    print(runtime.device_info().label())
    service = VAEService(AutoencoderService())
    decoder = service.model().model.decoder

    def book_grid(n=30):
        # Code 12-29: one predict call per point.
        grid_x = np.linspace(-1, 1, n)
        grid_y = np.linspace(-1, 1, n)[::-1]
        figure = np.zeros((28 * n, 28 * n))
        for i, yi in enumerate(grid_y):
            for j, xi in enumerate(grid_x):
                x_decoded = decoder.predict(np.array([[xi, yi]]), verbose=0)
                figure[i * 28:(i + 1) * 28, j * 28:(j + 1) * 28] = x_decoded[0].reshape(28, 28)
        return figure

    start = time.perf_counter()
    book_grid()
    book_ms = (time.perf_counter() - start) * 1e3  # once: it takes tens of seconds
    ours_ms = median_ms(lambda: service.decoded_grid(30, -1, 1, False), args.repeats)
    print("\n1. decode the 30 x 30 grid")
    print(f"   book (900 predict calls)      {book_ms:9.0f} ms")
    print(f"   studio (one batched call)     {ours_ms:9.1f} ms   speed-up {book_ms / ours_ms:.0f}x (target < 300 ms)")

    (x_train, _), _ = data.load_mnist()
    x = to_unit_batch(x_train[:args.train_images])
    print(f"\n2. one training epoch on {args.train_images:,} digits, batch 128")
    results = {}
    for label, eager in (("book: run_eagerly=True", True), ("studio: compiled train_step", False)):
        keras.utils.set_random_seed(0)
        model = vae.make_vae(vae.VAEConfig(), seed=0)
        model.compile(optimizer=keras.optimizers.Adam(), run_eagerly=eager)
        model.fit(x[:256], batch_size=128, epochs=1, verbose=0)
        start = time.perf_counter()
        model.fit(x, batch_size=128, epochs=1, shuffle=True, verbose=0)
        results[label] = time.perf_counter() - start
        print(f"   {label:38s}{results[label]:8.1f} s")
    eager_s, ours_s = results.values()
    print(f"   ratio book / studio {eager_s / ours_s:.2f}")
    summary(grid30_ms=ours_ms, grid30_speedup=book_ms / ours_ms, epoch_book_s=eager_s, epoch_studio_s=ours_s,
            epoch_ratio=eager_s / ours_s)


if __name__ == "__main__":
    main()
