"""cGAN speed: training steps per second, the lecture's way against ours, and the 10 x 10 table.

    python benchmarks/cgan.py [--data-dir ../shared/data] [--steps 150] [--repeats 20]

1. Training: lecture 004's ``cgan_step`` as written (one persistent GradientTape, both optimizers
   applied from it, inside ``@tf.function``, on a ``tf.data`` pipeline of batch 128) against the
   studio's ``ConditionalGAN.fit`` (D then G in one compiled ``train_step``), on the same networks
   and the same images; steps per second of each and the ratio, for both variants (the conv variant
   without its auxiliary classifier, which the lecture's step does not have, then as shipped).
2. The 10 x 10 digit x noise table from the shipped weights: the generator alone and the tab's
   whole picture (target: under 100 ms).

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: dense_steps_per_s=X dense_ratio=R dense_table_ms=MS conv_steps_per_s=X conv_ratio=R conv_table_ms=MS``
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, median_ms, summary

from studio import data, paths
from studio.serving import runtime
from studio.techniques.cgan import model as cgan
from studio.techniques.cgan.recipe import VARIANTS, unit_images
from studio.techniques.cgan.service import CGANService

BATCH = 128


def lecture_steps_per_second(config: cgan.CGANConfig, images: np.ndarray, labels: np.ndarray, steps: int) -> float:
    """Lecture 004's training loop, as written (apart from the model constructors' arguments)."""
    import tensorflow as tf
    from tensorflow.keras import losses, optimizers

    tf.keras.utils.set_random_seed(0)
    cgan_generator, cgan_discriminator = cgan.build_generator(config), cgan.build_discriminator(config)
    bce = losses.BinaryCrossentropy(from_logits=True)

    def generator_loss(fake_output):
        return bce(tf.ones_like(fake_output), fake_output)

    def discriminator_loss(real_output, fake_output):
        return bce(tf.ones_like(real_output), real_output) + bce(tf.zeros_like(fake_output), fake_output)

    gene_opt = optimizers.Adam(config.learning_rate, beta_1=config.beta_1)
    disc_opt = optimizers.Adam(config.learning_rate, beta_1=config.beta_1)

    @tf.function()
    def cgan_step(real_images, labels):
        noise = tf.random.normal([real_images.shape[0], config.noise_dim])
        with tf.GradientTape(persistent=True) as tape:
            fake_images = cgan_generator(noise, labels)
            real_out = cgan_discriminator(real_images, labels)
            fake_out = cgan_discriminator(fake_images, labels)
            gene_loss = generator_loss(fake_out)
            disc_loss = discriminator_loss(real_out, fake_out)
        gene_grad = tape.gradient(gene_loss, cgan_generator.trainable_variables)
        disc_grad = tape.gradient(disc_loss, cgan_discriminator.trainable_variables)
        gene_opt.apply_gradients(zip(gene_grad, cgan_generator.trainable_variables))
        disc_opt.apply_gradients(zip(disc_grad, cgan_discriminator.trainable_variables))
        return gene_loss, disc_loss

    cgan_datasets = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images)).batch(BATCH)
    for real, y in cgan_datasets.take(2):  # warm-up: traces the step
        cgan_step(real, y)
    start = time.perf_counter()
    for real, y in cgan_datasets.take(steps):
        gene_loss, disc_loss = cgan_step(real, y)
    float(gene_loss)  # wait for the last step
    return steps / (time.perf_counter() - start)


def studio_steps_per_second(config: cgan.CGANConfig, images: np.ndarray, labels: np.ndarray, steps: int) -> float:
    """The studio's compiled ``ConditionalGAN.fit`` (what ``python -m studio.train cgan`` runs)."""
    import keras

    keras.utils.set_random_seed(0)
    model = cgan.make_cgan(config, seed=0)
    model.fit(images[:2 * BATCH], labels[:2 * BATCH], batch_size=BATCH, epochs=1, verbose=0)  # warm-up
    n = steps * BATCH
    start = time.perf_counter()
    model.fit(images[:n], labels[:n], batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=20)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    print(runtime.device_info().label())

    (x_train, y_train), _ = data.load_mnist()
    n = (args.steps + 2) * BATCH
    images, labels = unit_images(x_train[:n]), cgan.one_hot(y_train[:n])
    measured: dict[str, float] = {}
    print(f"\n1. training steps per second (batch {BATCH}, {args.steps} steps after a warm-up)")
    for variant, (config, _) in VARIANTS.items():
        plain = dataclasses.replace(config, aux_weight=0.0)  # the lecture's losses, on the same networks
        lecture = lecture_steps_per_second(plain, images, labels, args.steps)
        ours = studio_steps_per_second(plain, images, labels, args.steps)
        print(f"   {variant:6s} lecture cgan_step {lecture:7.1f} steps/s   studio fit {ours:7.1f} steps/s   "
              f"ratio studio / lecture {ours / lecture:.2f}")
        measured[f"{variant}_steps_per_s"], measured[f"{variant}_ratio"] = ours, ours / lecture
        if config.aux_weight:
            shipped = studio_steps_per_second(config, images, labels, args.steps)
            print(f"   {variant:6s} with the auxiliary classifier (as shipped): studio fit {shipped:7.1f} steps/s")

    service = CGANService()
    print("\n2. the 10 x 10 table (digit x noise), shipped weights")
    for variant in VARIANTS:
        model = service.model(variant)
        generator_ms = median_ms(lambda: model.table(10, 0), args.repeats)
        picture_ms = median_ms(lambda: service.table(variant, 0), args.repeats)
        print(f"   {variant:6s} generator {generator_ms:6.1f} ms   tab picture {picture_ms:6.1f} ms   (target < 100 ms)")
        measured[f"{variant}_table_ms"] = picture_ms
    summary(**measured)


if __name__ == "__main__":
    main()
