"""InfoGAN (Chen et al. 2016; lecture 000, section 10.5.1, Fig. 10-11): codes a GAN learns to mean
something, without labels.

The generator reads noise z plus a code c: one 10-way categorical code c1 and two continuous codes
c2, c3 uniform in [-1, 1]. The discriminator's trunk is shared with a Q head that guesses c from the
image. Besides the GAN game, both networks minimise the guess's error (a lower bound on the mutual
information I(c; G(z, c))): cross-entropy for c1 and, for c2 and c3, the negative log-likelihood of a
unit-variance Gaussian around Q's guess (half the squared error, as the paper's fixed-variance
choice). So G must keep c readable in its images, and on MNIST c1 becomes the digit, c2 and c3 the
slant and the stroke width (Fig. 10-11), although nobody told it what digits are.

Networks: the paper's MNIST ones (its appendix, Table 1), images in [-1, 1] (tanh). Keras is
imported inside the functions, so importing this module does not import TensorFlow.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from studio.serving.lazy_keras import keras, layers, tf


@dataclass(frozen=True)
class InfoGANConfig:
    """Hyper-parameters (``config.json`` of the bundle); the defaults are the paper's MNIST ones."""

    noise_dim: int = 62
    categories: int = 10
    continuous: int = 2
    width: int = 64  # filters of the first convolution (the paper: 64); dense layers scale with it
    d_learning_rate: float = 2e-4
    g_learning_rate: float = 1e-3
    beta_1: float = 0.5
    info_weight: float = 1.0  # lambda: weight of the mutual-information term, for c1 and for c2, c3

    def __post_init__(self) -> None:
        if self.categories < 2:
            raise ValueError(f"InfoGAN's c1 needs at least 2 categories (got {self.categories}).")
        if self.continuous < 0:
            raise ValueError(f"The number of continuous codes cannot be negative (got {self.continuous}).")
        if self.noise_dim < 1:
            raise ValueError(f"The generator needs noise: noise_dim must be at least 1 (got {self.noise_dim}).")

    @property
    def code_dim(self) -> int:
        """Length of the generator's input: noise, one-hot c1, continuous codes."""
        return self.noise_dim + self.categories + self.continuous


def build_generator(config: InfoGANConfig):
    """[z, one-hot c1, c2..] -> image (28, 28, 1) in [-1, 1]: FC 1024, FC 7x7x128, two 4x4 up-convolutions."""
    w = config.width
    inputs = keras.Input((config.code_dim,), name="z_and_code")
    x = layers.Dense(16 * w)(inputs)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.Dense(7 * 7 * 2 * w)(x)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.Reshape((7, 7, 2 * w))(x)
    x = layers.Conv2DTranspose(w, 4, strides=2, padding="same")(x)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(inputs, image, name="infogan_generator")


def build_discriminator(config: InfoGANConfig):
    """image -> (real/fake logit (N, 1), c1 logits (N, categories), c2.. means (N, continuous)).

    One trunk (4x4 convolutions 64 and 128 with stride 2, FC 1024, LeakyReLU 0.1) feeds both D's
    logit and the Q head (FC 128): Q costs almost nothing on top of D, as the paper points out.
    """
    w = config.width
    image = keras.Input((28, 28, 1), name="image")
    x = layers.LeakyReLU(0.1)(layers.Conv2D(w, 4, strides=2, padding="same")(image))
    x = layers.Conv2D(2 * w, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.1)(layers.BatchNormalization()(x))
    x = layers.Flatten()(x)
    x = layers.LeakyReLU(0.1)(layers.BatchNormalization()(layers.Dense(16 * w)(x)))
    logit = layers.Dense(1, name="real_or_fake")(x)
    q = layers.LeakyReLU(0.1)(layers.BatchNormalization()(layers.Dense(2 * w)(x)))
    category = layers.Dense(config.categories, name="c1_logits")(q)
    continuous = layers.Dense(config.continuous, name="c_continuous_mean")(q)
    return keras.Model(image, [logit, category, continuous], name="infogan_discriminator")


