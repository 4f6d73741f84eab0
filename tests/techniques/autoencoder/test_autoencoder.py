"""Autoencoders: the lecture's geometry, training on tiny data, the recipe, the tab's service."""

import numpy as np
import pytest

from conftest import synthetic_split
from studio import paths
from studio.bundles import registry
from studio.media.imaging import to_unit_batch
from studio.techniques.autoencoder import model as ae
from studio.training import CancelToken, RunContext, TrainingCancelled
from training_requests import shipped_request, user_request
from service_checks import check_refusal


def test_noise_walk_and_interpolation_codes_match_program_10_2b():
    z = np.zeros(32)
    codes, noises = ae.noise_walk_codes(z, scale=1.0, steps=20)
    assert codes.shape == (20, 32)
    np.testing.assert_allclose(noises, [(i - 10) / 10 for i in range(20)])  # lines 68-70
    np.testing.assert_allclose(codes[:, 5], noises)
    a, b = np.zeros(2), np.array([1.0, -2.0])
    codes, alphas = ae.interpolation_codes(a, b, steps=20)
    np.testing.assert_allclose(alphas, [i / 19 for i in range(20)])  # lines 84-87
    np.testing.assert_allclose(codes[0], a) and np.testing.assert_allclose(codes[-1], b)


@pytest.mark.parametrize("config, params", [(ae.AEConfig("conv", 32), 193056 + 196097),
                                             (ae.AEConfig("dense", 32), 784 * 32 + 32 + 32 * 784 + 784)])
def test_architectures_have_the_lectures_parameter_counts(config, params):
    model = ae.make_autoencoder(config)
    assert model.count_params() == params  # Program 10-2(a)'s summaries: 193,056 + 196,097
    inference = ae.AEInference(model)
    images = synthetic_split(5, 0)[0]
    z = inference.encode(images)
    assert z.shape == (5, 32)
    out = inference.decode(z)
    assert out.shape == (5, 28, 28) and out.dtype == np.uint8
    rebuilt, mse = inference.reconstruct(images)
    assert rebuilt.shape == (5, 28, 28) and mse.shape == (5,) and (mse >= 0).all()


def test_training_steps_lower_the_loss():
    import keras

    keras.utils.set_random_seed(0)
    model = ae.make_autoencoder(ae.AEConfig("conv", 8))
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    x = to_unit_batch(synthetic_split(64, 1)[0])
    first = float(model.evaluate(x, verbose=0))
    for _ in range(10):
        model.train_on_batch(x)
    assert float(model.evaluate(x, verbose=0)) < first


def test_denoising_training_sees_noise():
    import keras

    keras.utils.set_random_seed(0)
    x = to_unit_batch(synthetic_split(32, 2)[0])
    clean = ae.make_autoencoder(ae.AEConfig("dense", 8))
    noisy = ae.make_autoencoder(ae.AEConfig("dense", 8, noise_factor=0.55))
    noisy.set_weights(clean.get_weights())
    for model in (clean, noisy):
        model.compile(optimizer="adam")
    assert float(noisy.evaluate(x, verbose=0)) > float(clean.evaluate(x, verbose=0))


def test_add_noise_is_seeded():
    images = synthetic_split(3, 0)[0]
    a, b = ae.add_noise(images, 0.55, 1), ae.add_noise(images, 0.55, 1)
    np.testing.assert_array_equal(a, b)
    assert abs(float((a - images / 255.0).std()) - 0.55) < 0.02


@pytest.fixture
def service(tiny_bundles, monkeypatch):
    from studio.techniques.autoencoder.service import AutoencoderService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tiny_bundles[0]))
    return AutoencoderService()


def test_recipe_records_metrics_and_history(tiny_bundles, monkeypatch):
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tiny_bundles[0]))
    bundle = registry.load("autoencoder_denoise")
    assert bundle.metadata["metrics"]["denoise_mse"] > 0 and bundle.metadata["metrics"]["noisy_input_mse"] > 0
    assert len(bundle.metadata["training"]["history"]["loss"]) == 1
    assert bundle.config == {"kind": "conv", "zdim": 32, "noise_factor": 0.55}


def test_stopped_training_keeps_old_weights_unless_asked(tiny_bundles, monkeypatch):
    from studio.techniques.autoencoder.recipe import train_autoencoder

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tiny_bundles[0]))
    paths.set_data_dir(tiny_bundles[1])
    before = registry.load("autoencoder_z2").fingerprint
    token = CancelToken()
    stop_after_first_epoch = lambda epoch, logs, image: token.cancel()  # noqa: E731
    with pytest.raises(TrainingCancelled):
        train_autoencoder(shipped_request("autoencoder", variant="z2", epochs=3, batch_size=50),
                          RunContext(cancel=token, on_epoch=stop_after_first_epoch))
    assert registry.load("autoencoder_z2").fingerprint == before
    token = CancelToken()
    previews = []

    def stop_and_collect(epoch, logs, image):
        previews.append(image)
        token.cancel()

    bundle = train_autoencoder(user_request("autoencoder", variant="z2", epochs=3, batch_size=50),
                               RunContext(cancel=token, on_epoch=stop_and_collect, keep_on_stop=True))
    assert bundle.metadata["training"]["stopped_early"] and bundle.metadata["training"]["epochs_completed"] == 1
    assert previews[0].ndim == 2 and previews[0].dtype == np.uint8  # originals above reconstructions


def test_service_reconstructs_walks_and_interpolates(service):
    picture, errors = service.reconstruct([0, 1, 2])
    assert picture.shape == (2 * 84 + 3 * 2, 3 * 84 + 4 * 2) and len(errors) == 3
    walk, frames = service.noise_walk(0, 1.0)
    assert frames.shape == (20, 28, 28) and walk.ndim == 3
    again = service.noise_walk(0, 1.0)[1]
    np.testing.assert_array_equal(frames, again)
    _, frames = service.interpolation(4, 6)
    assert frames.shape == (20, 28, 28)
    from PIL import Image

    with Image.open(service.gif(frames)) as gif:
        assert gif.n_frames == 20


def test_service_map_click_round_trip(service):
    picture, frame = service.latent_map(50, None)
    assert picture.ndim == 3
    z = service.latent_points(50)[0][3]
    x, y = frame.to_pixels(*z)
    np.testing.assert_allclose(frame.to_data(x, y), z, atol=0.05 * np.ptp(frame.xlim))
    marked, _ = service.latent_map(50, tuple(z))
    assert (marked != picture).any()
    assert service.decode_point(*z).shape == (168, 168)


def test_service_denoise_reports_three_errors(service):
    picture, errors = service.denoise([0, 1], 0.55, seed=3)
    assert set(errors) == {"noisy", "conv", "dense"} and picture.shape[0] == 4 * 84 + 5 * 2


@pytest.mark.parametrize("call, words", [
    (lambda s: s.reconstruct([5000]), "out of range"),
    (lambda s: s.reconstruct([]), "at least one"),
    (lambda s: s.latent_points(5), "between 10 and"),
])
def test_service_explains_bad_requests(service, call, words):
    check_refusal(service, call, words)

