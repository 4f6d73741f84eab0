"""Pix2Pix (lecture 004, "Pix2Pix"; Isola et al. 2017): outline -> picture, on two data sets.

- "emoji" (the default): OpenMoji's colour emoji at 64 x 64 x 3, each paired with its own black line
  layer (``studio.media.openmoji``), the lecture's edges2shoes in colour;
- "fashion": edges -> shoes made from Fashion-MNIST at 32 x 32 in grey, described below.

The lecture's parts, sized so that they train on a 2-core CPU:

- pairs: an edge map (black lines on white paper, like a person's outline drawing) -> the shoe;
  Fashion-MNIST's 28 x 28 sandals, sneakers and ankle boots are padded to 32 x 32 (their black
  background extended by 2 pixels; cropping gives back the exact 28 x 28 image the judge reads);
- generator: a U-Net (each encoder level's output concatenated onto the decoder level of the same
  size: the lecture's skip connections) or the same network without skips (encoder-decoder, the
  bottleneck carries everything);
- discriminator: a PatchGAN on the (edge map, shoe) pair, answering with an 8 x 8 grid of real/fake
  logits, each seeing an 18 x 18 patch; its mean is the image's verdict;
- loss: GAN (binary cross-entropy on logits) + lambda * L1 with lambda = 100 as the paper, or L1 only.

Edges are found in numpy (no OpenCV): a Sobel gradient of the lightly blurred shoe, thinned by
non-maximum suppression along the gradient direction (Canny's middle step) and thresholded relative
to each image's strongest edge, so every map is a set of 1-pixel lines. Networks see [-1, 1] floats
(tanh output); the public functions take and return uint8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.serving.lazy_keras import keras, layers, ops, tf
from studio.training.weight_average import recompute_batchnorm

SIZE = 32  # the square size of the Fashion-MNIST shoes
DATASETS = ("emoji", "fashion")  # the first is the tab's default
PAD = 2  # (32 - 28) / 2: Fashion-MNIST images are padded by this on each side
SHOE_CLASSES = (5, 7, 9)  # sandal, sneaker, ankle boot
LAMBDA_L1 = 100.0  # the paper's weight of the L1 term
VARIANTS = ("unet", "encdec", "l1")  # U-Net + GAN, encoder-decoder + GAN, U-Net with L1 only
# G's weights are averaged over roughly the last 1 / (1 - EMA) = 500 steps: a GAN generator's weights
# jitter from step to step, and the average draws the same shoes without the flickering texture.
EMA = 0.998


@dataclass(frozen=True)
class Pix2PixConfig:
    """Constructor arguments of one Pix2Pix model (saved as config.json)."""

    skips: bool = True  # U-Net (True) or plain encoder-decoder (False)
    gan: bool = True  # GAN + lambda * L1 (True) or L1 alone (False)
    filters: tuple[int, ...] = (32, 64, 128, 128, 128)  # encoder widths, 32 -> 16 -> 8 -> 4 -> 2 -> 1
    disc_filters: tuple[int, ...] = (32, 64, 128)  # PatchGAN widths
    lambda_l1: float = LAMBDA_L1
    learning_rate: float = 2e-4  # Adam(2e-4, beta_1=0.5) as the paper
    ema: float = 0.0  # >0: ship the exponential moving average of G's weights with this momentum
    size: int = SIZE  # square side of outlines and pictures
    channels: int = 1  # of the pictures (the outline always has one)

    @classmethod
    def variant(cls, name: str, dataset: str = "fashion") -> Pix2PixConfig:
        """The config of a named variant ("unet", "encdec" or "l1") for a data set ("emoji" or "fashion")."""
        if name not in VARIANTS:
            raise ValueError(f"Unknown Pix2Pix variant {name!r}; choose one of {VARIANTS}.")
        if dataset not in DATASETS:
            raise ValueError(f"Unknown Pix2Pix data set {dataset!r}; choose one of {DATASETS}.")
        common = {"skips": name != "encdec", "gan": name != "l1", "ema": EMA}
        if dataset == "fashion":
            return cls(**common)
        # 64 px colour: one more level down to 1 x 1, and a PatchGAN with one more stride (8 x 8 cells of 38 px).
        return cls(**common, size=64, channels=3, filters=(32, 64, 96, 96, 96, 96),
                   disc_filters=(32, 64, 128, 128))

    @classmethod
    def from_json(cls, values: dict) -> Pix2PixConfig:
        """Back from config.json, where tuples became lists."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


