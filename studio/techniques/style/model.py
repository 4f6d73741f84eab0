"""Neural style transfer as in the Keras book, section 12.3 (codes 12-16 to 12-23), made fast.

The loss is the book's: content loss on block5_conv2, style loss on the Gram matrices of
block1_conv1 ... block5_conv1 (normalised by 4 * 3**2 * (height * width)**2, as the book writes it),
and total-variation loss with exponent 1.25; weights 2.5e-8 / 1e-6 / 1e-6.

Faster than the book: the content and style targets are computed once (the book pushes the
content, style and combination images through VGG together at every step), only the
combination image runs through the network and only up to the deepest layer needed, and the
pixels are optimised by L-BFGS, as Gatys et al. did (SciPy's L-BFGS-B, restarted every few
evaluations as the Keras examples of style transfer do), or by Adam; the book's SGD with
ExponentialDecay(100, 100, 0.96) stays selectable as "book". ``stylise`` can first optimise at half
the size and then refine at full size (coarse to fine), which settles the large shapes at a quarter
of the cost per step. The run is a generator reporting the image and the three loss terms as it
goes; it is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.serving.lazy_keras import keras, tf

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
    steps: int = 200  # optimiser steps (for L-BFGS: evaluations of the loss and its gradient)
    optimizer: str = "adam"  # "lbfgs" (Gatys et al.), "adam" or "book": SGD(ExponentialDecay(100, 100, 0.96))
    learning_rate: float = 5.0  # Adam's step on Caffe-scale pixels (0-255 minus the mean)
    preserve_colour: bool = False  # keep the content's colours, transfer only the luminance
    coarse_fraction: float = 0.0  # this share of the steps at half the size first (``stylise``)


@dataclass(frozen=True)
class StyleFrame:
    """One report of a running transfer."""

    image: np.ndarray  # uint8 (H, W, 3)
    step: int
    losses: dict  # "content", "style", "tv", "total"
    done: bool = False
    half_size: bool = False  # a coarse step (the losses are the half-size picture's)


OPTIMIZERS = ("lbfgs", "adam", "book")
# The studio's default: the book's loss with style x100 and smoothness x0.1, L-BFGS, 70% of the steps
# at half the size; about 25 s at 512 px on a 2-core CPU (benchmarks/style.py).
DEFAULT = StyleSettings(style_weight=1e-4, tv_weight=1e-7, steps=40, optimizer="lbfgs", coarse_fraction=0.7)
DEFAULT_SIDE = 512
LBFGS_MEMORY = 20  # L-BFGS-B's stored corrections (maxcor)


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> VGG's Caffe input (BGR, means removed), float32 (1, H, W, 3)."""
    return (np.asarray(rgb, np.float32)[..., ::-1] - _BGR_MEANS)[None]


def deprocess(x: np.ndarray) -> np.ndarray:
    """The inverse of ``preprocess`` (code 12-17's deprocess_image), clipped to uint8 RGB."""
    return np.clip(np.rint((np.asarray(x).reshape(x.shape[-3:]) + _BGR_MEANS)[..., ::-1]), 0, 255).astype(np.uint8)


def gram_matrix(x):
    """Code 12-19: (H, W, C) feature map -> (C, C) Gram matrix of its channels."""
    x = tf.transpose(x, (2, 0, 1))
    features = tf.reshape(x, (tf.shape(x)[0], -1))
    return tf.matmul(features, tf.transpose(features))


def style_loss(style_gram, combination, height: int, width: int):
    """Code 12-20 with the style's Gram matrix precomputed; normalised as the book (channels = 3)."""
    size = height * width
    return tf.reduce_sum(tf.square(style_gram - gram_matrix(combination))) / (4.0 * (3 ** 2) * (size ** 2))


def content_loss(base, combination):
    """Code 12-18: summed squared difference of the content layer's features."""
    return tf.reduce_sum(tf.square(combination - base))


def total_variation_loss(x):
    """Code 12-21: smoothness of the image, exponent 1.25, on a (1, H, W, 3) tensor."""
    a = tf.square(x[:, :-1, :-1, :] - x[:, 1:, :-1, :])
    b = tf.square(x[:, :-1, :-1, :] - x[:, :-1, 1:, :])
    return tf.reduce_sum(tf.pow(a + b, 1.25))