def sample_codes(config: InfoGANConfig, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(noise (n, noise_dim) ~ N(0, I), c1 (n,) uniform over the categories, continuous (n, k) ~ U(-1, 1)):
    a pure function of ``seed``."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((n, config.noise_dim)).astype(np.float32)
    category = rng.integers(0, config.categories, n)
    continuous = rng.uniform(-1.0, 1.0, (n, config.continuous)).astype(np.float32)
    return noise, category, continuous


def generator_input(config: InfoGANConfig, noise, category, continuous) -> np.ndarray:
    """The generator's input rows [z, one-hot c1, continuous codes]; shapes broadcast per row."""
    noise = np.asarray(noise, np.float32)
    n = len(noise)
    one_hot = np.eye(config.categories, dtype=np.float32)[np.broadcast_to(np.asarray(category, int), (n,))]
    continuous = np.broadcast_to(np.asarray(continuous, np.float32), (n, config.continuous))
    return np.concatenate([noise, one_hot, continuous], axis=1)


def make_infogan(config: InfoGANConfig, generator=None, discriminator=None):
    """A compiled ``InfoGAN`` training model (below) with fresh or given networks."""
    model = _infogan_class()(config, generator, discriminator)
    model.compile(d_optimizer=keras.optimizers.Adam(config.d_learning_rate, beta_1=config.beta_1),
                  g_optimizer=keras.optimizers.Adam(config.g_learning_rate, beta_1=config.beta_1))
    return model


def _random_codes(c: InfoGANConfig, batch, seed_generator):
    """A training batch of codes, drawn in the graph: (generator inputs [z, one-hot c1, continuous],
    one-hot c1, continuous codes)."""
    noise = keras.random.normal((batch, c.noise_dim), seed=seed_generator)
    category = keras.random.randint((batch,), 0, c.categories, seed=seed_generator)
    one_hot = tf.one_hot(category, c.categories)
    continuous = keras.random.uniform((batch, c.continuous), -1.0, 1.0, seed=seed_generator)
    return tf.concat([noise, one_hot, continuous], axis=1), one_hot, continuous


def _information_loss(cce, one_hot, continuous, category_logits, continuous_mean):
    """Q's error reading the codes back: (c1's cross-entropy ``cce``, the continuous codes' loss)."""
    c1 = cce(one_hot, category_logits)
    # Gaussian NLL with unit variance, up to a constant: half the squared error, summed over codes.
    c_cont = tf.reduce_mean(tf.reduce_sum(0.5 * tf.square(continuous - continuous_mean), axis=1))
    return c1, c_cont


@functools.cache
def _infogan_class():
    class InfoGAN(keras.Model):
        """The InfoGAN game: ``fit`` on real images in [-1, 1].

        Step 1, D and Q (shared trunk): the real/fake cross-entropy on a real and a fake batch plus
        lambda x the information loss on the fake batch. Step 2, G: fool D on fresh codes plus lambda
        x the same information loss. Logs ``d_loss``, ``g_loss``, ``info_loss`` (its categorical and
        continuous parts as ``c1_loss`` and ``c_cont_loss``) and ``q_accuracy`` (Q reads back c1).
        """

        def __init__(self, config: InfoGANConfig, generator=None, discriminator=None, **kwargs) -> None:
            super().__init__(**kwargs)
            self.config = config
            self.generator = generator or build_generator(config)
            self.discriminator = discriminator or build_discriminator(config)
            self._bce = keras.losses.BinaryCrossentropy(from_logits=True)
            self._cce = keras.losses.CategoricalCrossentropy(from_logits=True)
            names = ("d_loss", "g_loss", "info_loss", "c1_loss", "c_cont_loss", "q_accuracy")
            self._trackers = {name: keras.metrics.Mean(name=name) for name in names}
            self.seed_generator = keras.random.SeedGenerator()  # seeded by keras.utils.set_random_seed

        def compile(self, d_optimizer, g_optimizer, **kwargs) -> None:
            super().compile(**kwargs)
            self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

        @property
        def metrics(self):
            return list(self._trackers.values())

        def call(self, inputs, training=False):
            return self.generator(inputs, training=training)

        def train_step(self, real):
            if isinstance(real, tuple):
                real = real[0]
            batch = tf.shape(real)[0]
            ones, zeros = tf.ones((batch, 1)), tf.zeros((batch, 1))
            lam = self.config.info_weight

            # 1) D and Q: real vs fake, and read the fake batch's codes back.
            inputs, one_hot, continuous = _random_codes(self.config, batch, self.seed_generator)
            fake = self.generator(inputs, training=True)
            with tf.GradientTape() as tape:
                real_logit, _, _ = self.discriminator(real, training=True)
                fake_logit, category_logits, continuous_mean = self.discriminator(fake, training=True)
                d_adv = 0.5 * (self._bce(ones, real_logit) + self._bce(zeros, fake_logit))
                c1, c_cont = _information_loss(self._cce, one_hot, continuous, category_logits, continuous_mean)
                d_loss = d_adv + lam * (c1 + c_cont)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            # 2) G on fresh codes: fool D and keep the codes readable; only G's weights move.
            inputs, one_hot, continuous = _random_codes(self.config, batch, self.seed_generator)
            with tf.GradientTape() as tape:
                logit, category_logits, continuous_mean = self.discriminator(
                    self.generator(inputs, training=True), training=True)
                g_adv = self._bce(ones, logit)
                c1, c_cont = _information_loss(self._cce, one_hot, continuous, category_logits, continuous_mean)
                g_loss = g_adv + lam * (c1 + c_cont)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

            accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(category_logits, 1), tf.argmax(one_hot, 1)),
                                              tf.float32))
            for name, value in (("d_loss", d_adv), ("g_loss", g_adv), ("info_loss", c1 + c_cont), ("c1_loss", c1),
                                ("c_cont_loss", c_cont), ("q_accuracy", accuracy)):
                self._trackers[name].update_state(value)
            return {name: tracker.result() for name, tracker in self._trackers.items()}

    return InfoGAN


