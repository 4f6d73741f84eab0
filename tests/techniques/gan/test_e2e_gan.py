"""The GAN tab over HTTP: a real `python studio.py` with the shipped generators, driven by gradio_client."""

import pytest
from PIL import Image

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def _bytes(path):
    with Image.open(path) as image:
        return image.convert("RGB").tobytes(), image.size


@pytest.mark.parametrize("variant", ["dcgan_mnist", "dcgan_ankle_boot", "dense_mnist", "conv003_mnist"])
def test_every_shipped_generator_samples_deterministically(client, variant):
    first = _bytes(client.predict(variant, 50, 3, api_name="/gan_samples"))
    again = _bytes(client.predict(variant, 50, 3, api_name="/gan_samples"))
    other = _bytes(client.predict(variant, 50, 4, api_name="/gan_samples"))
    assert first == again and first[0] != other[0]
    assert first[1] == (10 * 56 + 11 * 2, 5 * 56 + 6 * 2)  # the lecture's 5 x 10, each digit at 2x


def test_walk_gives_frames_and_a_gif(client):
    picture, gif = client.predict("dcgan_mnist", 1, 2, 8, api_name="/gan_walk")
    assert _bytes(picture)[1][0] > 8 * 28 and gif.endswith(".gif")
    with Image.open(gif) as animation:
        assert animation.n_frames == 14  # 8 forwards, then 6 back without repeating the ends


def test_nearest_without_the_training_set_says_how_to_get_it(client):
    # The test server has no data folder and may not download: the search needs the training set.
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", "dcgan_mnist", 5, 0, api_name="/gan_nearest")


@pytest.mark.parametrize("args", [("dcgan_mnist", 0, 1), ("dcgan_mnist", 101, 1), ("dcgan_mnist", 5, -1),
                                  ("stylegan", 5, 1)])
def test_bad_sample_requests_are_refused_clearly(client, args):
    with pytest.raises(gradio_client.exceptions.AppError):
        client.predict(*args, api_name="/gan_samples")
    assert _bytes(client.predict("dense_mnist", 5, 0, api_name="/gan_samples"))  # and the server lives on


def test_the_game_answer_is_not_an_endpoint(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/gan_samples", "/gan_walk", "/gan_nearest"} <= set(endpoints)
    assert not any("round" in name or "check" in name for name in endpoints if name.startswith("/gan"))