def preserve_colour(result: np.ndarray, content: np.ndarray) -> np.ndarray:
    """Luminance from the stylised result, colour (chroma) from the content (Gatys et al. 2016)."""
    y = np.asarray(Image.fromarray(result).convert("YCbCr"))[..., :1]
    cbcr = np.asarray(Image.fromarray(content).resize(result.shape[1::-1]).convert("YCbCr"))[..., 1:]
    return np.asarray(Image.fromarray(np.concatenate([y, cbcr], axis=-1), "YCbCr").convert("RGB"))


# One set of traced functions per VGG, shared by every transfer: a new picture, pair or size reuses
# them (``reduce_retracing`` generalises the shapes), so a student's click does not pay for a trace.
_TRACED: dict[int, tuple] = {}


def _traced(vgg) -> tuple:
    """(extract, value_and_gradient, loss_terms) of ``vgg``, made once (keyed by the model object)."""
    if id(vgg) in _TRACED:
        return _TRACED[id(vgg)][1]

    extractor = keras.Model(vgg.inputs, [vgg.get_layer(n).output for n in (CONTENT_LAYER, *STYLE_LAYERS)])

    def losses(image, content_target, style_grams, weights, size):
        # weights: (content, style, TV) as one tensor and size: (height, width), so that new settings
        # or sizes do not retrace
        outputs = extractor(image, training=False)
        content = weights[0] * content_loss(content_target, outputs[0])
        style = tf.add_n([style_loss(g, f[0], size[0], size[1]) for g, f in zip(style_grams, outputs[1:])])
        style = weights[1] / len(STYLE_LAYERS) * style
        return content, style, weights[2] * total_variation_loss(image)

    @tf.function(reduce_retracing=True)
    def value_and_gradient(image, content_target, style_grams, weights, size):
        with tf.GradientTape() as tape:
            tape.watch(image)  # a tensor: variables as arguments of a shared trace keep the first one's shape
            content, style, tv = losses(image, content_target, style_grams, weights, size)
            total = content + style + tv
        return content, style, tv, tape.gradient(total, image)

    extract = tf.function(lambda x: extractor(x, training=False), reduce_retracing=True)
    functions = (extract, value_and_gradient, tf.function(losses, reduce_retracing=True))
    _TRACED[id(vgg)] = (vgg, functions)  # the model is kept, so its id is not reused
    return functions


