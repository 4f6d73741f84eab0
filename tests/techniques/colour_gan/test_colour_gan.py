"""The Keras book's colour DCGAN (section 12.5): the book's shapes and weight counts, its train step,
and its data pipeline on a folder of pictures."""

import numpy as np
from PIL import Image

from studio.techniques.colour_gan import model as colour
from studio.training import RunContext
from training_requests import shipped_request, user_request


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
    assert len(cpu.discriminator_widths) == len(book.discriminator_widths)
    assert all(c <= b for c, b in zip(cpu.generator_widths + cpu.discriminator_widths,
                                      book.generator_widths + book.discriminator_widths))
    assert colour.build_generator(cpu).count_params() < colour.build_generator(book).count_params() / 2
    assert colour.ColourGANConfig.from_json({**cpu.__dict__, "generator_widths": list(cpu.generator_widths),
                                             "discriminator_widths": list(cpu.discriminator_widths)}) == cpu


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


TINY = colour.ColourGANConfig(dense_channels=8, generator_widths=(8, 8, 8), discriminator_widths=(8, 8, 8))


def _picture_folder(folder, n: int = 64):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for k in range(n):
        Image.fromarray(rng.integers(0, 255, (48 + k % 5, 40, 3), dtype=np.uint8)).save(folder / f"{k}.png")
    return folder


def test_the_recipe_trains_on_a_folder_of_64_pictures_into_the_users_weights(tmp_path, quick_precise_bn):
    from studio.bundles import registry
    from studio.techniques.colour_gan import recipe as colour_recipe

    folder = _picture_folder(tmp_path / "mine")
    bundle = colour_recipe.train_colour_gan(
        user_request("colour-gan", steps=3, batch_size=8, images_dir=str(folder)), config=TINY)
    assert bundle.source == registry.USER and registry.active_source(colour_recipe.BUNDLE) == registry.USER
    assert bundle.metadata["data"]["own_pictures"]["train_images"] == 64
    assert 0.0 < bundle.metadata["metrics"]["nearest_train_distance"] < 1.0
    assert "--images-dir" in bundle.metadata["command"]


def test_too_few_pictures_get_a_sentence(tmp_path):
    import pytest

    from studio.techniques.colour_gan import recipe as colour_recipe

    with pytest.raises(ValueError, match="needs at least 64"):
        colour_recipe.train_colour_gan(
            shipped_request("colour-gan", steps=2, images_dir=str(_picture_folder(tmp_path / "few", 10))), config=TINY)


def test_a_zip_trains_through_the_tabs_job_and_a_stopped_job_keeps_the_previous_weights(tmp_path):
    import zipfile

    import pytest

    from studio.bundles import registry
    from studio.techniques.colour_gan import recipe as colour_recipe
    from studio.techniques.colour_gan.service import ColourGANService
    from studio.training import CancelToken, TrainingCancelled

    folder = _picture_folder(tmp_path / "zipped")
    with zipfile.ZipFile(tmp_path / "mine.zip", "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"pictures/{path.name}")
    from studio.checks import UserError

    with pytest.raises(UserError, match="between 1 and 120 rounds"):
        ColourGANService.training_job([str(tmp_path / "mine.zip")], 500, keep_on_stop=False)
    spec = ColourGANService.training_job([str(tmp_path / "mine.zip")], 1, keep_on_stop=False)
    images_dir = spec.argv[spec.argv.index("--images-dir") + 1]
    assert spec.argv[0] == "colour-gan" and len(list((tmp_path / "studio_cache").rglob("*.png"))) == 64
    request = user_request("colour-gan", steps=2, batch_size=8, images_dir=images_dir)
    first = colour_recipe.train_colour_gan(request, config=TINY)
    stop = CancelToken()
    stop.cancel()
    with pytest.raises(TrainingCancelled):
        colour_recipe.train_colour_gan(request, RunContext(cancel=stop), config=TINY)
    assert registry.load(colour_recipe.BUNDLE).metadata["files"] == first.metadata["files"]


def test_a_checkpointed_run_resumes_where_it_stopped(tmp_path, monkeypatch):
    from studio.techniques.colour_gan import recipe as colour_recipe

    folder, checkpoints = _picture_folder(tmp_path / "mine"), tmp_path / "checkpoints"
    monkeypatch.setattr(colour_recipe, "CHECKPOINT_EVERY", 1)
    trained = colour_recipe.train_colour_gan(user_request(
        "colour-gan", steps=2, batch_size=8, images_dir=str(folder), checkpoint_dir=str(checkpoints)), config=TINY)
    model = colour.make_colour_gan(TINY, ema=0.999)
    assert colour_recipe._load_checkpoint(checkpoints, model) == 1
    from studio.techniques.colour_gan.presets import load_generator

    generator, _ = load_generator(trained)
    assert len(model.generator.get_weights()) == len(generator.get_weights())
