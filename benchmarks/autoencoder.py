"""Autoencoder tab speed: interaction latencies from shipped weights, and training against the lecture's code.

    python benchmarks/autoencoder.py [--data-dir ../shared/data] [--train-images 12000] [--repeats 20]

1. Server-side latency of every slider interaction of the tab (target: under 100 ms each), with
   the lecture's way of doing the noise walk (``model.predict`` on the encoder, then on the decoder,
   Program 10-2(b) lines 65-71) as the reference in the same run.
2. One training epoch on the same images: the lecture's functional model with
   ``compile('Adam', 'mse')`` and ``fit(x, x)`` (Program 10-2(a) lines 39-46) against the studio's
   ``Autoencoder`` with its own ``train_step``; prints both and the ratio.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: noise_walk_ms=MS noise_walk_speedup=X epoch_lecture_s=S epoch_studio_s=S epoch_ratio=R``
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
from studio.techniques.autoencoder import model as ae
from studio.techniques.autoencoder.service import AutoencoderService


def lecture_model(zdim: int = 32):
    """Program 10-2(a) lines 16-45 as written (functional encoder, decoder, model; Adam + MSE)."""
    import keras
    from keras.layers import Conv2D, Conv2DTranspose, Dense, Flatten, Input, Reshape
    from keras.models import Model

    encoder_input = Input(shape=(28, 28, 1))
    x = Conv2D(32, (3, 3), activation="relu", padding="same", strides=(1, 1))(encoder_input)
    x = Conv2D(64, (3, 3), activation="relu", padding="same", strides=(2, 2))(x)
    x = Conv2D(64, (3, 3), activation="relu", padding="same", strides=(2, 2))(x)
    x = Conv2D(64, (3, 3), activation="relu", padding="same", strides=(1, 1))(x)
    encoder_output = Dense(zdim)(Flatten()(x))
    model_encoder = Model(encoder_input, encoder_output)
    decoder_input = Input(shape=(zdim,))
    x = Reshape((7, 7, 64))(Dense(3136)(decoder_input))
    x = Conv2DTranspose(64, (3, 3), activation="relu", padding="same", strides=(1, 1))(x)
    x = Conv2DTranspose(64, (3, 3), activation="relu", padding="same", strides=(2, 2))(x)
    x = Conv2DTranspose(32, (3, 3), activation="relu", padding="same", strides=(2, 2))(x)
    x = Conv2DTranspose(1, (3, 3), activation="relu", padding="same", strides=(1, 1))(x)
    model_decoder = Model(decoder_input, x)
    model = Model(encoder_input, model_decoder(encoder_output))
    model.compile(optimizer="Adam", loss="mse")
    keras.utils.set_random_seed(0)
    return model, model_encoder, model_decoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--train-images", type=int, default=12000)
    parser.add_argument("--repeats", type=int, default=20)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    print(runtime.device_info().label())

    service = AutoencoderService()
    for variant in ("z32", "z2", "denoise", "denoise_dense"):
        service.model(variant)
    service.latent_map(1000, None)  # the scatter is drawn once per weights, then only re-marked

    print("\n1. interactions, server side, median of", args.repeats, "(target < 100 ms)")
    cases = [
        ("noise walk, 20 frames (experiment 1)", lambda: service.noise_walk(0, 1.0)),
        ("interpolation, 20 frames (experiment 2)", lambda: service.interpolation(4, 6)),
        ("latent map: move the point", lambda: service.latent_map(1000, (0.5, -0.5))),
        ("latent map: decode the point", lambda: service.decode_point(0.5, -0.5)),
        ("reconstruct 10 digits", lambda: service.reconstruct(list(range(10)))),
        ("denoise 10 digits, both models", lambda: service.denoise(list(range(10)), 0.55, 0)),
    ]
    for name, fn in cases:
        print(f"   {name:42s}{median_ms(fn, args.repeats):8.1f} ms")

    _, encoder, decoder = lecture_model()
    trained = service.model("z32").model
    encoder.set_weights(trained.encoder.get_weights())
    decoder.set_weights(trained.decoder.get_weights())
    x0 = service.digit(0).astype(np.float32) / 255

    def lecture_walk():
        z = encoder.predict(x0.reshape(1, 28, 28, 1), verbose=0)
        zz = np.zeros((20, 32))
        for i in range(20):
            zz[i] = z[0] + (i - 10) / 10.0
        return decoder.predict(zz, verbose=0)

    lecture_ms = median_ms(lecture_walk, args.repeats)
    ours_ms = median_ms(lambda: service.noise_walk(0, 1.0), args.repeats)
    print(f"   noise walk, the lecture's predict() calls {lecture_ms:8.1f} ms   -> studio {lecture_ms / ours_ms:.1f}x faster")

    print(f"\n2. one training epoch on {args.train_images:,} MNIST images, batch 128")
    (x_train, _), _ = data.load_mnist()
    x = to_unit_batch(x_train[:args.train_images])
    model, _, _ = lecture_model()
    model.fit(x[:256], x[:256], batch_size=128, epochs=1, verbose=0)  # build and trace outside the timing
    start = time.perf_counter()
    model.fit(x, x, epochs=1, batch_size=128, shuffle=True, verbose=0)
    lecture_s = time.perf_counter() - start
    import keras

    ours = ae.make_autoencoder(ae.AEConfig("conv", 32))
    ours.compile(optimizer=keras.optimizers.Adam())
    ours.fit(x[:256], batch_size=128, epochs=1, verbose=0)
    start = time.perf_counter()
    ours.fit(x, batch_size=128, epochs=1, shuffle=True, verbose=0)
    ours_s = time.perf_counter() - start
    print(f"   lecture (functional model, fit(x, x))     {lecture_s:8.1f} s")
    print(f"   studio (Autoencoder.train_step)           {ours_s:8.1f} s   ratio lecture/studio {lecture_s / ours_s:.2f}")
    summary(noise_walk_ms=ours_ms, noise_walk_speedup=lecture_ms / ours_ms, epoch_lecture_s=lecture_s,
            epoch_studio_s=ours_s, epoch_ratio=lecture_s / ours_s)


if __name__ == "__main__":
    main()
