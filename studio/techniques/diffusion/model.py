"""A denoising diffusion model on MNIST: trained with the DDPM objective, sampled with DDIM.

The generative model that followed GANs. The forward process adds Gaussian noise to a digit until
nothing is left; at continuous time t in [0, 1]

    x_t = sqrt(a(t)) x_0 + sqrt(1 - a(t)) eps,   eps ~ N(0, I),

with the cosine schedule a(t) = cos^2(((t + s) / (1 + s)) pi / 2) / cos^2((s / (1 + s)) pi / 2) (Nichol &
Dhariwal 2021), which destroys the digit evenly over time rather than mostly at the start. A U-Net
learns to predict eps from (x_t, t) with a mean squared error (Ho et al. 2020, "DDPM"). Sampling
walks back from pure noise with DDIM (Song et al. 2021): at each of S steps the network's eps gives
a guess of the clean digit x_0, and the next, less noisy x_t is put together from that guess and the
same eps, deterministically, so 20 steps instead of DDPM's 1,000 give a digit.

Class-conditional with classifier-free guidance (Ho & Salimans 2022): the label is replaced by a
"no label" token for a share of the training batches, so one network learns both eps(x_t, t, y) and
eps(x_t, t); sampling uses eps_uncond + w (eps_cond - eps_uncond), w > 1 following the label harder.

The network's weights are averaged (EMA) with a warm-up, decay min(ema, (1 + n) / (10 + n)) after n
steps: a plain 0.999 average from step 0 still mostly holds the random initial weights after a few
hundred steps, which on a CPU are the first minutes of training.

Keras is imported inside the functions, so importing this module does not import TensorFlow.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from studio.serving.lazy_keras import keras, layers, tf

COSINE_OFFSET = 0.008  # s of the cosine schedule: keeps a(t) from falling too fast near t = 0
MIN_SIGNAL = 1e-4  # a(t) is clipped here, so the last step's x_0 guess never divides by zero
TIME_SCALE = 1000.0  # the sinusoidal embedding sees t * 1000, the scale of DDPM's integer steps


@dataclass(frozen=True)
class DiffusionConfig:
    """Hyper-parameters (``config.json`` of the bundle)."""

    widths: tuple[int, ...] = (16, 32, 64)  # channels at 28x28, 14x14, 7x7 (about 370k parameters)
    blocks: int = 1  # residual blocks per level on the way down (one more on the way up)
    time_dim: int = 64  # sinusoidal features of t
    groups: int = 8  # GroupNormalization groups (must divide every width)
    classes: int = 10  # 0: unconditional; else class-conditional with a "no label" token
    label_dropout: float = 0.1  # share of training labels replaced by "no label" (classifier-free guidance)
    learning_rate: float = 1e-3  # with the gradient's norm clipped at 1 and the weight average, as keras.io's DDIM
    ema: float = 0.999
    ema_warmup: bool = True  # decay min(ema, (1 + n) / (10 + n)) after n steps

    def __post_init__(self) -> None:
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))  # a list from config.json
        if len(self.widths) != 3:
            raise ValueError(f"The U-Net has three levels (28, 14, 7 pixels): give three widths, not {self.widths}.")
        if any(w % self.groups for w in self.widths):
            raise ValueError(f"Every width must be a multiple of groups={self.groups} (got {self.widths}).")
        if self.blocks < 1:
            raise ValueError(f"Each level needs at least one residual block (got blocks={self.blocks}).")
        if self.classes < 0 or not 0 <= self.label_dropout < 1:
            raise ValueError("classes must be >= 0 and label_dropout in [0, 1).")
        if not 0 <= self.ema < 1:
            raise ValueError(f"ema must be in [0, 1) (got {self.ema}).")

    @property
    def conditional(self) -> bool:
        """Whether the network reads a class label."""
        return self.classes > 0

    @property
    def no_label(self) -> int:
        """The label token meaning "no label" (classifier-free guidance's unconditional branch)."""
        return self.classes


def signal_level(t):
    """a(t) of the cosine schedule, for t in [0, 1] (numpy or tensor; clipped to [MIN_SIGNAL, 1])."""
    if isinstance(t, (np.ndarray, np.generic, float, int)):
        t = np.asarray(t, np.float64)
        f = np.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
        f0 = math.cos(COSINE_OFFSET / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
        return np.clip(f / f0, MIN_SIGNAL, 1.0)

    f = tf.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
    f0 = math.cos(COSINE_OFFSET / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
    return tf.clip_by_value(f / f0, MIN_SIGNAL, 1.0)


def _time_features(t, dim: int):
    """Sinusoidal features (N, dim) of times t (N,), as the transformer's positions."""
    half = dim // 2
    frequencies = tf.exp(-math.log(10000.0) * tf.range(half, dtype=tf.float32) / half)
    angles = (t[:, None] * TIME_SCALE) * frequencies[None, :]
    return tf.concat([tf.sin(angles), tf.cos(angles)], axis=-1)


def build_unet(config: DiffusionConfig):
    """[x_t (28, 28, 1), t (,), label (,) if conditional] -> predicted noise eps (28, 28, 1).

    Three levels (28, 14, 7 pixels) of residual blocks (GroupNorm, swish, 3x3 convolutions) with the
    time (and label) embedding added inside each block; skip connections from the way down to the
    way up; the last convolution starts at zero, so an untrained network predicts no noise.
    """
    emb_dim = 4 * config.widths[0]
    x_in = keras.Input((28, 28, 1), name="x_t")
    t_in = keras.Input((), name="t")
    inputs = [x_in, t_in]
    features = layers.Lambda(lambda t: _time_features(t, config.time_dim), output_shape=(config.time_dim,),
                             name="time_features")(t_in)
    emb = layers.Dense(emb_dim, activation="swish")(features)
    emb = layers.Dense(emb_dim)(emb)
    if config.conditional:
        label_in = keras.Input((), dtype="int32", name="label")
        inputs.append(label_in)
        emb = layers.Add()([emb, layers.Flatten()(layers.Embedding(config.classes + 1, emb_dim)(label_in))])
    emb = layers.Activation("swish")(emb)

    def block(x, width):
        h = layers.Activation("swish")(layers.GroupNormalization(config.groups)(x))
        h = layers.Conv2D(width, 3, padding="same")(h)
        h = layers.Add()([h, layers.Reshape((1, 1, width))(layers.Dense(width)(emb))])
        h = layers.Activation("swish")(layers.GroupNormalization(config.groups)(h))
        h = layers.Conv2D(width, 3, padding="same")(h)
        skip = x if x.shape[-1] == width else layers.Conv2D(width, 1)(x)
        return layers.Add()([h, skip])

    x = layers.Conv2D(config.widths[0], 3, padding="same")(x_in)
    skips = []
    for level, width in enumerate(config.widths):
        for _ in range(config.blocks):
            x = block(x, width)
            skips.append(x)
        if level < len(config.widths) - 1:
            x = layers.Conv2D(width, 3, strides=2, padding="same")(x)  # 28 -> 14 -> 7
    x = block(x, config.widths[-1])  # the middle, at 7x7
    for level in reversed(range(len(config.widths))):
        for _ in range(config.blocks):
            x = block(layers.Concatenate()([x, skips.pop()]), config.widths[level])
        if level > 0:
            x = layers.UpSampling2D(2, interpolation="nearest")(x)
            x = layers.Conv2D(config.widths[level - 1], 3, padding="same")(x)
    x = layers.Activation("swish")(layers.GroupNormalization(config.groups)(x))
    eps = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros", name="eps")(x)
    return keras.Model(inputs, eps, name="diffusion_unet")


def network_inputs(config: DiffusionConfig, x, t, labels) -> list:
    """The U-Net's inputs: the label only for a conditional network."""
    return [x, t, labels] if config.conditional else [x, t]


def make_diffusion(config: DiffusionConfig, network=None):
    """A compiled ``Diffusion`` (the DDPM objective, weight average with warm-up)."""
    model = _diffusion_class()(config, network)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate, global_clipnorm=1.0))
    return model


@functools.cache
def _diffusion_class():
    class Diffusion(keras.Model):
        """Trains the U-Net to predict the noise; ``average`` is its weight average (what samples)."""

        def __init__(self, config: DiffusionConfig, network=None, **kwargs) -> None:
            super().__init__(**kwargs)
            self.config = config
            self.network = network or build_unet(config)
            self.average = build_unet(config)
            self.average.set_weights(self.network.get_weights())
            self.loss_tracker = keras.metrics.Mean(name="loss")

        @property
        def metrics(self):
            return [self.loss_tracker]

        def call(self, inputs, training=False):
            return self.network(inputs, training=training)

        def train_step(self, data):
            x0, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
            n = tf.shape(x0)[0]
            t = tf.random.uniform((n,))
            eps = tf.random.normal(tf.shape(x0))
            a = tf.reshape(signal_level(t), (-1, 1, 1, 1))
            x_t = tf.sqrt(a) * x0 + tf.sqrt(1.0 - a) * eps
            labels = tf.cast(labels, tf.int32)
            if self.config.conditional:  # classifier-free guidance: sometimes no label
                drop = tf.random.uniform((n,)) < self.config.label_dropout
                labels = tf.where(drop, self.config.no_label, labels)
            with tf.GradientTape() as tape:
                predicted = self.network(network_inputs(self.config, x_t, t, labels), training=True)
                loss = tf.reduce_mean(tf.square(predicted - eps))
            variables = self.network.trainable_variables
            self.optimizer.apply(tape.gradient(loss, variables), variables)
            steps = tf.cast(self.optimizer.iterations, tf.float32)
            decay = self.config.ema
            if self.config.ema_warmup:
                decay = tf.minimum(decay, (1.0 + steps) / (10.0 + steps))
            for average, live in zip(self.average.weights, self.network.weights):
                average.assign(decay * average + (1.0 - decay) * live)
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

    return Diffusion


def ddim_times(steps: int) -> np.ndarray:
    """The S + 1 times a DDIM run visits, from 1 (pure noise) down to 0 (the digit)."""
    if steps < 1:
        raise ValueError(f"DDIM needs at least one step (got {steps}).")
    return np.linspace(1.0, 0.0, steps + 1)


def noise_digits(x0: np.ndarray, times: np.ndarray, seed: int) -> np.ndarray:
    """The forward process: x0 (N, 28, 28, 1) in [-1, 1] at each of ``times`` with one noise draw
    (``seed``), so the frames show one digit fading. Returns (len(times), N, 28, 28, 1)."""
    eps = np.random.default_rng(seed).standard_normal(x0.shape).astype(np.float32)
    a = signal_level(np.asarray(times, np.float64)).astype(np.float32)[:, None, None, None, None]
    return np.sqrt(a) * x0[None] + np.sqrt(1.0 - a) * eps[None]


def start_noise(n: int, seed: int) -> np.ndarray:
    """x_1 of a DDIM run: n images of standard normal noise, float32 (n, 28, 28, 1); seeded."""
    return np.random.default_rng(seed).standard_normal((n, 28, 28, 1)).astype(np.float32)


def to_uint8(images) -> np.ndarray:
    """[-1, 1] images (..., 28, 28, 1) -> uint8 (..., 28, 28)."""
    return np.clip(np.rint((np.asarray(images)[..., 0] + 1.0) * 127.5), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class Trajectory:
    """One DDIM run: x_t at every visited time and the network's clean-digit guess at every step."""

    times: np.ndarray  # (S + 1,) from 1 to 0
    noisy: np.ndarray  # uint8 (S + 1, N, 28, 28): x_t; noisy[-1] is the final sample
    guesses: np.ndarray  # uint8 (S, N, 28, 28): x_0 predicted at step k (from noisy[k])

    @property
    def samples(self) -> np.ndarray:
        """The final digits (N, 28, 28)."""
        return self.noisy[-1]


# With XLA every new batch shape compiles anew (about 5 s on a 2-core CPU), so an XLA sampler pads a batch
# to a whole number of grid rows: at most 11 compilations (1 for the scrubber, 10 to 100) however a class
# sets the count, for at most 9 padding samples.
PAD_TO = 10


def padded_size(n: int) -> int:
    """The batch an XLA sampler runs for n samples: n rounded up to a multiple of PAD_TO (1 stays 1)."""
    return n if n == 1 else -(-n // PAD_TO) * PAD_TO


class DiffusionSampler:
    """The averaged U-Net behind one traced DDIM step; numpy in, numpy out, seeded.

    ``jit_compile`` compiles the step with XLA: measured 0.61x the time of 64 samples in 20 steps on a
    2-core AVX2 CPU (benchmarks/diffusion.py), for about 5 s of compilation per batch size.
    """

    def __init__(self, network, config: DiffusionConfig, jit_compile: bool = False) -> None:
        self.network = network
        self.config = config
        self.jit_compile = jit_compile

        def step(x, t, t_next, labels, guidance):
            n = tf.shape(x)[0]
            tt = tf.fill((n,), t)
            if config.conditional:  # both branches in one batch: eps_u + w (eps_c - eps_u)
                both = network([tf.concat([x, x], 0), tf.concat([tt, tt], 0),
                                tf.concat([labels, tf.fill((n,), config.no_label)], 0)], training=False)
                eps_c, eps_u = both[:n], both[n:]
                eps = eps_u + guidance * (eps_c - eps_u)
            else:
                eps = network([x, tt], training=False)
            a, a_next = signal_level(t), signal_level(t_next)
            x0 = tf.clip_by_value((x - tf.sqrt(1.0 - a) * eps) / tf.sqrt(a), -1.0, 1.0)
            eps = (x - tf.sqrt(a) * x0) / tf.sqrt(1.0 - a)  # the noise consistent with the clipped guess
            x_next = tf.sqrt(a_next) * x0 + tf.sqrt(1.0 - a_next) * eps
            x_next = tf.where(t_next <= 0.0, x0, x_next)  # the last step lands on the guess itself
            return x_next, x0

        scalar = tf.TensorSpec((), tf.float32)
        self._step = tf.function(step, jit_compile=jit_compile, input_signature=[
            tf.TensorSpec((None, 28, 28, 1), tf.float32), scalar, scalar, tf.TensorSpec((None,), tf.int32), scalar])

    def labels_for(self, n: int, label: int | None) -> np.ndarray:
        """n copies of ``label``, or of "no label" (None) for unconditional samples."""
        value = self.config.no_label if label is None or not self.config.conditional else int(label)
        return np.full(n, value, np.int32)

    def run(self, n: int, steps: int, seed: int, labels=None, guidance: float = 1.0,
            record: bool = False) -> Trajectory:
        """DDIM from the noise of ``seed``: n samples in ``steps`` network calls.

        ``labels``: one label, a label per sample, or None (unconditional); ``guidance`` the
        classifier-free weight w (1: the conditional network as it is). ``record`` keeps every step
        (the timestep scrubber); otherwise only the start and the end.
        """
        times = ddim_times(steps)
        x = start_noise(n, seed)
        noisy, guesses = [to_uint8(x)], []
        for x, x0 in self.iterate(n, steps, seed, labels, guidance):
            if record:
                noisy.append(to_uint8(x))
                guesses.append(to_uint8(x0))
        if not record:
            noisy.append(to_uint8(x))
            guesses.append(to_uint8(x0))
            times = times[[0, -1]]
        return Trajectory(times, np.stack(noisy), np.stack(guesses))

    def iterate(self, n: int, steps: int, seed: int, labels=None, guidance: float = 1.0):
        """The DDIM run of ``run``, one step at a time: yields (x_t after the step, the network's guess of
        the clean digits), float32 (n, 28, 28, 1) in [-1, 1], ``steps`` times; the last x_t is the sample."""
        times = ddim_times(steps)
        if labels is None or np.ndim(labels) == 0:
            labels = self.labels_for(n, labels)
        size = padded_size(n) if self.jit_compile else n
        # The padding rows continue the same seeded noise (the first n images of a larger draw are the
        # n-image draw) and are dropped from what is yielded.
        labels = np.concatenate([np.asarray(labels, np.int32), self.labels_for(size - n, None)])
        x = start_noise(size, seed)
        for t, t_next in zip(times[:-1], times[1:]):
            x, x0 = self._step(x, np.float32(t), np.float32(t_next), labels, np.float32(guidance))
            x = x.numpy()
            yield x[:n], x0.numpy()[:n]

    def generate(self, n: int, seed: int, steps: int = 20, labels=None, guidance: float = 1.0) -> np.ndarray:
        """n uint8 digits (n, 28, 28); seeded."""
        return self.run(n, steps, seed, labels, guidance).samples
