"""The conditional GAN of lecture 004 ("cGAN으로 MNIST 학습하기"), and a small convolutional twin.

Lecture 004 (dense, subclassed models, as written there):
- ``GeneratorCGAN``: noise (100) -> Dense 256 ReLU, label one-hot (10) -> Dense 256 ReLU,
  concatenated -> Dense 512 ReLU -> Dense 784 tanh -> (28, 28, 1).
- ``DiscriminatorCGAN``: image -> Maxout(240, 5), label -> Maxout(50, 5), concatenated ->
  Maxout(240, 4) -> Dense 1 (a logit). ``Maxout(units, pieces)`` = Dense(units * pieces, ReLU as the
  lecture writes it) -> Dropout 0.5 -> the maximum over the ``pieces`` groups.
- Binary cross-entropy from logits, Adam(1e-4) for both networks.

``conv`` (a cDCGAN, not in the lecture): the label is concatenated to the noise in G and broadcast as
ten constant channels beside the image in D, so every convolution sees it:
- G: [noise, label] -> Dense 7*7*128 LeakyReLU -> ConvT 64 (4, s2) LeakyReLU -> ConvT 1 (4, s2) tanh.
- D: [image, label planes] (28, 28, 11) -> Conv 64 (3, s2) LeakyReLU -> Conv 128 (3, s2) LeakyReLU
  -> Flatten (h) -> Dropout 0.3 -> Dense 1, plus the projection <Dense(one-hot), h> of the label on h.
No batch normalisation, so a generator behaves the same in training and at inference.

``aux_weight`` > 0 (conv only) adds an auxiliary classifier (AC-GAN, Odena et al. 2017): D's trunk
then sees the image alone, keeps the projection term for "is this a real y?", and a second head
names the digit. D learns that head on real digits; G is also scored on whether its fake is named
as the digit it was asked for. The plain cDCGAN's labels held at 96-97% agreement under the judge;
the extra loss is what makes "choose a digit, get that digit" hold for nearly every noise vector.

``ConditionalGAN`` is the training algorithm as a subclassed ``keras.Model``: its ``train_step``
updates D, then G against the updated D, in one compiled step (the lecture's ``cgan_step`` updates
both from one persistent tape). Images are in [-1, 1] for the networks, uint8 (N, 28, 28) outside.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from studio.media.imaging import to_uint8
from studio.serving.lazy_keras import keras, layers, tf

NUM_CLASSES = 10
KINDS = ("dense", "conv")


@dataclass(frozen=True)
class CGANConfig:
    """Constructor arguments of a conditional GAN (saved as config.json)."""

    kind: str = "dense"  # "dense" (lecture 004) or "conv" (cDCGAN)
    noise_dim: int = 100  # the lecture's tf.random.normal([N, 100])
    num_classes: int = NUM_CLASSES
    learning_rate: float = 1e-4  # the lecture's Adam(1e-4)
    beta_1: float = 0.9  # Keras's default, as the lecture; DCGANs usually take 0.5
    aux_weight: float = 0.0  # AC-GAN class loss weight (conv only); 0 = the plain cGAN


# The Keras classes are defined on first use, one small factory each, so that importing this module does
# not import TensorFlow; ``classes()`` defines them all and gives them by name.
@functools.cache
def _maxout_class():
    @keras.saving.register_keras_serializable(package="studio_cgan")
    class Maxout(layers.Layer):
        """Lecture 004's Maxout: Dense(units * pieces, ReLU) -> Dropout 0.5 -> max over pieces -> (N, units).

        The lecture reshapes to (-1, pieces, units) and keeps a length-1 axis; this returns (N, units).
        """

        def __init__(self, units: int, pieces: int, dropout: float = 0.5, **kwargs):
            super().__init__(**kwargs)
            self.units, self.pieces, self.dropout_rate = units, pieces, dropout
            self.dense = layers.Dense(units * pieces, activation="relu")
            self.dropout = layers.Dropout(dropout)
            self.reshape = layers.Reshape((pieces, units))

        def call(self, x, training=None):
            x = self.dropout(self.dense(x), training=training)
            return tf.reduce_max(self.reshape(x), axis=1)

        def get_config(self):
            return {**super().get_config(), "units": self.units, "pieces": self.pieces, "dropout": self.dropout_rate}

    return Maxout


@functools.cache
def _generator_class():
    @keras.saving.register_keras_serializable(package="studio_cgan")
    class GeneratorCGAN(keras.Model):
        """Lecture 004's generator: (noise (N, 100), one-hot label (N, 10)) -> (N, 28, 28, 1) in [-1, 1]."""

        def __init__(self, noise_dim: int = 100, num_classes: int = NUM_CLASSES, **kwargs):
            super().__init__(**kwargs)
            self.noise_dim, self.num_classes = noise_dim, num_classes
            self.dense_z = layers.Dense(256, activation="relu")
            self.dense_y = layers.Dense(256, activation="relu")
            self.combined_dense = layers.Dense(512, activation="relu")
            self.final_dense = layers.Dense(28 * 28 * 1, activation="tanh")
            self.reshape = layers.Reshape((28, 28, 1))

        def call(self, noise, label, training=None):
            out = tf.concat([self.dense_z(noise), self.dense_y(label)], axis=-1)
            return self.reshape(self.final_dense(self.combined_dense(out)))

        def get_config(self):
            return {**super().get_config(), "noise_dim": self.noise_dim, "num_classes": self.num_classes}

    return GeneratorCGAN


