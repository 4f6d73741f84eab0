"""Unconditional GANs: Program 10-4's DCGAN, lecture 001's dense GAN and lecture 003's conv GAN,
trained in one fused step.

The lecture trains with ``generator.predict`` plus three ``train_on_batch`` calls per step (real batch,
fake batch, then the stacked ``gan`` model with a frozen discriminator). Here one compiled
``train_step`` does the same algorithm: the discriminator learns on a real and a fake batch, then the
generator learns from fresh noise through the discriminator, whose weights that step leaves alone.

Images are in [-1, 1] (tanh), as the lectures; ``generate`` returns uint8. Keras comes through
``studio.serving.lazy_keras``, loaded at its first use, so the app can import this module without paying for
TensorFlow.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from studio.serving.lazy_keras import keras, layers, tf
from studio.training.weight_average import averaged_twin

# At the game's equilibrium D outputs 1/2 everywhere, so each cross-entropy term is -ln(1/2).
EQUILIBRIUM_LOSS = math.log(2.0)


@dataclass(frozen=True)
class GANConfig:
    """Hyper-parameters; ``config.json`` of a GAN bundle is this dataclass.

    ``architecture``: "dcgan" (Program 10-4), "dense" (lecture 001) or "conv003" (lecture 003).
    ``leaky`` swaps the discriminator's ReLUs for LeakyReLU(0.2) and ``label_noise`` adds uniform
    noise of that size to the discriminator's targets: two of the Keras book's GAN tricks (section
    12.5.2). ``latent``: z ~ N(0, I) ("normal") or, as lecture 003 draws it, U(-1, 1) ("uniform").
    """

    architecture: str = "dcgan"
    latent_dim: int = 100
    dropout: float = 0.4
    batch_norm_momentum: float = 0.9
    leaky: bool = True
    label_noise: float = 0.05
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    ema: float = 0.0  # >0: G's optimizer keeps the weights' moving average with this momentum (shipped)
    lr_decay_start: float = 1.0  # share of the run after which both learning rates fall linearly to 0 (1: never)
    latent: str = "normal"  # "normal": z ~ N(0, I); "uniform": z ~ U(-1, 1)


def learning_rate_factor(done: float, decay_start: float) -> float:
    """The learning rates' multiplier once ``done`` (0..1) of the run is over: 1 until ``decay_start``,
    then a straight line to 0 at the end (the linear decay of SNGAN and BigGAN's training scripts)."""
    if decay_start >= 1.0 or done <= decay_start:
        return 1.0
    return max(0.0, (1.0 - done) / (1.0 - decay_start))


def dense_config() -> GANConfig:
    """Lecture 001's dense GAN: noise 128, dropout 0.3, Adam(2e-4, beta_1 0.5), ReLU discriminator."""
    return GANConfig(architecture="dense", latent_dim=128, dropout=0.3, leaky=False, label_noise=0.0)


def conv003_config() -> GANConfig:
    """Lecture 003's conv GAN: z of 32 drawn from U(-1, 1), dropout 0.4, BatchNorm momentum 0.9,
    Adam(4e-4) for both networks (Keras's default beta_1 0.9), a ReLU discriminator, no label noise."""
    return GANConfig(architecture="conv003", latent_dim=32, dropout=0.4, batch_norm_momentum=0.9, leaky=False,
                     label_noise=0.0, learning_rate=4e-4, beta_1=0.9, latent="uniform")


def build_generator(config: GANConfig):
    """z (latent_dim,) -> image (28, 28, 1) in [-1, 1] (a functional keras.Model)."""
    z = keras.Input((config.latent_dim,), name="z")
    if config.architecture == "dense":
        # Lecture 001: 256-512-784, ReLU, tanh.
        x = layers.Dense(256, activation="relu")(z)
        x = layers.Dense(512, activation="relu")(x)
        x = layers.Dense(784, activation="tanh")(x)
        image = layers.Reshape((28, 28, 1))(x)
        return keras.Model(z, image, name="dense_generator")
    if config.architecture == "conv003":
        # Lecture 003: Dense 7*7*64 + BN + LeakyReLU, Reshape, Dropout 0.4, then UpSampling +
        # Conv2DTranspose 32 and 16 (kernel 5, BN, LeakyReLU), then Conv2D(1, 5, sigmoid). The
        # sigmoid's [0, 1] is mapped to [-1, 1], the range every GAN of the studio trains on; the
        # discriminator sees the same pictures linearly rescaled, which its first layer absorbs.
        m = config.batch_norm_momentum
        x = layers.Dense(7 * 7 * 64)(z)
        x = layers.LeakyReLU()(layers.BatchNormalization(momentum=m)(x))
        x = layers.Dropout(config.dropout)(layers.Reshape((7, 7, 64))(x))
        for filters in (32, 16):
            x = layers.Conv2DTranspose(filters, 5, padding="same")(layers.UpSampling2D()(x))
            x = layers.LeakyReLU()(layers.BatchNormalization(momentum=m)(x))
        x = layers.Conv2D(1, 5, padding="same", activation="sigmoid")(x)
        return keras.Model(z, layers.Rescaling(2.0, offset=-1.0)(x), name="conv003_generator")
    if config.architecture != "dcgan":
        raise ValueError(f"Unknown GAN architecture {config.architecture!r}.")
    # Program 10-4, lines 34-51: Dense 3136 -> 7x7x64, two UpSampling + Conv 5x5 stages, tanh.
    m = config.batch_norm_momentum
    x = layers.Dense(3136)(z)
    x = layers.BatchNormalization(momentum=m)(x)
    x = layers.Activation("relu")(x)
    x = layers.Reshape((7, 7, 64))(x)
    for filters, upsample in ((128, True), (64, True), (64, False)):
        if upsample:
            x = layers.UpSampling2D()(x)
        x = layers.Conv2D(filters, 5, padding="same")(x)
        x = layers.BatchNormalization(momentum=m)(x)
        x = layers.Activation("relu")(x)
    image = layers.Conv2D(1, 5, padding="same", activation="tanh")(x)
    return keras.Model(z, image, name="dcgan_generator")


def build_discriminator(config: GANConfig):
    """image (28, 28, 1) -> one logit (the lectures' sigmoid is applied inside the loss)."""
    image = keras.Input((28, 28, 1), name="image")

    def activate(x):
        return layers.LeakyReLU(0.2)(x) if config.leaky else layers.Activation("relu")(x)

    if config.architecture == "dense":
        # Lecture 001: 784 -> 256 ReLU -> dropout 0.3 -> 1.
        x = layers.Flatten()(image)
        x = activate(layers.Dense(256)(x))
        x = layers.Dropout(config.dropout)(x)
        return keras.Model(image, layers.Dense(1)(x), name="dense_discriminator")
    if config.architecture == "conv003":
        # Lecture 003: Conv2D 64 / 128 / 256, kernel 5, stride 2, ReLU, each with Dropout 0.4; Dense(1).
        x = image
        for filters in (64, 128, 256):
            x = activate(layers.Conv2D(filters, 5, strides=2, padding="same")(x))
            x = layers.Dropout(config.dropout)(x)
        return keras.Model(image, layers.Dense(1)(layers.Flatten()(x)), name="conv003_discriminator")
    # Program 10-4, lines 21-31: four 5x5 convolutions (strides 2, 2, 2, 1), each with dropout 0.4.
    x = image
    for filters, stride in ((64, 2), (64, 2), (128, 2), (128, 1)):
        x = activate(layers.Conv2D(filters, 5, strides=stride, padding="same")(x))
        x = layers.Dropout(config.dropout)(x)
    x = layers.Flatten()(x)
    return keras.Model(image, layers.Dense(1)(x), name="dcgan_discriminator")


def make_gan(config: GANConfig, generator=None, discriminator=None):
    """A ``GAN`` training model (subclassed keras.Model, below) with fresh or given networks."""
    return _gan_class()(config, generator, discriminator)


@functools.cache
def _gan_class():
    class GAN(keras.Model):
        """The adversarial training algorithm (Fig. 10-7): ``fit`` on real images in [-1, 1].

        Logs per step: ``d_loss`` (the mean of the real and fake terms, as lecture 001 prints it),
        ``g_loss``, and D's mean probability on real (``d_real``) and fake (``d_fake``) images.
        """

        def __init__(self, config: GANConfig, generator=None, discriminator=None, **kwargs) -> None:
            super().__init__(**kwargs)
            self.config = config
            self.generator = generator or build_generator(config)
            self.discriminator = discriminator or build_discriminator(config)
            self._bce = keras.losses.BinaryCrossentropy(from_logits=True)
            self._trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")}
            self.seed_generator = keras.random.SeedGenerator()  # seeded by keras.utils.set_random_seed

        def compile(self, d_optimizer=None, g_optimizer=None, **kwargs) -> None:
            """Two Adam optimizers (the lecture compiles D and the stacked GAN separately)."""
            super().compile(**kwargs)
            c = self.config
            self.d_optimizer = d_optimizer or keras.optimizers.Adam(c.learning_rate, beta_1=c.beta_1)
            self.g_optimizer = g_optimizer or keras.optimizers.Adam(
                c.learning_rate, beta_1=c.beta_1, **({"use_ema": True, "ema_momentum": c.ema} if c.ema else {}))

        @property
        def metrics(self):
            return list(self._trackers.values())

        def set_learning_rate_factor(self, factor: float) -> None:
            """Both optimizers' learning rates become ``factor`` times the configured one."""
            for optimizer in (self.d_optimizer, self.g_optimizer):
                optimizer.learning_rate = self.config.learning_rate * factor

        def call(self, z, training=False):
            return self.generator(z, training=training)

        def _noisy(self, targets):
            if self.config.label_noise > 0:  # Keras book 12.5.2: "add random noise to the labels"
                targets = targets + self.config.label_noise * keras.random.uniform(
                    tf.shape(targets), seed=self.seed_generator)
            return targets

        def _noise(self, batch, latent):
            if self.config.latent == "uniform":  # lecture 003: np.random.uniform(-1, 1, ...)
                return keras.random.uniform((batch, latent), -1.0, 1.0, seed=self.seed_generator)
            return keras.random.normal((batch, latent), seed=self.seed_generator)

        def train_step(self, real):
            if isinstance(real, tuple):
                real = real[0]
            batch = tf.shape(real)[0]
            latent = self.config.latent_dim
            ones, zeros = tf.ones((batch, 1)), tf.zeros((batch, 1))

            # 1) D on a real batch labelled 1 and a fake batch labelled 0 (lines 62-69).
            z = self._noise(batch, latent)
            fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = 0.5 * (self._bce(self._noisy(ones), real_logits) + self._bce(self._noisy(zeros), fake_logits))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            # 2) G through a frozen D on fresh noise labelled 1 (lines 70-73): only G's weights move.
            z = self._noise(batch, latent)
            with tf.GradientTape() as tape:
                g_logits = self.discriminator(self.generator(z, training=True), training=True)
                g_loss = self._bce(ones, g_logits)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

            for name, value in (("d_loss", d_loss), ("g_loss", g_loss),
                                ("d_real", tf.reduce_mean(tf.sigmoid(real_logits))),
                                ("d_fake", tf.reduce_mean(tf.sigmoid(fake_logits)))):
                self._trackers[name].update_state(value)
            return {name: tracker.result() for name, tracker in self._trackers.items()}

    return GAN


def latent_codes(config: GANConfig, n: int, seed: int) -> np.ndarray:
    """n latent vectors z ~ N(0, I) (or U(-1, 1) for ``config.latent`` "uniform"), a pure function of ``seed``."""
    rng = np.random.default_rng(seed)
    if config.latent == "uniform":
        return rng.uniform(-1.0, 1.0, (n, config.latent_dim)).astype(np.float32)
    return rng.standard_normal((n, config.latent_dim)).astype(np.float32)


def slerp_codes(a: np.ndarray, b: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Spherical interpolation between two latent vectors: (codes (steps, d), alphas).

    Straight lines between Gaussian vectors pass near the origin, where codes are rarer than on the
    shell both ends lie on; the arc keeps every frame a typical code (White, 2016).
    """
    alphas = np.linspace(0.0, 1.0, steps)
    na, nb = a / np.linalg.norm(a), b / np.linalg.norm(b)
    omega = np.arccos(np.clip(np.dot(na, nb), -1.0, 1.0))
    if omega < 1e-6:
        codes = (1 - alphas)[:, None] * a + alphas[:, None] * b
    else:
        codes = (np.sin((1 - alphas) * omega)[:, None] * a + np.sin(alphas * omega)[:, None] * b) / np.sin(omega)
    return codes.astype(np.float32), alphas


def averaged_generator(model, inputs: np.ndarray, into=None):
    """The generator to judge and ship: G's weight average (with ``config.ema``) with precise BatchNorm,
    as a fresh copy (or written into ``into``, a generator of the same network, so that a traced
    inference of it serves every reading); ``model`` (a compiled ``GAN``) trains on untouched.
    ``inputs``: noise codes."""
    return averaged_twin(model.generator, model.g_optimizer,
                         (lambda: into) if into is not None else (lambda: build_generator(model.config)), inputs)


class GeneratorInference:
    """A trained generator behind one traced function: z batch -> uint8 images (n, 28, 28)."""

    def __init__(self, generator, config: GANConfig) -> None:
        self.generator = generator
        self.config = config
        # One trace for every batch size: reduce_retracing still traced again for new sizes.
        self._forward = tf.function(lambda z: generator(z, training=False),
                                    input_signature=[tf.TensorSpec((None, config.latent_dim), tf.float32)])

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Images for latent codes ``z`` (n, latent_dim)."""
        out = self._forward(np.asarray(z, np.float32)).numpy()[..., 0]
        return np.clip(np.rint((out + 1.0) * 127.5), 0, 255).astype(np.uint8)

    def generate(self, n: int, seed: int) -> np.ndarray:
        """n samples; the same seed gives the same images."""
        return self.decode(latent_codes(self.config, n, seed))
