"""The conditional GANs of lecture 004: layers, configs, a training step, seeded generation, the tab's
service on tiny bundles, and label conditioning on the shipped weights."""

import dataclasses
import math

import numpy as np
import pytest

from conftest import ROOT, counting_quality, write_tiny_data
from studio.techniques.cgan import model as cgan
from studio.checks import UserError
from studio.training import RunContext
from training_requests import shipped_request


@pytest.fixture(scope="module")
def keras_classes():
    return cgan.classes()


def test_maxout_takes_the_largest_piece(keras_classes):
    layer = keras_classes["Maxout"](3, 4)
    x = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    out = np.asarray(layer(x, training=False))
    assert out.shape == (5, 3)
    dense = np.maximum(x @ np.asarray(layer.dense.kernel) + np.asarray(layer.dense.bias), 0)  # ReLU, as the lecture
    np.testing.assert_allclose(out, dense.reshape(5, 4, 3).max(axis=1), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", cgan.KINDS)
def test_get_config_round_trip_rebuilds_the_same_networks(kind, keras_classes):
    config = cgan.CGANConfig(kind, noise_dim=16)
    for original in (cgan.build_generator(config), cgan.build_discriminator(config)):
        twin = type(original).from_config(original.get_config())
        noise_or_image = (np.zeros((2, 16), np.float32) if "Generator" in type(original).__name__
                          else np.zeros((2, 28, 28, 1), np.float32))
        label = cgan.one_hot([1, 7])
        twin(noise_or_image, label)
        twin.set_weights(original.get_weights())
        assert twin.get_config() == original.get_config()
        np.testing.assert_allclose(np.asarray(twin(noise_or_image, label)), np.asarray(original(noise_or_image, label)),
                                   rtol=1e-5, atol=1e-6)
    maxout = keras_classes["Maxout"](5, 2)
    assert keras_classes["Maxout"].from_config(maxout.get_config()).get_config() == maxout.get_config()


def test_lecture_shapes():
    config = cgan.CGANConfig("dense")
    generator, discriminator = cgan.build_generator(config), cgan.build_discriminator(config)
    out = generator(np.zeros((3, 100), np.float32), cgan.one_hot([0, 1, 2]))
    assert tuple(out.shape) == (3, 28, 28, 1)
    assert tuple(discriminator(out, cgan.one_hot([0, 1, 2])).shape) == (3, 1)
    # 100*256 + 10*256 + 512*512 + 512*784 weights plus biases: lecture 004's GeneratorCGAN
    assert generator.count_params() == 100 * 256 + 256 + 10 * 256 + 256 + 512 * 512 + 512 + 512 * 784 + 784


@pytest.mark.parametrize("kind,aux", [("dense", 0.0), ("conv", 0.0), ("conv", 1.0)])
def test_one_training_step_changes_both_networks(kind, aux):
    import keras

    keras.utils.set_random_seed(0)
    model = cgan.make_cgan(cgan.CGANConfig(kind, noise_dim=8, aux_weight=aux), seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)
    labels = cgan.one_hot(np.arange(16) % 10)
    g_before = [w.copy() for w in model.generator.get_weights()]
    d_before = [w.copy() for w in model.discriminator.get_weights()]
    logs = model.train_on_batch(images, labels, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss"} | ({"class_loss"} if aux else set())
    assert all(math.isfinite(float(v)) for v in logs.values())
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, model.generator.get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(d_before, model.discriminator.get_weights()))


def test_auxiliary_class_head_reads_the_image_not_the_label():
    discriminator = cgan.build_discriminator(cgan.CGANConfig("conv", aux_weight=1.0))
    image = np.random.default_rng(0).uniform(-1, 1, (1, 28, 28, 1)).astype(np.float32)
    logit_1, classes_1 = discriminator.logits_and_classes(image, cgan.one_hot([1]))
    logit_7, classes_7 = discriminator.logits_and_classes(image, cgan.one_hot([7]))
    np.testing.assert_allclose(np.asarray(classes_1), np.asarray(classes_7))  # no shortcut through the label
    assert tuple(classes_1.shape) == (1, 10)
    assert not np.allclose(np.asarray(logit_1), np.asarray(logit_7))  # the projection term still asks "a real y?"
    assert cgan.build_discriminator(cgan.CGANConfig("conv")).logits_and_classes(image, cgan.one_hot([1]))[1] is None
    with pytest.raises(ValueError, match="conv cGAN only"):
        cgan.build_discriminator(cgan.CGANConfig("dense", aux_weight=1.0))


def test_auxiliary_class_loss_falls_on_two_distinct_digits():
    import keras

    keras.utils.set_random_seed(0)
    model = cgan.make_cgan(cgan.CGANConfig("conv", noise_dim=8, learning_rate=1e-3, aux_weight=1.0), seed=0)
    images = np.full((32, 28, 28, 1), -1.0, np.float32)
    images[16:, :, 10:18] = 1.0  # "ones": a bar; "zeros": blank
    labels = cgan.one_hot([0] * 16 + [1] * 16)
    first = float(model.train_on_batch(images, labels, return_dict=True)["class_loss"])
    for _ in range(15):
        last = float(model.train_on_batch(images, labels, return_dict=True)["class_loss"])
    assert last < first * 0.5


def test_generation_is_seeded_and_the_table_and_morph_agree_with_it():
    config = cgan.CGANConfig("conv")
    inference = cgan.CGANInference(cgan.build_generator(config), config)
    first = inference.generate([3] * 10, seed=5)
    assert first.shape == (10, 28, 28) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, inference.generate([3] * 10, seed=5))
    assert not np.array_equal(first, inference.generate([3] * 10, seed=6))
    table = inference.table(10, seed=5)
    np.testing.assert_array_equal(table[30:40], first)  # row 3 = digit 3 over the same ten noise vectors
    frames = inference.morph(2, 9, [0.0, 0.5, 1.0], seed=5)
    np.testing.assert_array_equal(frames[0], inference.generate([2], 5)[0])
    np.testing.assert_array_equal(frames[2], inference.generate([9], 5)[0])
    np.testing.assert_allclose(cgan.blended_labels(2, 9, [0.25])[0][[2, 9]], [0.75, 0.25])
    zero = inference.generate([3, 3], seed=5, noise_scale=0.0)  # scale 0: the same (mean) noise for both
    np.testing.assert_array_equal(zero[0], zero[1])
    assert not np.array_equal(inference.generate([3], 5, 0.7), first[:1])