@functools.cache
def _discriminator_class():
    Maxout = _maxout_class()

    @keras.saving.register_keras_serializable(package="studio_cgan")
    class DiscriminatorCGAN(keras.Model):
        """Lecture 004's Maxout discriminator: (image (N, 28, 28, 1), one-hot label (N, 10)) -> logit (N, 1)."""

        def __init__(self, num_classes: int = NUM_CLASSES, **kwargs):
            super().__init__(**kwargs)
            self.num_classes = num_classes
            self.flatten = layers.Flatten()
            self.image_block = Maxout(240, 5)
            self.label_block = Maxout(50, 5)
            self.combine_block = Maxout(240, 4)
            self.dense = layers.Dense(1)

        def call(self, image, label, training=None):
            image = self.image_block(self.flatten(image), training=training)
            label = self.label_block(label, training=training)
            x = self.combine_block(tf.concat([image, label], axis=-1), training=training)
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "num_classes": self.num_classes}

    return DiscriminatorCGAN


@functools.cache
def _conv_generator_class():
    @keras.saving.register_keras_serializable(package="studio_cgan")
    class ConvGeneratorCGAN(keras.Model):
        """cDCGAN generator: [noise, one-hot] -> 7x7x128 -> 14x14x64 -> (N, 28, 28, 1) tanh."""

        def __init__(self, noise_dim: int = 100, num_classes: int = NUM_CLASSES, **kwargs):
            super().__init__(**kwargs)
            self.noise_dim, self.num_classes = noise_dim, num_classes
            self.project = layers.Dense(7 * 7 * 128)
            self.reshape = layers.Reshape((7, 7, 128))
            self.up_1 = layers.Conv2DTranspose(64, 4, strides=2, padding="same")
            self.up_2 = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")

        def call(self, noise, label, training=None):
            x = tf.nn.leaky_relu(self.project(tf.concat([noise, label], axis=-1)), 0.2)
            x = tf.nn.leaky_relu(self.up_1(self.reshape(x)), 0.2)
            return self.up_2(x)

        def get_config(self):
            return {**super().get_config(), "noise_dim": self.noise_dim, "num_classes": self.num_classes}

    return ConvGeneratorCGAN


@functools.cache
def _conv_discriminator_class():
    @keras.saving.register_keras_serializable(package="studio_cgan")
    class ConvDiscriminatorCGAN(keras.Model):
        """cDCGAN discriminator -> logit (N, 1): the label as constant planes beside the image, plus a
        projection term; with ``auxiliary`` the trunk sees the image alone and a class head is added."""

        def __init__(self, num_classes: int = NUM_CLASSES, auxiliary: bool = False, **kwargs):
            super().__init__(**kwargs)
            self.num_classes, self.auxiliary = num_classes, auxiliary
            self.conv_1 = layers.Conv2D(64, 3, strides=2, padding="same")
            self.conv_2 = layers.Conv2D(128, 3, strides=2, padding="same")
            self.flatten = layers.Flatten()
            self.dropout = layers.Dropout(0.3)
            self.dense = layers.Dense(1)
            self.embed = layers.Dense(7 * 7 * 128, use_bias=False)  # one-hot -> projection vector
            # The class head must not see the label: with label planes in the trunk it could just read them.
            self.classify = layers.Dense(num_classes) if auxiliary else None

        def logits_and_classes(self, image, label, training=None):
            """(real/fake logit (N, 1), class logits (N, K) or None)."""
            x = image
            if not self.auxiliary:
                planes = tf.broadcast_to(label[:, None, None, :],
                                         tf.concat([tf.shape(image)[:3], [self.num_classes]], 0))
                x = tf.concat([image, planes], axis=-1)
            x = tf.nn.leaky_relu(self.conv_1(x), 0.2)
            h = self.dropout(self.flatten(tf.nn.leaky_relu(self.conv_2(x), 0.2)), training=training)
            # Projection (Miyato & Koyama 2018): + <embed(y), h>, so the logit asks "is this a real y?"
            logit = self.dense(h) + tf.reduce_sum(self.embed(label) * h, axis=-1, keepdims=True)
            return logit, (self.classify(h) if self.auxiliary else None)

        def call(self, image, label, training=None):
            return self.logits_and_classes(image, label, training=training)[0]

        def get_config(self):
            return {**super().get_config(), "num_classes": self.num_classes, "auxiliary": self.auxiliary}

    return ConvDiscriminatorCGAN


