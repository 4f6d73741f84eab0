"""DeepDream as in the Keras book, section 12.2 (codes 12-11 to 12-15), on any feature extractor.

Gradient ascent on the image to raise sum_l w_l * mean(activation_l ** 2) (borders excluded),
with L2-normalised gradients, over successive octaves from small to large, re-injecting after
each octave the detail that shrinking the original lost. The run is a generator that yields the
image as it forms, so a UI can stream it and stop it between steps; it is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from studio.serving.lazy_keras import keras, tf


@dataclass(frozen=True)
class DreamSettings:
    """The book's parameters (code 12-13 and the list before code 12-14)."""

    layers: dict[str, float] = field(default_factory=dict)  # layer name -> weight in the loss
    octaves: int = 3
    octave_scale: float = 1.4
    steps: int = 30  # gradient-ascent steps per octave ("iterations")
    step_size: float = 20.0  # the book's "step": the L2 norm of each image update
    max_loss: float | None = 15.0  # stop an octave once the loss passes this


@dataclass(frozen=True)
class DreamFrame:
    """One report of a running dream."""

    image: np.ndarray  # (H, W, 3) in the backbone's input space (preprocessed), current octave's size
    octave: int  # 0-based
    step: int  # steps done in this octave
    loss: float
    done: bool = False


def octave_shapes(shape: tuple[int, int], octaves: int, scale: float) -> list[tuple[int, int]]:
    """Code 12-15: the original size divided by scale**i for i < octaves, smallest first."""
    if octaves < 1 or scale <= 1.0:
        raise ValueError("Use at least one octave and an octave scale above 1.")
    shapes = [tuple(int(d / scale ** i) for d in shape) for i in range(octaves)]
    if min(min(s) for s in shapes) < 32:
        raise ValueError("The image is too small for that many octaves: its smallest octave would be under 32 px.")
    return shapes[::-1]


class Dreamer:
    """A compiled gradient-ascent step for one feature extractor and one choice of layer weights."""

    def __init__(self, feature_model, layer_weights: dict[str, float]) -> None:
        missing = [name for name in layer_weights if name not in {layer.name for layer in feature_model.layers}]
        if missing or not layer_weights:
            raise ValueError(f"Choose layers of the backbone (unknown: {', '.join(missing) or 'none chosen'}).")
        names = list(layer_weights)
        weights = [float(layer_weights[n]) for n in names]
        extractor = keras.Model(feature_model.inputs, [feature_model.get_layer(n).output for n in names])

        def loss_of(image):
            # Code 12-12: the weighted mean of squared activations, borders excluded.
            outputs = extractor(image, training=False)
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            return tf.add_n([w * tf.reduce_mean(tf.square(a[:, 2:-2, 2:-2, :])) for w, a in zip(weights, outputs)])

        def step(image, step_size):
            # Code 12-13, one step: L2-normalised gradient ascent.
            with tf.GradientTape() as tape:
                tape.watch(image)
                loss = loss_of(image)
            grads = tf.math.l2_normalize(tape.gradient(loss, image))
            return loss, image + step_size * grads

        spec = tf.TensorSpec((1, None, None, 3), tf.float32)  # one trace serves every octave's size
        self._step = tf.function(step, input_signature=[spec, tf.TensorSpec((), tf.float32)])
        self._loss = tf.function(loss_of, input_signature=[spec])

    def loss(self, image: np.ndarray) -> float:
        """The dream loss of a preprocessed image (H, W, 3)."""
        return float(self._loss(np.asarray(image, np.float32)[None]))

    def dream(self, image: np.ndarray, settings: DreamSettings, report_every: int = 5) -> Iterator[DreamFrame]:
        """Run code 12-15 on a preprocessed image (H, W, 3); yields frames every few steps and at the end."""
        original = tf.constant(np.asarray(image, np.float32)[None])
        shapes = octave_shapes(tuple(image.shape[:2]), settings.octaves, settings.octave_scale)
        shrunk_original = tf.image.resize(original, shapes[0])
        img = tf.identity(original)
        step_size = tf.constant(settings.step_size, tf.float32)
        loss = float("nan")
        for octave, shape in enumerate(shapes):
            img = tf.image.resize(img, shape)
            for step in range(settings.steps):
                loss_t, img = self._step(img, step_size)
                loss = float(loss_t)
                if settings.max_loss is not None and loss > settings.max_loss:
                    break
                if (step + 1) % report_every == 0:
                    yield DreamFrame(img[0].numpy(), octave, step + 1, loss)
            # Lost-detail reinjection: what the original had at this size that its shrunk copy lacks.
            upscaled_shrunk = tf.image.resize(shrunk_original, shape)
            same_size_original = tf.image.resize(original, shape)
            img += same_size_original - upscaled_shrunk
            shrunk_original = tf.image.resize(original, shape)
        yield DreamFrame(img[0].numpy(), len(shapes) - 1, settings.steps, loss, done=True)