def test_the_tab_default_noise_scale_is_the_recipes():
    from studio.techniques.cgan.recipe import NOISE_SCALE
    from studio.techniques.cgan import tab as tab

    assert tab.NOISE_SCALE == NOISE_SCALE


@pytest.fixture(scope="module")
def tiny_cgan(tmp_path_factory):
    """Both cGAN variants trained one epoch on 64 synthetic digits, in a temporary pretrained/ folder."""
    from studio import data, paths
    from studio.techniques.cgan.recipe import VARIANTS, train_cgan

    root = tmp_path_factory.mktemp("cgan")
    folder = write_tiny_data(root / "data", train=64, test=20)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_PRETRAINED_DIR", str(root / "pretrained"))
        mp.setenv("STUDIO_NO_DOWNLOAD", "1")
        paths.set_data_dir(folder)
        data._load_cached.cache_clear()
        bundles = [train_cgan(shipped_request("cgan", variant=v, epochs=1, batch_size=32)) for v in VARIANTS]
        paths.set_data_dir(None)
    return root / "pretrained", bundles


def test_recipe_writes_float16_generator_and_history(tiny_cgan):
    _, bundles = tiny_cgan
    for bundle in bundles:
        with np.load(bundle.path("generator.weights.npz")) as f:
            assert all(f[k].dtype == np.float16 for k in f.files)
        assert bundle.metadata["training"]["history"]["d_loss"]
        assert "no MNIST judge" in bundle.metadata["metrics"]["note"]
        assert bundle.metadata["command"].startswith("python -m studio.train cgan --variant ")


def test_the_classroom_schedule_trains_in_rounds_and_says_so(tmp_path, monkeypatch):
    from studio.techniques.cgan.presets import CLASSROOM
    from studio.techniques.cgan.recipe import train_cgan
    from training_requests import tiny_mnist_run

    from studio.techniques.cgan import recipe

    # the schedule's shape with rounds of 10 batches, not 150: two rounds of it, each judged
    monkeypatch.setattr(recipe, "CLASSROOM", dataclasses.replace(CLASSROOM, round_steps=10))
    messages = []
    with tiny_mnist_run(tmp_path, monkeypatch):
        bundle = train_cgan(shipped_request("cgan", variant="conv", epochs=2, schedule="classroom"),
                            RunContext(on_progress=lambda f, m: messages.append(m)))
    training = bundle.metadata["training"]
    assert training["schedule"] == "classroom" and training["batch_size"] == CLASSROOM.batch_size
    assert training["epochs_completed"] == 2 and len(training["history"]["d_loss"]) == 2
    assert "round 2/2" in " ".join(messages)
    assert bundle.metadata["command"].endswith("--schedule classroom")
    assert f"Adam({CLASSROOM.learning_rate:g}" in training["optimizer"]
    with pytest.raises(ValueError, match="conv cGAN"):
        train_cgan(shipped_request("cgan", variant="dense", epochs=1, schedule="classroom"))


def test_the_train_button_puts_the_schedule_or_the_lectures_settings_in_line():
    from studio.techniques.cgan.service import CGANService

    service = CGANService()
    quick = service.training_job("conv", 5, False, "classroom")
    assert quick.argv[:5] == ("cgan", "--variant", "conv", "--schedule", "classroom") and "--epochs" not in quick.argv
    lecture = service.training_job("conv", 5, True)
    assert "--schedule" not in lecture.argv and lecture.argv[3:5] == ("--epochs", "5") and lecture.keep_on_stop
    with pytest.raises(UserError, match="classroom schedule trains the conv"):
        service.training_job("dense", 5, False, "classroom")
    with pytest.raises(UserError, match="Unknown training settings"):
        service.training_job("conv", 5, False, "fast")