@functools.cache
def _losses():
    """(generator_loss, discriminator_loss): the lecture's two losses, sharing one BCE from logits."""
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def generator_loss(fake_output):
        """The lecture's generator_loss: BCE(1, D(G(z, y), y))."""
        return bce(tf.ones_like(fake_output), fake_output)

    def discriminator_loss(real_output, fake_output):
        """The lecture's discriminator_loss: BCE(1, D(x, y)) + BCE(0, D(G(z, y), y))."""
        return bce(tf.ones_like(real_output), real_output) + bce(tf.zeros_like(fake_output), fake_output)

    return generator_loss, discriminator_loss


@functools.cache
def _cgan_class():
    generator_loss, discriminator_loss = _losses()

    class ConditionalGAN(keras.Model):
        """Generator and discriminator trained together; ``compile(g_optimizer=..., d_optimizer=...)``."""

        def __init__(self, generator, discriminator, noise_dim: int, seed: int | None = None,
                     aux_weight: float = 0.0, **kwargs):
            super().__init__(**kwargs)
            self.generator, self.discriminator, self.noise_dim = generator, discriminator, noise_dim
            self.aux_weight = float(aux_weight)
            self.seed_generator = keras.random.SeedGenerator(seed)
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.class_loss_tracker = keras.metrics.Mean(name="class_loss") if self.aux_weight else None

        def compile(self, g_optimizer, d_optimizer, **kwargs):
            super().compile(**kwargs)
            self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

        @property
        def metrics(self):
            extra = [self.class_loss_tracker] if self.class_loss_tracker is not None else []
            return [self.d_loss_tracker, self.g_loss_tracker, *extra]

        def call(self, inputs, training=False):
            noise, label = inputs
            return self.generator(noise, label, training=training)

        def _judge(self, images, labels):
            """D's logit, and the auxiliary class loss (0 without the head)."""
            if not self.aux_weight:
                return self.discriminator(images, labels, training=True), 0.0
            logit, classes = self.discriminator.logits_and_classes(images, labels, training=True)
            return logit, tf.reduce_mean(keras.losses.categorical_crossentropy(labels, classes, from_logits=True))

        def train_step(self, data):
            real_images, labels = data[:2]  # (N, 28, 28, 1) in [-1, 1], one-hot (N, 10); fit may add weights
            n = tf.shape(real_images)[0]
            # 1. the discriminator, on real pairs and on fakes of the same labels (lecture 004's loss);
            #    with the auxiliary head it also learns to name the real digits
            noise = keras.random.normal((n, self.noise_dim), seed=self.seed_generator)
            fake_images = self.generator(noise, labels, training=True)
            with tf.GradientTape() as tape:
                real_out, real_class_loss = self._judge(real_images, labels)
                fake_out = self.discriminator(fake_images, labels, training=True)
                d_loss = discriminator_loss(real_out, fake_out)
                d_total = d_loss + self.aux_weight * real_class_loss
            grads = tape.gradient(d_total, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
            # 2. the generator, against the discriminator just updated (and its class head)
            noise = keras.random.normal((n, self.noise_dim), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                fake_out, fake_class_loss = self._judge(self.generator(noise, labels, training=True), labels)
                g_loss = generator_loss(fake_out)
                g_total = g_loss + self.aux_weight * fake_class_loss
            grads = tape.gradient(g_total, self.generator.trainable_variables)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            if self.class_loss_tracker is not None:
                self.class_loss_tracker.update_state(real_class_loss)
            return {m.name: m.result() for m in self.metrics}

    return ConditionalGAN


@functools.cache
def classes() -> dict:
    """The Keras classes and loss functions of this module, by name (defined once, on first use)."""
    generator_loss, discriminator_loss = _losses()
    return {"Maxout": _maxout_class(), "GeneratorCGAN": _generator_class(),
            "DiscriminatorCGAN": _discriminator_class(), "ConvGeneratorCGAN": _conv_generator_class(),
            "ConvDiscriminatorCGAN": _conv_discriminator_class(), "ConditionalGAN": _cgan_class(),
            "generator_loss": generator_loss, "discriminator_loss": discriminator_loss}


def _check_kind(config: CGANConfig) -> None:
    if config.kind not in KINDS:
        raise ValueError(f"Unknown cGAN kind {config.kind!r}; choose one of {KINDS}.")


def build_generator(config: CGANConfig):
    """The generator of ``config.kind``, weights built."""
    _check_kind(config)
    name = "GeneratorCGAN" if config.kind == "dense" else "ConvGeneratorCGAN"
    generator = classes()[name](config.noise_dim, config.num_classes)
    generator(np.zeros((1, config.noise_dim), np.float32), np.zeros((1, config.num_classes), np.float32))
    return generator


def build_discriminator(config: CGANConfig):
    """The discriminator of ``config.kind``, weights built."""
    _check_kind(config)
    if config.kind == "dense":
        if config.aux_weight:
            raise ValueError("The auxiliary classifier (aux_weight) is for the conv cGAN only.")
        discriminator = classes()["DiscriminatorCGAN"](config.num_classes)
    else:
        discriminator = classes()["ConvDiscriminatorCGAN"](config.num_classes, auxiliary=config.aux_weight > 0)
    discriminator(np.zeros((1, 28, 28, 1), np.float32), np.zeros((1, config.num_classes), np.float32))
    return discriminator


def make_cgan(config: CGANConfig, seed: int | None = None):
    """A compiled ``ConditionalGAN`` of ``config`` (Adam(learning_rate, beta_1) for both networks;
    the auxiliary class loss when ``config.aux_weight`` > 0)."""
    model = classes()["ConditionalGAN"](build_generator(config), build_discriminator(config), config.noise_dim, seed,
                                        aux_weight=config.aux_weight)
    model.compile(g_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1),
                  d_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1))
    return model


