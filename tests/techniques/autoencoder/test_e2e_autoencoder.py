"""The autoencoder's tab over HTTP: a real `python studio.py` (the shared `studio_server`), driven by gradio_client."""

import pytest
from PIL import Image

from service_checks import opened

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def test_autoencoder_experiments_over_http(client):
    picture, verdict = client.predict("en", 0, 1.0, api_name="/ae_noise_walk")
    assert opened(picture).size[0] > 800 and "of the 20" in verdict
    picture, classes, gif = client.predict("en", 4, 6, api_name="/ae_interpolate")
    with Image.open(gif) as animation:
        assert animation.n_frames == 20
    latent_map, decoded = client.predict(1000, 0.0, 0.0, api_name="/ae_map")
    assert opened(decoded).size == (168, 168)
    picture, mse = client.predict("en", "0-9", None, api_name="/ae_reconstruct")
    assert "MSE per image" in mse


def test_autoencoder_bad_indices_are_explained(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="outside the shipped test digits"):
        client.predict("en", "0-5000", None, api_name="/ae_reconstruct")


def test_autoencoder_training_without_data_explains_how_to_get_it(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", 1, False, "denoise_dense", api_name="/ae_train")