# --- data: edge maps -----------------------------------------------------------------------------
def pad_to_size(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> (N, 32, 32), the black background extended by 2 pixels each side."""
    images = np.asarray(images)
    return np.pad(images, ((0, 0), (PAD, PAD), (PAD, PAD)))


def crop_to_28(images: np.ndarray) -> np.ndarray:
    """(N, 32, 32) -> (N, 28, 28): the inverse of ``pad_to_size`` (for the judge)."""
    return np.asarray(images)[:, PAD:PAD + 28, PAD:PAD + 28]


def _filter3(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    # 3x3 correlation of a batch (N, H, W) with edge padding, as nine shifted slices.
    h, w = x.shape[1:]
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="edge")
    out = np.zeros_like(x)
    for dy in range(3):
        for dx in range(3):
            if kernel[dy, dx]:
                out += kernel[dy, dx] * padded[:, dy:dy + h, dx:dx + w]
    return out


_BLUR = np.outer([1, 2, 1], [1, 2, 1]) / 16.0
_SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)


def gradients(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sobel gradients (gx, gy) of a float batch (N, H, W)."""
    x = np.asarray(images, np.float32)
    return _filter3(x, _SOBEL_X), _filter3(x, _SOBEL_X.T)


def edge_maps(shoes: np.ndarray, threshold: float = 0.22) -> np.ndarray:
    """Outline drawings of shoes: uint8 (N, 28|32, 28|32) -> uint8 (N, 32, 32), lines 0 on paper 255.

    Sobel magnitude of the blurred shoe, thinned by non-maximum suppression (a pixel survives only
    if it is at least as strong as its two neighbours across the edge), kept where it exceeds
    ``threshold`` times the image's strongest edge. The silhouette (shoe against the black
    background) is always the strongest edge; brighter seams and soles add inner lines.
    """
    shoes = np.asarray(shoes)
    if shoes.ndim == 2:
        shoes = shoes[None]
    if shoes.shape[1:] == (28, 28):
        shoes = pad_to_size(shoes)
    if shoes.shape[1:] != (SIZE, SIZE):
        raise ValueError(f"edge_maps() takes (N, 28, 28) or (N, 32, 32) images, got {shoes.shape}.")
    x = _filter3(shoes.astype(np.float32) / 255.0, _BLUR)
    gx, gy = gradients(x)
    magnitude = np.hypot(gx, gy)
    # Direction quantised to 0, 45, 90, 135 degrees; compare with the two neighbours along it.
    angle = (np.rad2deg(np.arctan2(gy, gx)) + 180.0) % 180.0
    sector = (np.floor((angle + 22.5) / 45.0).astype(np.int64)) % 4
    padded = np.pad(magnitude, ((0, 0), (1, 1), (1, 1)))
    h, w = magnitude.shape[1:]

    def shifted(dy: int, dx: int) -> np.ndarray:
        return padded[:, 1 + dy:1 + dy + h, 1 + dx:1 + dx + w]

    # sector 0: gradient along x -> neighbours left/right; 1: 45 deg; 2: along y; 3: 135 deg
    neighbours = [(shifted(0, -1), shifted(0, 1)), (shifted(-1, -1), shifted(1, 1)),
                  (shifted(-1, 0), shifted(1, 0)), (shifted(-1, 1), shifted(1, -1))]
    keep = np.zeros_like(magnitude, bool)
    for s, (a, b) in enumerate(neighbours):
        keep |= (sector == s) & (magnitude >= a) & (magnitude >= b)
    strongest = magnitude.reshape(len(magnitude), -1).max(axis=1)[:, None, None]
    lines = keep & (magnitude > threshold * np.maximum(strongest, 1e-6))
    return np.where(lines, 0, 255).astype(np.uint8)


def make_pairs(shoes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(edge maps, shoes), both uint8 (N, 32, 32), from Fashion-MNIST shoes (N, 28, 28)."""
    padded = pad_to_size(shoes)
    return edge_maps(padded), padded


def shoe_subset(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sandals, sneakers and ankle boots of a Fashion-MNIST split: (images, labels)."""
    chosen = np.isin(y, SHOE_CLASSES)
    return np.asarray(x)[chosen], np.asarray(y)[chosen]


def to_signed(images: np.ndarray) -> np.ndarray:
    """uint8 (N, H, W) or colour (N, H, W, 3) -> float32 (N, H, W, C) in [-1, 1]: what the networks see."""
    images = np.asarray(images, np.float32) / 127.5 - 1.0
    return images if images.ndim == 4 else images[..., None]


def from_signed(batch) -> np.ndarray:
    """A tanh output (N, H, W, C) -> uint8 (N, H, W) for one channel, (N, H, W, 3) for colour."""
    array = np.asarray(batch)
    if array.shape[-1] == 1:
        array = array[..., 0]
    return np.clip(np.rint((array + 1.0) * 127.5), 0, 255).astype(np.uint8)


# --- networks ------------------------------------------------------------------------------------
def build_generator(config: Pix2PixConfig):
    """(N, S, S, 1) outline in [-1, 1] -> (N, S, S, C) picture in [-1, 1] (tanh); S = ``config.size``.

    Encoder: Conv 4x4 stride 2 (+ BatchNorm after the first) + LeakyReLU 0.2 down to 1 x 1.
    Decoder: Conv2DTranspose 4x4 stride 2 + BatchNorm + ReLU back up; with ``skips`` each level
    concatenates the encoder's output of the same size (the U-Net of the lecture's figure).
    No dropout: the paper uses it as noise, but we want a deterministic translation.
    """
    init = keras.initializers.RandomNormal(0.0, 0.02)
    edges = keras.Input((config.size, config.size, 1), name="edges")
    x = edges
    skips = []
    for i, width in enumerate(config.filters):
        x = layers.Conv2D(width, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init,
                          name=f"down{i}")(x)
        if i > 0:
            x = layers.BatchNormalization(name=f"down{i}_bn")(x)
        x = layers.LeakyReLU(0.2)(x)
        skips.append(x)
    for i, width in enumerate(reversed(config.filters[:-1])):
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init,
                                   name=f"up{i}")(x)
        x = layers.ReLU()(layers.BatchNormalization(name=f"up{i}_bn")(x))
        if config.skips:
            x = layers.Concatenate(name=f"skip{i}")([x, skips[-2 - i]])
    out = layers.Conv2DTranspose(config.channels, 4, strides=2, padding="same", activation="tanh", kernel_initializer=init,
                                 name="shoe")(x)
    return keras.Model(edges, out, name="unet" if config.skips else "encoder_decoder")


def build_discriminator(config: Pix2PixConfig):
    """PatchGAN: [(N, S, S, 1) edges, (N, S, S, C) picture] -> (N, G, G, 1) real/fake logits.

    Conv 4x4 stride 2 for every width but the last (the first without BatchNorm), then Conv 3x3
    stride 1 + BN, then Conv 1x1 to one logit per cell. For the 32-px shoes (widths 32, 64, 128) that
    is an 8 x 8 grid whose cells each see an 18 x 18 patch of the pair (``receptive_field``), so the
    verdict is local: a blurry sole and a sharp heel get different scores.
    """
    init = keras.initializers.RandomNormal(0.0, 0.02)
    edges = keras.Input((config.size, config.size, 1), name="edges")
    shoe = keras.Input((config.size, config.size, config.channels), name="shoe")
    x = layers.Concatenate()([edges, shoe])
    *strided, last = config.disc_filters
    for i, width in enumerate(strided):
        x = layers.Conv2D(width, 4, strides=2, padding="same", use_bias=i == 0,
                          kernel_initializer=init)(x)
        if i > 0:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(last, 3, strides=1, padding="same", use_bias=False, kernel_initializer=init)(x)
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(x))
    logits = layers.Conv2D(1, 1, kernel_initializer=init, name="patch_logits")(x)
    return keras.Model([edges, shoe], logits, name="patchgan")


