"""The Keras book's colour DCGAN (section 12.5): the book's shapes and weight counts, its train step,
and its data pipeline on a folder of pictures."""

import numpy as np
from PIL import Image

from studio.techniques.gan import colour_model as colour


def test_the_books_networks_have_the_books_shapes_and_weight_counts():
    config = colour.ColourGANConfig.book()
    discriminator, generator = colour.build_discriminator(config), colour.build_generator(config)
    assert discriminator.count_params() == 404_801  # the book's model.summary()
    assert _shapes(discriminator, (1, 64, 64, 3), "conv2d") == [(32, 32, 64), (16, 16, 128), (8, 8, 128)]
    assert _shapes(generator, (1, 128), "conv2d_transpose") == [(16, 16, 128), (32, 32, 256), (64, 64, 512)]
    assert _shapes(generator, (1, 128), "conv2d")[-1] == (64, 64, 3)


def _shapes(model, input_shape, kind: str) -> list[tuple]:
    """The output shapes of ``model``'s layers named ``kind``(_N), in order, for one zero input."""
    x, shapes = np.zeros(input_shape, np.float32), []
    for layer in model.layers:
        x = layer(x)
        if layer.name.rstrip("_0123456789") == kind:
            shapes.append(tuple(x.shape[1:]))
    return shapes


def test_the_cpu_variant_is_the_same_network_narrower():
    book, cpu = colour.ColourGANConfig.book(), colour.ColourGANConfig.cpu()
    assert len(cpu.generator_widths) == len(book.generator_widths)
    assert colour.build_generator(cpu).count_params() < colour.build_generator(book).count_params() / 4
    assert colour.ColourGANConfig.from_json({**cpu.__dict__, "generator_widths": [64, 64, 64]}) == cpu


def test_a_folder_of_pictures_trains_one_step_and_the_seed_fixes_the_samples(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    (tmp_path / "faces" / "more").mkdir(parents=True)
    for k in range(8):  # any size and mode: smart_resize crops and scales them to 64 x 64
        array = rng.integers(0, 255, (40 + 7 * k, 50, 3), dtype=np.uint8)
        folder = tmp_path / "faces" / ("more" if k % 2 else "")
        Image.fromarray(array).convert("L" if k == 3 else "RGB").save(folder / f"{k}.png")
    stream = colour.pictures_from_directory(tmp_path / "faces", batch_size=4)
    batch = next(iter(stream))
    assert tuple(batch.shape) == (4, 64, 64, 3) and 0.0 <= float(np.min(batch)) <= float(np.max(batch)) <= 1.0
    keras.utils.set_random_seed(0)
    config = colour.ColourGANConfig(dense_channels=8, generator_widths=(8, 8, 8), discriminator_widths=(8, 8, 8))
    model = colour.make_colour_gan(config)
    logs = model.fit(stream, epochs=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][0]) and np.isfinite(logs["g_loss"][0])
    first = colour.generate(model.generator, config, 3, 7)
    assert first.shape == (3, 64, 64, 3) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, colour.generate(model.generator, config, 3, 7))