@pytest.fixture
def service(tiny_cgan, monkeypatch):
    from studio.techniques.cgan.service import CGANService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tiny_cgan[0]))
    return CGANService()


def test_service_pictures(service):
    picture, images = service.samples("dense", 4, 10, 0)
    assert picture.shape == (2 + 56 + 2, 10 * 58 + 2) and images.shape == (10, 28, 28)
    judged = service.judged_draw("dense", 4, 0)
    assert judged.shape == (1000, 28, 28) and np.array_equal(judged[:10], images)  # the shown ones first
    picture, images = service.table("conv", 3)
    assert images.shape == (100, 28, 28) and picture.shape == (10 * 58 + 2, 10 * 58 + 2)
    strip, current, frames, t = service.morph("conv", "3", "8", 0.0, 1)
    assert frames.shape == (11, 28, 28) and current.shape == (168, 168)
    np.testing.assert_array_equal(current[::6, ::6], frames[0])  # the slider's frame at t = 0 is the first frame
    assert service.status("conv")["source"] == "shipped"


def test_the_readout_measures_each_digit_once_and_judges_the_shown_row(service):
    from studio.techniques.cgan.service import JUDGED_SAMPLES

    quality = counting_quality()
    for seed in (1, 2):
        _, shown = service.samples("dense", 4, 10, seed)
        readout = service.readout(quality, "dense", 4, 10, seed)
        assert np.array_equal(readout.shown, quality.classify("mnist", shown)) and readout.model.requested == 4
    assert quality.calls == [JUDGED_SAMPLES, 10, 10, 10, 10] and quality.model_reports_computed == 1
    service.readout(quality, "dense", 5, 10, 1)  # another digit: its own model report
    assert quality.model_reports_computed == 2


@pytest.mark.parametrize("call, message", [
    (lambda s: s.samples("conv", 10, 10, 0), "one of 0 to 9"),
    (lambda s: s.samples("conv", -1, 10, 0), "one of 0 to 9"),
    (lambda s: s.samples("conv", 2.5, 10, 0), "one of 0 to 9"),
    (lambda s: s.samples("conv", "seven", 10, 0), "one of 0 to 9"),
    (lambda s: s.samples("conv", 3, 0, 0), "between 1 and 100"),
    (lambda s: s.samples("conv", 3, 10, -1), "seed must be a whole number, zero or more"),
    (lambda s: s.table("conv", float("nan")), "whole number"),
    (lambda s: s.morph("conv", 3, 8, 1.5, 0), "blend must be between"),
    (lambda s: s.morph("conv", 3, 8, -0.1, 0), "blend must be between"),
    (lambda s: s.morph("conv", 3, 8, float("nan"), 0), "blend must be between"),
    (lambda s: s.morph("conv", 3, 12, 0.5, 0), "second digit"),
    (lambda s: s.samples("gan", 3, 10, 0), "Unknown cGAN model"),
    (lambda s: s.table("conv", 0, 2.5), "noise scale must be between"),
    (lambda s: s.samples("conv", 3, 10, 0, float("nan")), "noise scale must be between"),
])
def test_service_explains_bad_requests(service, call, message):
    with pytest.raises(UserError, match=message):
        call(service)


@pytest.fixture(scope="module")
def shipped():
    """The shipped default generator and the MNIST judge; skips when they are not in pretrained/."""
    from studio.techniques.cgan.service import DEFAULT_VARIANT
    from studio.judge.quality import QualityService

    if not (ROOT / "pretrained" / f"cgan_{DEFAULT_VARIANT}").is_dir():
        pytest.skip("no shipped cGAN weights")
    from studio.techniques.cgan.service import CGANService

    return CGANService().model(DEFAULT_VARIANT), QualityService()


def test_shipped_generator_draws_the_requested_digit(shipped):
    """Changing only the label (same ten noise vectors) changes the judged class to that label."""
    model, quality = shipped
    table = model.table(10, seed=123, noise_scale=0.7)  # row k: label k, column j: noise j
    judged = quality.assess("mnist", table).judged.reshape(10, 10)
    assert (judged == np.arange(10)[:, None]).mean() >= 0.95
    for column in judged.T:  # one noise vector, ten labels: ten different digits
        assert len(set(column.tolist())) >= 9


def test_lecture_004s_dense_generator_obeys_its_label():
    """The shipped dense cGAN (the lecture's networks and settings, 250 epochs) draws the digit it is asked for."""
    from studio.judge.quality import QualityService
    from studio.techniques.cgan.service import CGANService

    if not (ROOT / "pretrained" / "cgan_dense").is_dir():
        pytest.skip("no shipped dense cGAN weights")
    table = CGANService().model("dense").table(10, seed=7, noise_scale=1.0)  # row k: label k, z ~ N(0, I)
    judged = QualityService().assess("mnist", table).judged.reshape(10, 10)
    assert (judged == np.arange(10)[:, None]).mean() >= 0.9
