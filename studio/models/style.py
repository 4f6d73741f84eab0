"""Neural style transfer as in the Keras book, section 12.3 (codes 12-16 to 12-23), made fast.

The loss is the book's: content loss on block5_conv2, style loss on the Gram matrices of
block1_conv1 ... block5_conv1 (normalised by 4 * 3**2 * (height * width)**2, as the book writes it),
and total-variation loss with exponent 1.25; weights 2.5e-8 / 1e-6 / 1e-6.

Faster than the book: the content and style targets are computed once (the book pushes the
content, style and combination images through VGG together at every step), only the
combination image runs through the network and only up to the deepest layer needed, and Adam on
the pixels replaces SGD with ExponentialDecay(100, 100, 0.96) (still selectable as "book").
The run is a generator reporting the image and the three loss terms as it goes; it is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

CONTENT_LAYER = "block5_conv2"
STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
# Caffe-style preprocessing of keras.applications.vgg16/vgg19: BGR, ImageNet channel means removed.
_BGR_MEANS = np.array([103.939, 116.779, 123.68], np.float32)


@dataclass(frozen=True)
class StyleSettings:
    """The book's weights and optimiser choice (code 12-22, 12-23), plus the studio's faster defaults."""

    content_weight: float = 2.5e-8
    style_weight: float = 1e-6
    tv_weight: float = 1e-6
    steps: int = 200
    optimizer: str = "adam"  # "adam" (studio) or "book": SGD(ExponentialDecay(100, 100, 0.96))
    learning_rate: float = 5.0  # Adam's step on Caffe-scale pixels (0-255 minus the mean)
    preserve_colour: bool = False  # keep the content's colours, transfer only the luminance


@dataclass(frozen=True)
class StyleFrame:
    """One report of a running transfer."""

    image: np.ndarray  # uint8 (H, W, 3)
    step: int
    losses: dict  # "content", "style", "tv", "total"
    done: bool = False


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> VGG's Caffe input (BGR, means removed), float32 (1, H, W, 3)."""
    return (np.asarray(rgb, np.float32)[..., ::-1] - _BGR_MEANS)[None]


def deprocess(x: np.ndarray) -> np.ndarray:
    """The inverse of ``preprocess`` (code 12-17's deprocess_image), clipped to uint8 RGB."""
    return np.clip(np.rint((np.asarray(x).reshape(x.shape[-3:]) + _BGR_MEANS)[..., ::-1]), 0, 255).astype(np.uint8)


def gram_matrix(x):
    """Code 12-19: (H, W, C) feature map -> (C, C) Gram matrix of its channels."""
    import tensorflow as tf

    x = tf.transpose(x, (2, 0, 1))
    features = tf.reshape(x, (tf.shape(x)[0], -1))
    return tf.matmul(features, tf.transpose(features))


def style_loss(style_gram, combination, height: int, width: int):
    """Code 12-20 with the style's Gram matrix precomputed; normalised as the book (channels = 3)."""
    import tensorflow as tf

    size = height * width
    return tf.reduce_sum(tf.square(style_gram - gram_matrix(combination))) / (4.0 * (3 ** 2) * (size ** 2))


def content_loss(base, combination):
    """Code 12-18: summed squared difference of the content layer's features."""
    import tensorflow as tf

    return tf.reduce_sum(tf.square(combination - base))


def total_variation_loss(x):
    """Code 12-21: smoothness of the image, exponent 1.25, on a (1, H, W, 3) tensor."""
    import tensorflow as tf

    a = tf.square(x[:, :-1, :-1, :] - x[:, 1:, :-1, :])
    b = tf.square(x[:, :-1, :-1, :] - x[:, :-1, 1:, :])
    return tf.reduce_sum(tf.pow(a + b, 1.25))


def preserve_colour(result: np.ndarray, content: np.ndarray) -> np.ndarray:
    """Luminance from the stylised result, colour (chroma) from the content (Gatys et al. 2016)."""
    from PIL import Image

    y = np.asarray(Image.fromarray(result).convert("YCbCr"))[..., :1]
    cbcr = np.asarray(Image.fromarray(content).resize(result.shape[1::-1]).convert("YCbCr"))[..., 1:]
    return np.asarray(Image.fromarray(np.concatenate([y, cbcr], axis=-1), "YCbCr").convert("RGB"))


class StyleTransfer:
    """One content/style pair on one VGG backbone, ready to optimise from the content image."""

    def __init__(self, vgg, content_rgb: np.ndarray, style_rgb: np.ndarray, settings: StyleSettings) -> None:
        import keras
        import tensorflow as tf

        self.settings = settings
        self.content_rgb = np.asarray(content_rgb, np.uint8)
        height, width = self.content_rgb.shape[:2]
        names = [CONTENT_LAYER, *STYLE_LAYERS]
        self._extract = keras.Model(vgg.inputs, [vgg.get_layer(n).output for n in names])
        extract = tf.function(lambda x: self._extract(x, training=False))
        base = preprocess(self.content_rgb)
        # The targets, once: the content features and the style image's Gram matrices.
        self._content_target = extract(tf.constant(base))[0]
        style_features = extract(tf.constant(preprocess(style_rgb)))[1:]
        style_grams = [gram_matrix(f[0]) for f in style_features]
        self.image = tf.Variable(base)
        weights = settings

        def losses(image):
            outputs = self._extract(image, training=False)
            content = weights.content_weight * content_loss(self._content_target, outputs[0])
            style = tf.add_n([style_loss(g, f[0], height, width) for g, f in zip(style_grams, outputs[1:])])
            style = weights.style_weight / len(STYLE_LAYERS) * style
            tv = weights.tv_weight * total_variation_loss(image)
            return content, style, tv

        if settings.optimizer == "book":  # code 12-23
            schedule = keras.optimizers.schedules.ExponentialDecay(100.0, decay_steps=100, decay_rate=0.96)
            self._optimizer = keras.optimizers.SGD(schedule)
        elif settings.optimizer == "adam":
            self._optimizer = keras.optimizers.Adam(settings.learning_rate)
        else:
            raise ValueError("The optimiser is 'adam' or 'book'.")

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                content, style, tv = losses(self.image)
                total = content + style + tv
            grads = tape.gradient(total, self.image)
            self._optimizer.apply_gradients([(grads, self.image)])
            return content, style, tv

        self._step = step
        self._losses = tf.function(lambda: losses(self.image))

    def current_losses(self) -> dict:
        """The three weighted loss terms of the current image, and their total."""
        content, style, tv = (float(v) for v in self._losses())
        return {"content": content, "style": style, "tv": tv, "total": content + style + tv}

    def current_image(self) -> np.ndarray:
        """The current combination image as uint8 RGB (colour-preserved if asked)."""
        result = deprocess(self.image.numpy())
        return preserve_colour(result, self.content_rgb) if self.settings.preserve_colour else result

    def run(self, report_every: int = 10) -> Iterator[StyleFrame]:
        """Optimise for ``settings.steps`` steps; yields a frame after the first step (the screen shows
        work at once), every ``report_every`` steps and at the end."""
        for step in range(1, self.settings.steps + 1):
            content, style, tv = self._step()
            if step == 1 or step % report_every == 0 or step == self.settings.steps:
                losses = {"content": float(content), "style": float(style), "tv": float(tv)}
                losses["total"] = sum(losses.values())
                yield StyleFrame(self.current_image(), step, losses, done=step == self.settings.steps)
