"""The colour DCGAN of Deep Learning with Python, section 12.5, exactly as the book writes it.

- Discriminator: Conv2D 64 / 128 / 128, kernel 4, stride 2, LeakyReLU(0.2), then Flatten,
  Dropout 0.2 and Dense(1, sigmoid): 404,801 weights for 64 x 64 x 3 pictures.
- Generator: Dense(8 * 8 * 128) and Reshape, then Conv2DTranspose 128 / 256 / 512, kernel 4, stride 2,
  LeakyReLU(0.2), then Conv2D(3, kernel 5, sigmoid): pictures in [0, 1].
- Training: the book's subclassed ``train_step``: D sees the generated and the real pictures together,
  labelled 1 and 0 (the book's order), with uniform noise of 0.05 added to the labels; then G learns
  from fresh noise labelled 0 ("misleading labels"); Adam(1e-4) for both, binary cross-entropy.
- Data: ``keras.utils.image_dataset_from_directory(..., label_mode=None, image_size=(64, 64),
  smart_resize=True)`` scaled to [0, 1], as the book reads CelebA (``pictures_from_directory``; Keras 3
  names that centre crop ``crop_to_aspect_ratio``).

``ColourGANConfig.book()`` is the book's network (for a GPU, or CelebA on disk); ``.cpu()`` the same
layers at narrower widths, for a model trained on 2 CPU cores. Keras is imported inside the functions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from studio.serving.lazy_keras import keras, layers, tf

SIZE = 64  # the book's picture side
# What keras.utils.image_dataset_from_directory reads; every other file in the folder is skipped.
PICTURE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


@dataclass(frozen=True)
class ColourGANConfig:
    """Constructor arguments of the colour DCGAN (``config.json`` of its bundle)."""

    latent_dim: int = 128
    dense_channels: int = 128  # the generator's first 8 x 8 map
    generator_widths: tuple[int, ...] = (128, 256, 512)  # Conv2DTranspose, kernel 4, stride 2: 8 -> 64
    discriminator_widths: tuple[int, ...] = (64, 128, 128)  # Conv2D, kernel 4, stride 2: 64 -> 8
    dropout: float = 0.2
    label_noise: float = 0.05
    learning_rate: float = 1e-4
    beta_1: float = 0.9  # Keras's default, which the book keeps

    @classmethod
    def book(cls) -> ColourGANConfig:
        """Section 12.5 as written."""
        return cls()

    @classmethod
    def cpu(cls) -> ColourGANConfig:
        """The same layers, narrower, for a model trained on 2 CPU cores in under an hour: the generator's
        Conv2DTranspose widths 128 / 96 / 64 instead of 128 / 256 / 512 (the book's 512-wide map at
        64 x 64 is most of its arithmetic) and half the discriminator's widths. Measured here (2-core
        AVX-512 EPYC, batch 32, ``benchmarks/gan.py``): 5.4 steps/s against the book's 0.50 (10.8x).

        The book's Adam(1e-4) with Keras's beta_1 0.9 is replaced by the DCGAN paper's Adam(2e-4,
        beta_1 0.5): with the book's discriminator and optimiser, trained on OpenMoji's faces, D won
        within 500 steps (D loss 0.01-0.1, G loss 5-10) and G's pictures stayed grey blobs, all alike,
        at 2,000 steps; with these, D and G stayed balanced (D about 0.5) and coloured faces appeared
        by step 1,000."""
        return cls(generator_widths=(128, 96, 64), discriminator_widths=(32, 64, 64), learning_rate=2e-4, beta_1=0.5)

    @classmethod
    def from_json(cls, values: dict) -> ColourGANConfig:
        """Back from config.json, where tuples became lists."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def build_generator(config: ColourGANConfig):
    """z (latent_dim,) -> picture (64, 64, 3) in [0, 1] (a keras.Sequential, as the book)."""
    stack = [keras.Input((config.latent_dim,)), layers.Dense(8 * 8 * config.dense_channels),
             layers.Reshape((8, 8, config.dense_channels))]
    for width in config.generator_widths:
        stack += [layers.Conv2DTranspose(width, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(0.2)]
    stack.append(layers.Conv2D(3, kernel_size=5, padding="same", activation="sigmoid"))
    return keras.Sequential(stack, name="generator")


def build_discriminator(config: ColourGANConfig):
    """picture (64, 64, 3) in [0, 1] -> probability (1,) (a keras.Sequential, as the book)."""
    stack = [keras.Input((SIZE, SIZE, 3))]
    for width in config.discriminator_widths:
        stack += [layers.Conv2D(width, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(0.2)]
    stack += [layers.Flatten(), layers.Dropout(config.dropout), layers.Dense(1, activation="sigmoid")]
    return keras.Sequential(stack, name="discriminator")


def make_colour_gan(config: ColourGANConfig, ema: float = 0.0):
    """The book's ``GAN`` model (subclassed ``train_step``), compiled with Adam for D and G. ``ema`` > 0
    also keeps a moving average of G's weights in its optimizer (it changes nothing in training)."""
    model = _gan_class()(config)
    g_optimizer = (keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1, use_ema=True, ema_momentum=ema)
                   if ema else keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1))
    model.compile(d_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1),
                  g_optimizer=g_optimizer,
                  loss_fn=keras.losses.BinaryCrossentropy())
    return model


@functools.cache
def _gan_class():
    class GAN(keras.Model):
        """Listing 12.33 of the book: ``fit`` on batches of real pictures in [0, 1]."""

        def __init__(self, config: ColourGANConfig, **kwargs) -> None:
            super().__init__(**kwargs)
            self.config = config
            self.latent_dim = config.latent_dim
            self.generator = build_generator(config)
            self.discriminator = build_discriminator(config)
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator()  # seeded by keras.utils.set_random_seed

        def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs) -> None:
            super().compile(**kwargs)
            self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def call(self, z, training=False):
            return self.generator(z, training=training)

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            batch_size = tf.shape(real_images)[0]
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            generated_images = self.generator(z)
            combined_images = tf.concat([generated_images, real_images], axis=0)
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
            labels += self.config.label_noise * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined_images))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            misleading_labels = tf.zeros((batch_size, 1))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(misleading_labels, self.discriminator(self.generator(z)))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}

    return GAN


def pictures_from_directory(folder, batch_size: int = 32, seed: int = 0):
    """The book's data pipeline on any folder of pictures (sub-folders included): a ``tf.data``
    stream of (batch, 64, 64, 3) float32 in [0, 1], centre-cropped to square.

    The book passes ``smart_resize=True``; Keras 3 calls the same centre crop ``crop_to_aspect_ratio``.
    """
    dataset = keras.utils.image_dataset_from_directory(str(folder), label_mode=None, image_size=(SIZE, SIZE),
                                                       batch_size=batch_size, crop_to_aspect_ratio=True, seed=seed)
    return dataset.map(lambda x: x / 255.0)


def latent_codes(config: ColourGANConfig, n: int, seed: int) -> np.ndarray:
    """n latent vectors z ~ N(0, I), a pure function of ``seed``."""
    return np.random.default_rng(seed).standard_normal((n, config.latent_dim)).astype(np.float32)


def generate(generator, config: ColourGANConfig, n: int, seed: int) -> np.ndarray:
    """n pictures, uint8 (n, 64, 64, 3); the same seed gives the same pictures."""
    out = np.asarray(generator(latent_codes(config, n, seed), training=False))
    return np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)