def one_hot(labels, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Integer labels (N,) -> float32 one-hot (N, num_classes), as the lecture's tf.one_hot."""
    labels = np.asarray(labels, np.int64).reshape(-1)
    return np.eye(num_classes, dtype=np.float32)[labels]


def blended_labels(label_a: int, label_b: int, t, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """(1 - t) * one_hot(a) + t * one_hot(b) for each blend t (steps,) -> label vectors (steps, K)."""
    t = np.asarray(t, np.float32).reshape(-1, 1)
    return (1 - t) * one_hot([label_a], num_classes) + t * one_hot([label_b], num_classes)


def noise_vectors(n: int, seed: int, noise_dim: int = 100) -> np.ndarray:
    """``n`` standard normal noise vectors (n, noise_dim); the same seed gives the same vectors."""
    return np.random.default_rng(seed).standard_normal((n, noise_dim)).astype(np.float32)


class CGANInference:
    """Compiled, batched generation of a trained generator: numpy in, uint8 (N, 28, 28) out."""

    def __init__(self, generator, config: CGANConfig) -> None:
        self.generator, self.config = generator, config
        self._decode = tf.function(lambda z, y: generator(z, y, training=False),
                                   input_signature=[tf.TensorSpec((None, config.noise_dim), tf.float32),
                                                    tf.TensorSpec((None, config.num_classes), tf.float32)])

    def decode(self, noise: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Noise (N, noise_dim) and label vectors (N, K) (one-hot or blended) -> uint8 (N, 28, 28), one call."""
        images = self._decode(np.asarray(noise, np.float32), np.asarray(labels, np.float32)).numpy()
        return to_uint8(images[..., 0], (-1.0, 1.0))

    def generate(self, labels, seed: int, noise_scale: float = 1.0) -> np.ndarray:
        """One image per integer label; sample i uses noise vector i of ``seed`` times ``noise_scale``.

        ``noise_scale`` < 1 draws z from a narrower normal (the "truncation trick"): less variety,
        cleaner digits. Pure and seeded.
        """
        labels = np.asarray(labels, np.int64).reshape(-1)
        noise = noise_vectors(len(labels), seed, self.config.noise_dim) * np.float32(noise_scale)
        return self.decode(noise, one_hot(labels, self.config.num_classes))

    def table(self, cols: int, seed: int, noise_scale: float = 1.0) -> np.ndarray:
        """The class x noise table: row k is class k, column j noise vector j of ``seed``: (K * cols, 28, 28)."""
        k = self.config.num_classes
        noise = np.tile(noise_vectors(cols, seed, self.config.noise_dim) * np.float32(noise_scale), (k, 1))
        return self.decode(noise, one_hot(np.repeat(np.arange(k), cols), k))

    def morph(self, label_a: int, label_b: int, t, seed: int, noise_scale: float = 1.0) -> np.ndarray:
        """Blended labels (see ``blended_labels``) at one fixed noise vector of ``seed``: frames (steps, 28, 28), one call."""
        labels = blended_labels(label_a, label_b, t, self.config.num_classes)
        noise = noise_vectors(1, seed, self.config.noise_dim) * np.float32(noise_scale)
        return self.decode(np.repeat(noise, len(labels), axis=0), labels)