def receptive_field(config: Pix2PixConfig | None = None) -> int:
    """The side of the input patch that one PatchGAN cell sees (kernels 4 with stride 2, then 3 and 1)."""
    strided = len((config or Pix2PixConfig()).disc_filters) - 1
    field, jump = 1, 1
    for kernel, stride in [(4, 2)] * strided + [(3, 1), (1, 1)]:
        field += (kernel - 1) * jump
        jump *= stride
    return field


# --- training ------------------------------------------------------------------------------------
def make_pix2pix(config: Pix2PixConfig):
    """A ``Pix2Pix`` (subclassed keras.Model with its own train_step), not yet compiled.

    ``compile(g_optimizer=..., d_optimizer=...)``; with ``config.gan`` False there is no
    discriminator and the step minimises L1 alone. Data: (edges, shoes) in [-1, 1], (N, 32, 32, 1).
    """
    class Pix2Pix(keras.Model):
        """Generator (+ PatchGAN) trained on GAN + lambda * L1 (or L1)."""

        def __init__(self, config: Pix2PixConfig, **kwargs):
            super().__init__(**kwargs)
            self.config = config
            self.generator = build_generator(config)
            self.discriminator = build_discriminator(config) if config.gan else None
            self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
            names = ["gen_l1_loss"] + (["gen_gan_loss", "disc_loss"] if config.gan else [])
            self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

        @property
        def metrics(self):
            return list(self.trackers.values())

        def compile(self, g_optimizer, d_optimizer=None, **kwargs):
            super().compile(**kwargs)
            self.g_optimizer = g_optimizer
            self.d_optimizer = d_optimizer

        def call(self, edges, training=False):
            return self.generator(edges, training=training)

        def _result(self, values: dict):
            for name, value in values.items():
                self.trackers[name].update_state(value)
            return {name: tracker.result() for name, tracker in self.trackers.items()}

        def train_step(self, data):
            edges, real = data[0], data[1]  # (x, y) from fit; (x, y, sample_weight) from train_on_batch
            if not self.config.gan:
                with tf.GradientTape() as tape:
                    l1 = tf.reduce_mean(tf.abs(real - self.generator(edges, training=True)))
                grads = tape.gradient(l1, self.generator.trainable_variables)
                self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
                return self._result({"gen_l1_loss": l1})
            with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
                fake = self.generator(edges, training=True)
                real_logits = self.discriminator([edges, real], training=True)
                fake_logits = self.discriminator([edges, fake], training=True)
                gan = self.bce(tf.ones_like(fake_logits), fake_logits)
                l1 = tf.reduce_mean(tf.abs(real - fake))
                g_total = gan + self.config.lambda_l1 * l1
                # Halved as in the paper, so D learns more slowly than G.
                d_loss = 0.5 * (self.bce(tf.ones_like(real_logits), real_logits)
                                + self.bce(tf.zeros_like(fake_logits), fake_logits))
            g_grads = g_tape.gradient(g_total, self.generator.trainable_variables)
            d_grads = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_variables))
            self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_variables))
            return self._result({"gen_l1_loss": l1, "gen_gan_loss": gan, "disc_loss": d_loss})

        def test_step(self, data):
            edges, real = data[0], data[1]
            l1 = tf.reduce_mean(tf.abs(real - self.generator(edges, training=False)))
            # Only the L1 tracker: Keras reports it as val_gen_l1_loss, averaged over the batches.
            tracker = self.trackers["gen_l1_loss"]
            tracker.update_state(l1)
            return {"gen_l1_loss": tracker.result()}

    model = Pix2Pix(config)
    edges = np.zeros((1, config.size, config.size, 1), np.float32)
    model(edges)  # create the weights
    if model.discriminator is not None:
        model.discriminator([edges, np.zeros((1, config.size, config.size, config.channels), np.float32)])
    return model


