"""GAN speed: Program 10-4's training loop against the studio's fused step, sampling, and Program
10-5(b)'s nearest-training-image search, each the lecture's way and ours in one run.

    python benchmarks/gan.py [--data-dir ../shared/data] [--steps 20] [--repeats 10]

1. Training steps per second, same DCGAN architecture, batch 64: the lecture's loop as written
   (``generator.predict`` + three ``train_on_batch``: real batch, fake batch, then the stacked model
   with a frozen discriminator) vs one compiled ``train_step`` (target: at least 3x).
2. Generating 50 samples with the shipped DCGAN: the lecture's ``generator.predict`` vs the studio's
   traced call (target: under 100 ms).
3. Nearest training image for 50 samples over the 60,000 MNIST training digits: the lecture's Python
   loop (timed on 2 samples and scaled, since 50 take minutes) vs the studio's exact pruned search
   (target: under 1 s, with the training set already prepared as the tab keeps it).
4. The Keras book's colour DCGAN (section 12.5, 64 x 64 x 3, batch 32): steps per second of the
   book's full-width network against the CPU-sized variant (``ColourGANConfig.cpu``), on random
   pictures, each its own compiled ``train_step``.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: samples50_ms=MS samples50_speedup=X nearest50_s=S nearest50_speedup=X colour_book_steps_s=R
colour_cpu_steps_s=R``
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, median_ms, summary

from studio import data, paths
from studio.judge import metrics
from studio.serving import runtime
from studio.techniques.gan import model as gan


def lecture_models(config: gan.GANConfig):
    """Program 10-4 lines 53-60: D compiled on its own, then frozen inside the stacked ``gan`` model."""
    import keras

    generator = gan.build_generator(config)
    logits = gan.build_discriminator(config)
    discriminator = keras.Model(logits.input, keras.layers.Activation("sigmoid")(logits.output))
    discriminator.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    discriminator.trainable = False
    z = keras.Input((config.latent_dim,))
    stacked = keras.Model(z, discriminator(generator(z)))
    stacked.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return generator, discriminator, stacked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--steps", type=int, default=20, help="timed steps per measurement")
    parser.add_argument("--repeats", type=int, default=10)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    import tensorflow as tf

    print(runtime.device_info().label())
    (x_train, _), _ = data.load_mnist()
    real = (x_train.astype(np.float32) / 127.5 - 1.0)[..., None]
    batch, zdim = 64, 100
    config = gan.GANConfig(leaky=False, label_noise=0.0)  # the lecture's network, ReLU and all
    rng = np.random.default_rng(0)

    # --- 1. training steps ---------------------------------------------------------------------
    generator, discriminator, stacked = lecture_models(config)

    def lecture_step():  # Program 10-4 lines 61-77
        c = rng.integers(0, len(real), batch)
        discriminator.train_on_batch(real[c], np.ones((batch, 1)))
        fake = generator.predict(rng.normal(0, 1, (batch, zdim)), verbose=0)
        discriminator.train_on_batch(fake, np.zeros((batch, 1)))
        stacked.train_on_batch(rng.normal(0, 1, (batch, zdim)), np.ones((batch, 1)))

    # Keras 3 reads ``trainable`` when a step runs, not when the model was compiled (Keras 2 did the
    # latter): after line 56's freeze, the lecture's own discriminator.train_on_batch updates nothing.
    before = [w.copy() for w in discriminator.get_weights()]
    discriminator.train_on_batch(real[:batch], np.ones((batch, 1)))
    d_learns = any(not np.array_equal(a, b) for a, b in zip(before, discriminator.get_weights()))

    model = gan.make_gan(config)
    model.compile()
    stream = iter(tf.data.Dataset.from_tensor_slices(real).shuffle(10000).repeat().batch(batch, drop_remainder=True))
    fused = tf.function(model.train_step)

    def our_step():
        fused(next(stream))

    for step in (lecture_step, our_step):
        for _ in range(3):
            step()  # trace, warm caches
    timings = {"lecture": [], "ours": []}
    for _ in range(3):  # interleaved, so both see the same load on this shared machine
        for name, step in (("lecture", lecture_step), ("ours", our_step)):
            start = time.perf_counter()
            for _ in range(args.steps):
                step()
            timings[name].append((time.perf_counter() - start) / args.steps)
    lecture_s, ours_s = statistics.median(timings["lecture"]), statistics.median(timings["ours"])
    print(f"\n1. DCGAN training step, batch {batch} (median of 3 x {args.steps} steps)")
    print(f"   lecture: predict + 3 x train_on_batch   {1 / lecture_s:6.2f} steps/s  ({lecture_s * 1e3:6.0f} ms/step)")
    print(f"   studio: one compiled train_step        {1 / ours_s:6.2f} steps/s  ({ours_s * 1e3:6.0f} ms/step)")
    print(f"   speed-up {lecture_s / ours_s:.2f}x (target >= 3x)")
    print(f"   does the lecture's D learn under Keras 3? {'yes' if d_learns else 'no: its freeze (line 56) also stops its own train_on_batch, so the lecture loop skips D updates and is timed doing less work'}")

    # --- 2. sampling ---------------------------------------------------------------------------
    from studio.techniques.gan.service import GANService

    service = GANService()
    inference = service.model("dcgan_mnist")
    z = gan.latent_codes(inference.config, 50, 0)
    lecture_ms = median_ms(lambda: inference.generator.predict(z, verbose=0), args.repeats)
    ours_ms = median_ms(lambda: inference.decode(z), args.repeats)
    print("\n2. 50 samples from the shipped DCGAN-MNIST")
    print(f"   lecture: generator.predict              {lecture_ms:8.1f} ms")
    print(f"   studio: traced call                     {ours_ms:8.1f} ms   ({lecture_ms / ours_ms:.1f}x; target < 100 ms)")

    # --- 3. nearest training image ---------------------------------------------------------------
    samples = inference.decode(z)
    samples_unit, train_unit = samples.astype(np.float32) / 255, x_train.astype(np.float32) / 255

    def most_similar(img):  # Program 10-5(b) lines 97-103
        vmin, imin = 1.0e10, 0
        for i in range(len(train_unit)):
            dist = np.mean(np.abs(img - train_unit[i]))
            if dist < vmin:
                imin, vmin = i, dist
        return imin

    start = time.perf_counter()
    lecture_picks = [most_similar(samples_unit[k]) for k in range(2)]
    lecture_50 = (time.perf_counter() - start) / 2 * 50
    start = time.perf_counter()
    index = metrics.TrainIndex(x_train)
    prepare_s = time.perf_counter() - start
    ours_nn = median_ms(lambda: index.nearest(samples), 3) / 1e3
    picks = index.nearest(samples)[0]
    assert list(picks[:2]) == lecture_picks, "the pruned search must find the lecture's neighbours"
    print(f"\n3. nearest training image, 50 samples x {len(x_train):,} training digits")
    print(f"   lecture: Python loop (2 timed, x 25)    {lecture_50:8.1f} s")
    print(f"   studio: exact pruned search             {ours_nn:8.3f} s   ({lecture_50 / ours_nn:.0f}x; target < 1 s; "
          f"preparing the training set once: {prepare_s:.2f} s)")
    print("   same neighbours as the lecture's loop for the 2 timed samples: yes")
    colour = colour_steps_per_second(args.steps)
    summary(samples50_ms=ours_ms, samples50_speedup=lecture_ms / ours_ms, nearest50_s=ours_nn,
            nearest50_speedup=lecture_50 / ours_nn, colour_book_steps_s=colour["book"], colour_cpu_steps_s=colour["cpu"])


def colour_steps_per_second(steps: int, batch: int = 32) -> dict[str, float]:
    """Training steps per second of the book's 12.5 DCGAN and of its CPU-sized variant."""
    import tensorflow as tf

    from studio.techniques.colour_gan import model as colour_model

    pictures = tf.constant(np.random.default_rng(0).random((batch, 64, 64, 3), np.float32))
    rates = {}
    print(f"\n4. the book's colour DCGAN (12.5), 64 x 64 x 3, batch {batch}")
    for name, config in (("book", colour_model.ColourGANConfig.book()), ("cpu", colour_model.ColourGANConfig.cpu())):
        model = colour_model.make_colour_gan(config)
        step = tf.function(model.train_step)
        step(pictures)  # trace
        start = time.perf_counter()
        for _ in range(steps):
            step(pictures)
        rates[name] = steps / (time.perf_counter() - start)
        print(f"   {name:5s} G {model.generator.count_params():>9,} weights, D {model.discriminator.count_params():>7,}"
              f"   {rates[name]:6.2f} steps/s")
    print(f"   the CPU variant is {rates['cpu'] / rates['book']:.1f}x faster")
    return rates


if __name__ == "__main__":
    main()
