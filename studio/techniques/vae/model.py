"""The variational autoencoder of the Keras book, section 12.4 (codes 12-24 to 12-29), for Keras 3.

Encoder: Conv 32 s2, Conv 64 s2, Dense 16 -> z_mean, z_log_var (2-D latent space).
Sampler: z = z_mean + exp(0.5 * z_log_var) * eps.
Decoder: Dense 7*7*64 -> Conv2DTranspose 64 s2, 32 s2 -> Conv 1 sigmoid.
Loss per image: summed binary cross-entropy over the 784 pixels + KL(q(z|x) || N(0, I)).

The book's listing calls a global ``decoder`` inside the model, uses ``tf.gradient`` and tracks
a tensor as a metric; here the model owns its parts and tracks ``keras.metrics.Mean`` objects.
Images go in and come out as uint8 (N, 28, 28); the networks see floats in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from studio.media.imaging import from_unit_batch, to_unit_batch
from studio.serving.lazy_keras import keras, layers, ops, tf


@dataclass(frozen=True)
class VAEConfig:
    """Constructor arguments of the VAE (saved as config.json)."""

    latent_dim: int = 2


def build_encoder(config: VAEConfig):
    """(N, 28, 28, 1) -> [z_mean, z_log_var], each (N, latent_dim); code 12-24."""
    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Dense(16, activation="relu")(layers.Flatten()(x))
    z_mean = layers.Dense(config.latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(config.latent_dim, name="z_log_var")(x)
    return keras.Model(inputs, [z_mean, z_log_var], name="encoder")


def build_decoder(config: VAEConfig):
    """(N, latent_dim) -> (N, 28, 28, 1) in [0, 1]; code 12-26."""
    z = keras.Input((config.latent_dim,), name="z")
    x = layers.Reshape((7, 7, 64))(layers.Dense(7 * 7 * 64, activation="relu")(z))
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    out = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    return keras.Model(z, out, name="decoder")


def loss_terms(x, reconstruction, z_mean, z_log_var):
    """(reconstruction loss, KL loss) per image, each (N,): summed BCE over pixels, KL over latent dims.

    Works on TensorFlow tensors or numpy arrays (keras.ops dispatches on either).
    """
    bce = ops.binary_crossentropy(x, reconstruction)  # element-wise, (N, 28, 28, 1)
    reconstruction_loss = ops.sum(ops.reshape(bce, (ops.shape(bce)[0], -1)), axis=1)
    kl = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
    return reconstruction_loss, ops.sum(kl, axis=1)


def make_vae(config: VAEConfig, seed: int | None = None):
    """A ``VAE`` (subclassed keras.Model with its own train_step, code 12-27), weights built."""
    class VAE(keras.Model):
        """Encoder, sampler and decoder, trained on reconstruction + KL."""

        def __init__(self, config: VAEConfig, **kwargs):
            super().__init__(**kwargs)
            self.config = config
            self.encoder = build_encoder(config)
            self.decoder = build_decoder(config)
            self.seed_generator = keras.random.SeedGenerator(seed)
            self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

        @property
        def metrics(self):
            return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

        def sample_z(self, z_mean, z_log_var):
            """The reparameterisation trick: z = mean + exp(0.5 log_var) * eps (code 12-25)."""
            eps = keras.random.normal(tf.shape(z_mean), seed=self.seed_generator)
            return z_mean + tf.exp(0.5 * z_log_var) * eps

        def call(self, x, training=False):
            z_mean, z_log_var = self.encoder(x, training=training)
            return self.decoder(self.sample_z(z_mean, z_log_var), training=training)

        def _elbo_terms(self, x, training):
            z_mean, z_log_var = self.encoder(x, training=training)
            reconstruction = self.decoder(self.sample_z(z_mean, z_log_var), training=training)
            rec, kl = loss_terms(x, reconstruction, z_mean, z_log_var)
            return tf.reduce_mean(rec), tf.reduce_mean(kl)

        def _track(self, rec, kl):
            self.total_loss_tracker.update_state(rec + kl)
            self.reconstruction_loss_tracker.update_state(rec)
            self.kl_loss_tracker.update_state(kl)
            return {m.name: m.result() for m in self.metrics}

        def train_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            with tf.GradientTape() as tape:
                rec, kl = self._elbo_terms(x, training=True)
                total = rec + kl
            grads = tape.gradient(total, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return self._track(rec, kl)

        def test_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            return self._track(*self._elbo_terms(x, training=False))

    model = VAE(config)
    model(np.zeros((1, 28, 28, 1), np.float32))  # create the weights
    return model


class VAEInference:
    """Compiled, batched inference of a trained VAE: numpy in, numpy out."""

    def __init__(self, model) -> None:
        dim = model.config.latent_dim
        self.model = model
        self.latent_dim = dim
        self._encode = tf.function(lambda x: model.encoder(x, training=False),
                                   input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        self._decode = tf.function(lambda z: model.decoder(z, training=False),
                                   input_signature=[tf.TensorSpec((None, dim), tf.float32)])

    def encode(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """uint8 images (N, 28, 28) -> (z_mean, z_log_var), each (N, latent_dim)."""
        z_mean, z_log_var = self._encode(to_unit_batch(images))
        return z_mean.numpy(), z_log_var.numpy()

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Latent points (N, latent_dim) -> uint8 images (N, 28, 28), in one call."""
        return from_unit_batch(self._decode(np.asarray(z, np.float32).reshape(-1, self.latent_dim)).numpy())

    def sample_prior(self, n: int, seed: int) -> np.ndarray:
        """``n`` images decoded from z ~ N(0, I); the same seed gives the same images."""
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim))
        return self.decode(z)


def grid_coordinates(n: int, low: float = -1.0, high: float = 1.0, quantiles: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The n x n latent points of code 12-29: (grid_x, grid_y), each (n,).

    Linear spacing over [low, high] as the book, or the normal distribution's quantiles at evenly
    spaced probabilities strictly inside (0, 1) (``quantiles=True``): those follow the prior, so
    no point lands far out where the decoder has never been trained.
    """
    if quantiles:
        probs = (np.arange(n) + 0.5) / n
        values = np.array([NormalDist().inv_cdf(p) for p in probs])
        return values, values
    values = np.linspace(low, high, n)
    return values, values


def grid_points(grid_x: np.ndarray, grid_y: np.ndarray) -> np.ndarray:
    """(n*n, 2) points in the book's order: row i uses grid_y[::-1][i] (top = high z2), column j grid_x[j]."""
    ys = grid_y[::-1]
    return np.stack(np.meshgrid(grid_x, ys), axis=-1).reshape(-1, 2)
