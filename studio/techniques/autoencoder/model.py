"""Autoencoders of lecture 000 (Programs 10-2(a), 10-2(b), 10-3) and lecture 003 (dense, denoising).

- ``conv``: Program 10-2(a): encoder Conv 32 / 64 s2 / 64 s2 / 64 -> Dense(zdim); decoder
  Dense(3136) -> 7x7x64 -> Conv2DTranspose 64 / 64 s2 / 32 s2 / 1 (ReLU output, as the lecture).
  zdim = 32 for reconstruction and walks, zdim = 2 for the latent map (Program 10-3).
- ``dense``: lecture 003's 784 -> 32 (ReLU) -> 784 (sigmoid).

``Autoencoder`` is one subclassed ``keras.Model`` for both plain and denoising training: with
``noise_factor`` > 0 its ``train_step`` corrupts each batch with fresh Gaussian noise
(x + noise_factor * N(0, 1), lecture 003) and learns to return the clean image.

Images go in and come out as uint8 (N, 28, 28); the networks see floats in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.media.imaging import from_unit_batch, to_unit_batch
from studio.serving.lazy_keras import keras, layers, tf


@dataclass(frozen=True)
class AEConfig:
    """Constructor arguments of an autoencoder (saved as config.json)."""

    kind: str = "conv"  # "conv" (Program 10-2(a)) or "dense" (lecture 003)
    zdim: int = 32
    noise_factor: float = 0.0  # > 0: a denoising autoencoder trained on x + noise_factor * N(0, 1)


def build_encoder(config: AEConfig):
    """(N, 28, 28, 1) in [0, 1] -> (N, zdim); Program 10-2(a) lines 16-25, or lecture 003's Dense(32)."""
    inputs = keras.Input((28, 28, 1), name="image")
    if config.kind == "dense":
        x = layers.Flatten()(inputs)
        z = layers.Dense(config.zdim, activation="relu", name="z")(x)
    else:
        x = layers.Conv2D(32, 3, activation="relu", padding="same")(inputs)
        x = layers.Conv2D(64, 3, activation="relu", padding="same", strides=2)(x)
        x = layers.Conv2D(64, 3, activation="relu", padding="same", strides=2)(x)
        x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
        z = layers.Dense(config.zdim, name="z")(layers.Flatten()(x))
    return keras.Model(inputs, z, name="encoder")


def build_decoder(config: AEConfig):
    """(N, zdim) -> (N, 28, 28, 1); Program 10-2(a) lines 27-36, or lecture 003's Dense(784, sigmoid)."""
    z = keras.Input((config.zdim,), name="z")
    if config.kind == "dense":
        x = layers.Dense(784, activation="sigmoid")(z)
        out = layers.Reshape((28, 28, 1))(x)
    else:
        x = layers.Reshape((7, 7, 64))(layers.Dense(3136)(z))
        x = layers.Conv2DTranspose(64, 3, activation="relu", padding="same")(x)
        x = layers.Conv2DTranspose(64, 3, activation="relu", padding="same", strides=2)(x)
        x = layers.Conv2DTranspose(32, 3, activation="relu", padding="same", strides=2)(x)
        out = layers.Conv2DTranspose(1, 3, activation="relu", padding="same")(x)
    return keras.Model(z, out, name="decoder")


def make_autoencoder(config: AEConfig):
    """An ``Autoencoder`` built from ``config`` (class defined lazily: keras is imported on demand)."""
    class Autoencoder(keras.Model):
        """encoder + decoder, trained on MSE; denoising when ``noise_factor`` > 0."""

        def __init__(self, config: AEConfig, **kwargs):
            super().__init__(**kwargs)
            self.config = config
            self.encoder = build_encoder(config)
            self.decoder = build_decoder(config)
            self.loss_tracker = keras.metrics.Mean(name="loss")

        def call(self, x, training=False):
            return self.decoder(self.encoder(x, training=training), training=training)

        @property
        def metrics(self):
            return [self.loss_tracker]

        def _corrupt(self, x):
            if self.config.noise_factor <= 0:
                return x
            return x + self.config.noise_factor * tf.random.normal(tf.shape(x))

        def train_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(self(self._corrupt(x), training=True) - x))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

        def test_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            self.loss_tracker.update_state(tf.reduce_mean(tf.square(self(self._corrupt(x)) - x)))
            return {"loss": self.loss_tracker.result()}

    model = Autoencoder(config)
    model(np.zeros((1, 28, 28, 1), np.float32))  # create the weights
    return model


class AEInference:
    """Compiled, batched inference of a trained autoencoder: every function takes/returns numpy."""

    def __init__(self, model) -> None:
        zdim = model.config.zdim
        self.model = model
        self.zdim = zdim
        self._encode = tf.function(lambda x: model.encoder(x, training=False),
                                   input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        self._decode = tf.function(lambda z: model.decoder(z, training=False),
                                   input_signature=[tf.TensorSpec((None, zdim), tf.float32)])

    def encode(self, images: np.ndarray) -> np.ndarray:
        """uint8 images (N, 28, 28) -> latent codes (N, zdim)."""
        return self._encode(to_unit_batch(images)).numpy()

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Latent codes (N, zdim) -> uint8 images (N, 28, 28), all in one call."""
        return from_unit_batch(self._decode(np.asarray(z, np.float32).reshape(-1, self.zdim)).numpy())

    def reconstruct(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(reconstructions uint8 (N, 28, 28), per-image MSE on the [0, 1] scale (N,))."""
        x = to_unit_batch(images)
        out = self._decode(self._encode(x)).numpy()
        return from_unit_batch(out), np.mean((np.clip(out, 0, 1) - x) ** 2, axis=(1, 2, 3))

    def denoise(self, noisy: np.ndarray) -> np.ndarray:
        """Float images in any range (N, 28, 28) (e.g. with Gaussian noise) -> uint8 reconstructions."""
        x = np.asarray(noisy, np.float32)[..., None]
        return from_unit_batch(self._decode(self._encode(x)).numpy())


def noise_walk_codes(z: np.ndarray, scale: float = 1.0, steps: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Program 10-2(b), experiment 1: codes z + (i - steps/2) / (steps/2) * scale for i < steps.

    With steps = 20 and scale = 1 these are the lecture's noises -1.0, -0.9, ..., 0.9 added to every
    latent coordinate. Returns (codes (steps, zdim), noises (steps,)).
    """
    half = steps / 2
    noises = (np.arange(steps) - half) / half * scale
    return z[None, :] + noises[:, None], noises


def interpolation_codes(z_a: np.ndarray, z_b: np.ndarray, steps: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Program 10-2(b), experiment 2: (1 - alpha) z_a + alpha z_b, alpha = i / (steps - 1)."""
    alphas = np.arange(steps) / (steps - 1)
    return (1 - alphas[:, None]) * z_a[None, :] + alphas[:, None] * z_b[None, :], alphas


def add_noise(images: np.ndarray, noise_factor: float, seed: int) -> np.ndarray:
    """Lecture 003's corruption: x / 255 + noise_factor * N(0, 1), float32 (N, 28, 28), not clipped."""
    rng = np.random.default_rng(seed)
    x = np.asarray(images, np.float32) / 255.0
    return x + noise_factor * rng.standard_normal(x.shape).astype(np.float32)
