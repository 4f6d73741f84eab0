"""The VAE: loss terms, grid geometry, training on tiny data, the tab's service."""

import numpy as np
import pytest

from conftest import counting_quality, synthetic_split
from service_checks import check_refusal
from studio.media.imaging import to_unit_batch
from studio.techniques.vae import model as vae
from studio.checks import UserError


def test_loss_terms_have_their_textbook_values():
    x = np.full((2, 28, 28, 1), 0.5, np.float32)
    rec, kl = vae.loss_terms(x, x, np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float32))
    np.testing.assert_allclose(np.asarray(rec), 784 * np.log(2), rtol=1e-3)  # BCE(0.5, 0.5) = ln 2 per pixel
    np.testing.assert_allclose(np.asarray(kl), 0.0, atol=1e-6)  # N(0, I) is the prior itself
    _, kl = vae.loss_terms(x, x, np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32))
    np.testing.assert_allclose(np.asarray(kl), 1.0, rtol=1e-5)  # 0.5 * mean^2 per dimension, 2 dimensions


def test_grid_coordinates_and_order():
    gx, gy = vae.grid_coordinates(30)
    assert gx[0] == -1 and gx[-1] == 1 and len(gx) == 30
    qx, _ = vae.grid_coordinates(30, quantiles=True)
    np.testing.assert_allclose(qx, -qx[::-1], atol=1e-12)  # symmetric, inside (-inf, inf)
    assert np.all(np.diff(qx) > 0) and abs(qx[0]) < 2.5
    points = vae.grid_points(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert points.tolist() == [[0, 1], [1, 1], [0, 0], [1, 0]]  # the book's rows: top row is the highest z2


def test_training_steps_lower_the_loss_and_sampling_is_seeded():
    import keras

    keras.utils.set_random_seed(0)
    model = vae.make_vae(vae.VAEConfig(), seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    x = to_unit_batch(synthetic_split(64, 3)[0])
    before = model.evaluate(x, verbose=0, return_dict=True)["total_loss"]
    for _ in range(10):
        model.train_on_batch(x)
    assert model.evaluate(x, verbose=0, return_dict=True)["total_loss"] < before
    inference = vae.VAEInference(model)
    np.testing.assert_array_equal(inference.sample_prior(5, 1), inference.sample_prior(5, 1))
    assert inference.sample_prior(5, 1).shape == (5, 28, 28)


@pytest.fixture
def service(tiny_bundles, monkeypatch):
    from studio.techniques.autoencoder.service import AutoencoderService
    from studio.techniques.vae.service import VAEService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tiny_bundles[0]))
    return VAEService(AutoencoderService())


def test_service_grid_map_walks_and_prior(service):
    picture = service.decoded_grid(30, -1, 1, False)
    assert picture.shape == (30 * 28, 30 * 28) and picture.dtype == np.uint8
    assert service.decoded_grid(5, 0, 0, True).shape == (140, 140)  # quantiles ignore the range
    picture, frame = service.latent_map(((-1, 1), (-1, 1)), (0.0, 0.0))
    assert picture.ndim == 3
    walk, frames = service.walk(0, 1)
    assert frames.shape == (12, 28, 28)
    assert service.compare_with_autoencoder(0, 1).shape[0] > 2 * 84
    direction = service.concept_vector(1, 0)
    assert direction.shape == (2,)
    _, shown = service.prior_samples(20, seed=4)
    np.testing.assert_array_equal(shown, service.model().sample_prior(20, 4))  # a click draws what it shows
    from studio.techniques.vae.service import PRIOR_FOR_FID

    quality = counting_quality()
    readouts = [service.prior_readout(quality, 20, seed) for seed in (4, 5)]
    assert quality.calls == [PRIOR_FOR_FID, 20, 20] and readouts[0].model is readouts[1].model
    np.testing.assert_array_equal(readouts[0].shown, quality.classify("mnist", shown))


@pytest.mark.parametrize("call, message", [
    (lambda s: s.decoded_grid(1, -1, 1, False), "between 2 and"),
    (lambda s: s.decoded_grid(500, -1, 1, False), "between 2 and"),
    (lambda s: s.decoded_grid(10, 1, -1, False), "lower end"),
    (lambda s: s.concept_vector(1, 12), "digits 0 to 9"),
    (lambda s: s.prior_samples(0, 1), "between 1 and 100"),
])
def test_service_explains_bad_requests(service, call, message):
    check_refusal(service, call, message)


def test_the_tab_reuses_a_recent_grid_with_its_measured_time(service):
    first, ms = service.remembered_grid(12, -1, 1, False)
    again, ms_again = service.remembered_grid(12, -1, 1, False)
    assert again is first and ms_again == ms > 0  # the same answer, with the decode time it measured
    other, _ = service.remembered_grid(12, -2, 2, False)
    assert other.shape == first.shape and not np.array_equal(other, first)
    with pytest.raises(UserError, match="between 2 and"):
        service.remembered_grid(1, -1, 1, False)