class InfoGANInference:
    """A trained generator behind one traced function: [z, c] rows -> uint8 images (n, 28, 28)."""

    def __init__(self, generator, config: InfoGANConfig) -> None:
        self.generator = generator
        self.config = config
        self._forward = tf.function(lambda x: generator(x, training=False),
                                    input_signature=[tf.TensorSpec((None, config.code_dim), tf.float32)])

    def decode(self, noise, category, continuous) -> np.ndarray:
        """Images for the given noise rows, c1 values and continuous codes (broadcast per row)."""
        out = self._forward(generator_input(self.config, noise, category, continuous)).numpy()[..., 0]
        return np.clip(np.rint((out + 1.0) * 127.5), 0, 255).astype(np.uint8)

    def generate(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """n samples with random codes: (images, c1 values, continuous codes); seeded."""
        noise, category, continuous = sample_codes(self.config, n, seed)
        return self.decode(noise, category, continuous), category, continuous

    def code_grid(self, code: int, values: np.ndarray, seed: int, noise_rows: int = 1) -> np.ndarray:
        """Fig. 10-11's grid: rows are c1 = 0..categories-1, columns the continuous ``code`` (0: c2, 1: c3)
        at ``values``, the other continuous code at 0; one noise vector per row block (``seed``).
        Returns images (categories * noise_rows, len(values), 28, 28)."""
        c = self.config
        values = np.asarray(values, np.float32)
        noise = sample_codes(c, noise_rows, seed)[0]
        rows = []
        for category in range(c.categories):
            for z in noise:
                continuous = np.zeros((len(values), c.continuous), np.float32)
                continuous[:, code] = values
                rows.append(self.decode(np.repeat(z[None], len(values), 0), category, continuous))
        return np.stack(rows)