class StyleTransfer:
    """One content/style pair on one VGG backbone, ready to optimise from the content image."""

    def __init__(self, vgg, content_rgb: np.ndarray, style_rgb: np.ndarray, settings: StyleSettings,
                 start: np.ndarray | None = None) -> None:
        """``start``: the picture to optimise from, in VGG's input space (1, H, W, 3) (default: the content)."""
        if settings.optimizer not in OPTIMIZERS:
            raise ValueError(f"The optimiser is one of {', '.join(OPTIMIZERS)}.")
        self.settings = settings
        self.content_rgb = np.asarray(content_rgb, np.uint8)
        height, width = self.content_rgb.shape[:2]
        extract, self._value_and_gradient, self._loss_terms = _traced(vgg)
        base = preprocess(self.content_rgb)
        # The targets, once: the content features and the style image's Gram matrices.
        self._targets = (extract(tf.constant(base))[0],
                         [gram_matrix(f[0]) for f in extract(tf.constant(preprocess(style_rgb)))[1:]],
                         tf.constant([settings.content_weight, settings.style_weight, settings.tv_weight], tf.float32),
                         tf.constant([height, width], tf.float32))
        self.image = tf.Variable(base if start is None else np.asarray(start, np.float32).reshape(base.shape))
        if settings.optimizer == "book":  # code 12-23
            schedule = keras.optimizers.schedules.ExponentialDecay(100.0, decay_steps=100, decay_rate=0.96)
            self._optimizer = keras.optimizers.SGD(schedule)
        else:  # Adam; L-BFGS keeps its own state (SciPy), in run()
            self._optimizer = keras.optimizers.Adam(settings.learning_rate)

    def value_and_gradient(self):
        """(content, style, TV) loss terms of the current image and the gradient of their sum."""
        return self._value_and_gradient(self.image.read_value(), *self._targets)

    def _losses(self):
        return self._loss_terms(self.image.read_value(), *self._targets)

    def _step(self):
        content, style, tv, grads = self.value_and_gradient()
        self._optimizer.apply_gradients([(grads, self.image)])
        return content, style, tv

    def current_losses(self) -> dict:
        """The three weighted loss terms of the current image, and their total."""
        content, style, tv = (float(v) for v in self._losses())
        return {"content": content, "style": style, "tv": tv, "total": content + style + tv}

    def current_image(self) -> np.ndarray:
        """The current combination image as uint8 RGB (colour-preserved if asked)."""
        result = deprocess(self.image.numpy())
        return preserve_colour(result, self.content_rgb) if self.settings.preserve_colour else result

    def run(self, report_every: int = 10, steps: int | None = None) -> Iterator[StyleFrame]:
        """Optimise for ``steps`` (default ``settings.steps``) steps; yields a frame after the first
        step (the screen shows work at once), every ``report_every`` steps and at the end."""
        steps = self.settings.steps if steps is None else int(steps)
        if self.settings.optimizer == "lbfgs":
            yield from self._run_lbfgs(report_every, steps)
            return
        for step in range(1, steps + 1):
            content, style, tv = self._step()
            if step == 1 or step % report_every == 0 or step == steps:
                yield self._frame(step, (content, style, tv), step == steps)

    def _frame(self, step: int, terms, done: bool) -> StyleFrame:
        losses = {"content": float(terms[0]), "style": float(terms[1]), "tv": float(terms[2])}
        losses["total"] = sum(losses.values())
        return StyleFrame(self.current_image(), step, losses, done=done)

    def _run_lbfgs(self, report_every: int, steps: int) -> Iterator[StyleFrame]:
        """L-BFGS-B on the pixels, one call of SciPy's ``fmin_l_bfgs_b`` per frame (its memory restarts
        there, as in the Keras examples of Gatys's method). A step is one evaluation of the loss and its
        gradient, counted as done (a line search may take a few more than a frame asked for); a
        restart's first point was the last one evaluated, so it is answered from memory."""
        from scipy.optimize import fmin_l_bfgs_b  # lazy: SciPy's optimiser only for the L-BFGS setting

        shape = tuple(self.image.shape)
        last: dict = {"x": None, "answer": None, "terms": None}
        evaluations = 0

        def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
            nonlocal evaluations
            if last["x"] is not None and np.array_equal(flat, last["x"]):
                return last["answer"]
            self.image.assign(flat.reshape(shape).astype(np.float32))
            content, style, tv, grads = self.value_and_gradient()
            evaluations += 1
            last.update(x=flat.copy(), terms=(content, style, tv),
                        answer=(float(content + style + tv), grads.numpy().ravel().astype(np.float64)))
            return last["answer"]

        x = self.image.numpy().ravel().astype(np.float64)
        loss_and_gradient(x)  # the starting point: a frame at once, and L-BFGS's first point remembered
        yield self._frame(evaluations, last["terms"], evaluations >= steps)
        while evaluations < steps:
            wanted = min(report_every - evaluations % report_every, steps - evaluations)
            before = evaluations
            # maxfun counts the remembered first point of a restart too
            x, _, _ = fmin_l_bfgs_b(loss_and_gradient, x, maxfun=wanted + 1, m=LBFGS_MEMORY)
            # No new evaluation: L-BFGS-B found nothing left to improve (e.g. a zero gradient); stop there.
            converged = evaluations == before
            self.image.assign(x.reshape(shape).astype(np.float32))  # the point it settled on
            terms = last["terms"] if np.array_equal(x, last["x"]) else self._losses()
            yield self._frame(evaluations, terms, evaluations >= steps or converged)
            if converged:
                return


def stylise(vgg, content_rgb: np.ndarray, style_rgb: np.ndarray, settings: StyleSettings,
            report_every: int = 10) -> Iterator[StyleFrame]:
    """The whole transfer: with ``settings.coarse_fraction`` > 0, that share of the steps at half the
    size first, then the rest at full size from the enlarged result; frames numbered throughout."""
    coarse = int(round(settings.steps * settings.coarse_fraction))
    height, width = np.asarray(content_rgb).shape[:2]
    start = None
    if 0 < coarse < settings.steps and min(height, width) >= 64:
        small = (max(1, width // 2), max(1, height // 2))

        def half(rgb):
            return np.asarray(Image.fromarray(np.asarray(rgb, np.uint8)).resize(small, Image.Resampling.LANCZOS))

        first = StyleTransfer(vgg, half(content_rgb), half(style_rgb), settings)
        for frame in first.run(report_every, coarse):
            yield StyleFrame(frame.image, frame.step, frame.losses, done=False, half_size=True)
        coarse = frame.step  # L-BFGS may have taken a step or two more than asked

        start = tf.image.resize(first.image, (height, width), method="bicubic").numpy()
    else:
        coarse = 0
    rest = StyleTransfer(vgg, content_rgb, style_rgb, settings, start=start)
    for frame in rest.run(report_every, max(1, settings.steps - coarse)):
        yield StyleFrame(frame.image, frame.step + coarse, frame.losses, frame.done)