def paper_schedule(rate: float, constant_steps: int, decay_steps: int):
    """The paper's learning rate: ``rate`` for ``constant_steps``, then linearly down to 0 over
    ``decay_steps`` (Isola et al. train n epochs at 2e-4 and n more decaying to zero)."""
    class ConstantThenLinear(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            step = ops.cast(step, "float32")
            left = 1.0 - (step - constant_steps) / max(decay_steps, 1)
            return rate * ops.clip(left, 0.0, 1.0)

        def get_config(self):
            return {"rate": rate, "constant_steps": constant_steps, "decay_steps": decay_steps}

    return ConstantThenLinear()


def compile_pix2pix(model, decay_steps: int = 0, total_steps: int = 0) -> None:
    """Adam(2e-4, beta_1 = 0.5) for G and D, as the paper; with ``decay_steps`` the rate falls
    linearly to 0 over the last ``decay_steps`` of ``total_steps``. With ``config.ema`` G's optimizer
    also keeps the weights' moving average (Keras's ``use_ema``); ``finish_generator`` installs it."""
    def rate():
        lr = model.config.learning_rate
        return paper_schedule(lr, total_steps - decay_steps, decay_steps) if decay_steps else lr

    ema = model.config.ema
    g_optimizer = (keras.optimizers.Adam(rate(), beta_1=0.5, use_ema=True, ema_momentum=ema) if ema
                   else keras.optimizers.Adam(rate(), beta_1=0.5))
    model.compile(g_optimizer=g_optimizer,
                  d_optimizer=keras.optimizers.Adam(rate(), beta_1=0.5) if model.config.gan else None)


def finish_generator(model, edges: np.ndarray) -> None:
    """After training: install G's weight average (when ``config.ema``), then ``recompute_batchnorm``."""
    if model.config.ema:
        model.g_optimizer.finalize_variable_values(model.generator.trainable_variables)
    recompute_batchnorm(model.generator, edges)


# --- inference -----------------------------------------------------------------------------------
class Pix2PixInference:
    """Compiled, batched inference: uint8 edge maps in, uint8 shoes out (and PatchGAN scores).

    Deterministic (no dropout, BatchNorm in inference mode): the same drawing gives the same shoe.
    """

    def __init__(self, generator, discriminator=None) -> None:
        self.size = int(generator.input_shape[1])
        self.channels = int(generator.output_shape[-1])
        spec = tf.TensorSpec((None, self.size, self.size, 1), tf.float32)
        picture_spec = tf.TensorSpec((None, self.size, self.size, self.channels), tf.float32)
        self.generator = generator
        self.discriminator = discriminator
        self._translate = tf.function(lambda x: generator(x, training=False), input_signature=[spec])
        self._score = None
        if discriminator is not None:
            self._score = tf.function(lambda e, s: tf.sigmoid(discriminator([e, s], training=False)),
                                      input_signature=[spec, picture_spec])

    def translate(self, edges: np.ndarray) -> np.ndarray:
        """uint8 outlines (N, S, S) (lines dark on white) -> uint8 pictures (N, S, S) or (N, S, S, 3), one call."""
        edges = np.asarray(edges)
        if edges.ndim == 2:
            edges = edges[None]
        return from_signed(self._translate(to_signed(edges)).numpy())

    def patch_scores(self, edges: np.ndarray, shoes: np.ndarray) -> np.ndarray:
        """The PatchGAN's probability that each patch is real: (N, G, G) in [0, 1] (G = 8 for both data sets)."""
        if self._score is None:
            raise ValueError("This model has no discriminator.")
        edges, shoes = np.asarray(edges), np.asarray(shoes)
        if edges.ndim == 2:
            edges, shoes = edges[None], shoes[None]
        return self._score(to_signed(edges), to_signed(shoes)).numpy()[..., 0]


# --- measures ------------------------------------------------------------------------------------
def mean_l1(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two uint8 stacks, on the [0, 1] scale."""
    return float(np.mean(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32))) / 255.0)


def colourfulness(images: np.ndarray) -> float:
    """Mean chroma of uint8 colour pictures (N, H, W, 3): max(R, G, B) - min(R, G, B) on the [0, 1]
    scale. An L1-only generator averages the plausible colourings of an outline into a muddy, greyer
    one; this number falls with it, where the sharpness of the (black) lines hardly moves."""
    images = np.asarray(images, np.float32) / 255.0
    return float(np.mean(images.max(axis=-1) - images.min(axis=-1)))


def sharpness(images: np.ndarray) -> float:
    """Mean Sobel gradient magnitude of uint8 images (N, H, W) or (N, H, W, 3), per channel, on the [0, 1]
    scale: blur lowers it.

    Reported next to the same number for the real shoes (a generator as sharp as the data gives
    a ratio of 1; an L1-only generator averages plausible shoes and lands well below).
    """
    images = np.asarray(images, np.float32) / 255.0
    if images.ndim == 4:  # colour: every channel as its own picture
        images = np.moveaxis(images, -1, 1).reshape(-1, *images.shape[1:3])
    gx, gy = gradients(images)
    return float(np.mean(np.hypot(gx, gy)))
