"""DeepDream speed: the book's loop (codes 12-12 to 12-15) against the studio's, same backbone and image.

    python benchmarks/deepdream.py [--side 512] [--runs 2]

Both dream grace_hopper.jpg (bounded to --side px) with the shipped MobileNetV2, the default layers
and the book's settings (3 octaves x 30 steps, scale 1.4, step 20, max loss 15). The book's
``@tf.function gradient_ascent_step`` retraces for every octave's new shape; the studio traces once
for any shape. Prints both times, the ratio, and the absolute time (target: under 15 s at 512 px on a
2-core CPU).

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: dream512_s=S book512_ratio=R`` (the keys name --side: ``dream400_s`` at 400 px).
"""

from __future__ import annotations

import argparse
import statistics
import time

from timing import add_weights_option, choose_weights, summary

from studio.serving import runtime
from studio.backbones import networks as backbones
from studio.techniques.deepdream.model import Dreamer, DreamSettings
from studio.techniques.deepdream.service import (
    DEFAULT_LAYERS,
    MOBILENET,
    DeepDreamService,
    example_image,
)


def book_dream(feature_model, layer_settings, original_img, step=20.0, num_octave=3, octave_scale=1.4,
               iterations=30, max_loss=15.0):
    """Codes 12-11 to 12-15 as printed (minus the prints), on a preprocessed (1, H, W, 3) image."""
    import keras
    import tensorflow as tf

    outputs_dict = {name: feature_model.get_layer(name).output for name in layer_settings}
    feature_extractor = keras.Model(inputs=feature_model.inputs, outputs=outputs_dict)

    def compute_loss(input_image):
        features = feature_extractor(input_image)
        loss = tf.zeros(shape=())
        for name in features.keys():
            coeff = layer_settings[name]
            activation = features[name]
            loss += coeff * tf.reduce_mean(tf.square(activation[:, 2:-2, 2:-2, :]))
        return loss

    @tf.function
    def gradient_ascent_step(image, learning_rate):
        with tf.GradientTape() as tape:
            tape.watch(image)
            loss = compute_loss(image)
        grads = tape.gradient(loss, image)
        grads = tf.math.l2_normalize(grads)
        image += learning_rate * grads
        return loss, image

    def gradient_ascent_loop(image, iterations, learning_rate, max_loss=None):
        for _ in range(iterations):
            loss, image = gradient_ascent_step(image, learning_rate)
            if max_loss is not None and loss > max_loss:
                break
        return image

    original_shape = original_img.shape[1:3]
    successive_shapes = [original_shape]
    for i in range(1, num_octave):
        successive_shapes.append(tuple(int(dim / (octave_scale ** i)) for dim in original_shape))
    successive_shapes = successive_shapes[::-1]
    shrunk_original_img = tf.image.resize(original_img, successive_shapes[0])
    img = tf.identity(original_img)
    for shape in successive_shapes:
        img = tf.image.resize(img, shape)
        img = gradient_ascent_loop(img, iterations=iterations, learning_rate=step, max_loss=max_loss)
        upscaled_shrunk_original_img = tf.image.resize(shrunk_original_img, shape)
        same_size_original = tf.image.resize(original_img, shape)
        img += same_size_original - upscaled_shrunk_original_img
        shrunk_original_img = tf.image.resize(original_img, shape)
    return img.numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=512)
    parser.add_argument("--runs", type=int, default=2)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    runtime.import_tensorflow()
    print(runtime.device_info().label())
    service = DeepDreamService()
    model = service.model(MOBILENET)
    rgb = service.prepare(example_image(), args.side)
    x = backbones.preprocess_mobilenet(rgb)
    layers = DEFAULT_LAYERS[MOBILENET]
    print(f"image {rgb.shape[1]}x{rgb.shape[0]}, layers {layers}, 3 octaves x 30 steps")

    book_times, ours_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        book_dream(model, layers, x[None])  # builds and traces its own step, as the book's script does
        book_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(Dreamer(model, layers).dream(x, DreamSettings(layers=layers)))  # likewise from scratch
        ours_times.append(time.perf_counter() - start)
    book_s, ours_s = statistics.median(book_times), statistics.median(ours_times)
    print(f"book (retraces per octave)   {book_s:7.2f} s")
    print(f"studio (one trace)           {ours_s:7.2f} s   ratio book/studio {book_s / ours_s:.2f}   "
          f"(target at 512 px: studio < 15 s)")
    summary(**{f"dream{args.side}_s": ours_s, f"book{args.side}_ratio": book_s / ours_s})


if __name__ == "__main__":
    main()
