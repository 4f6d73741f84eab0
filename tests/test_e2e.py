"""End to end: a real `python studio.py` process, driven over HTTP with gradio_client."""

import re

import pytest
from PIL import Image

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def _open(path):
    with Image.open(path) as image:
        return image.convert("RGB").copy()


def test_api_lists_the_pixel_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/pixel_sample", "/pixel_refresh", "/pixel_pictures", "/device"} <= set(endpoints)


def test_sampling_round_trip_is_deterministic_by_seed(client):
    first = _open(client.predict("mnist", "0", 0.0, 20, 0, api_name="/pixel_sample"))
    again = _open(client.predict("mnist", "0", 0.0, 20, 0, api_name="/pixel_sample"))
    other = _open(client.predict("mnist", "0", 0.0, 20, 1, api_name="/pixel_sample"))
    assert first.size == (862, 174)  # 2 rows x 10 digits of 84 px, 2 px gaps
    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != other.tobytes()
    assert 20 < sum(first.convert("L").getdata()) / (862 * 174) < 200  # neither blank nor white


def test_refresh_reports_the_likelihood_in_the_chosen_language(client):
    outputs = client.predict("en", "fashion", "9", 0.1, 14, 8, 10, 0, api_name="/pixel_refresh")
    likelihood = outputs[4]
    assert "bits per pixel" in likelihood and "1,000 test images" in likelihood
    korean = client.predict("ko", "mnist", "0", 0.0, 14, 8, 10, 0, api_name="/pixel_refresh")[4]
    assert "∞" in korean and "테스트" in korean
    mean = _open(outputs[1])
    assert mean.size == (224, 224)


def test_pictures_endpoint_returns_three_images(client):
    paths = client.predict("mnist", "all", 0.5, 3, 27, "en", api_name="/pixel_pictures")
    assert len(paths) == 3 and all(_open(p).size[0] > 100 for p in paths)


@pytest.mark.parametrize("args, message", [
    (("mnist", "0", 0.0, 0, 1), "must be (at least|between) 1\\b.*, not 0\\."),
    (("mnist", "0", 0.0, 20, -3), "must be (at least|between) 0\\b.*, not -3\\."),
    (("mnist", "42", 0.0, 5, 1), "not in the list of choices"),
    (("mnist", "0", 0.0, 20, "seven"), "must be a number, not 'seven'"),
])
def test_bad_input_comes_back_as_a_clear_error_and_the_server_lives_on(client, args, message):
    with pytest.raises(gradio_client.exceptions.AppError, match=message):
        client.predict(*args, api_name="/pixel_sample")
    assert client.predict("mnist", "1", 0.0, 1, 0, api_name="/pixel_sample")


def test_header_reports_the_device(client):
    assert client.predict("en", api_name="/device").startswith("Device: ")


def test_the_warm_up_computes_every_tabs_starting_results_without_an_error(client, studio_server):
    from conftest import SERVER_LOGS

    client.predict("en", api_name="/device")  # answers once the warm-up finished
    log = SERVER_LOGS[studio_server].read_text()
    assert not re.search(r"warm-up .* failed:|Page load of .* failed", log), log[-2000:]
    assert "Unexpected error" not in log, log[-2000:]


def test_training_without_data_explains_how_to_get_it(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", 100, api_name="/pixel_train")
    status = client.predict("en", api_name="/pixel_use_shipped")
    assert "shipped" in status


def test_pixel_tab_reports_the_judges_verdict(client):
    readout = client.predict("en", "mnist", "0", 0.0, 20, 0, api_name="/pixel_judge")
    assert "Judge" in readout and "of your 20" in readout and "FID in judge features" in readout
    assert "fixed seed 0" in readout  # the model's figures, the same for everyone


def test_autoencoder_experiments_over_http(client):
    picture, verdict = client.predict("en", 0, 1.0, api_name="/ae_noise_walk")
    assert _open(picture).size[0] > 800 and "of the 20" in verdict
    picture, classes, gif = client.predict("en", 4, 6, api_name="/ae_interpolate")
    with Image.open(gif) as animation:
        assert animation.n_frames == 20
    latent_map, decoded = client.predict(1000, 0.0, 0.0, api_name="/ae_map")
    assert _open(decoded).size == (168, 168)
    picture, mse = client.predict("en", "0-9", None, api_name="/ae_reconstruct")
    assert "MSE per image" in mse


def test_autoencoder_bad_indices_are_explained(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="outside the shipped test digits"):
        client.predict("en", "0-5000", None, api_name="/ae_reconstruct")


def test_vae_endpoints_over_http(client):
    grid, timing = client.predict("en", 30, -1.0, 1.0, False, api_name="/vae_grid")
    assert _open(grid).size == (840, 840) and "30×30" in timing
    with pytest.raises(gradio_client.exceptions.AppError, match="lower end"):
        client.predict("en", 30, 1.0, -1.0, False, api_name="/vae_grid")
    walk, gif, compare = client.predict(4, 6, api_name="/vae_walk")
    assert _open(compare).size[1] > _open(walk).size[1]
    assert "Judge" in client.predict("en", 50, 0, api_name="/vae_judge")


def test_autoencoder_training_without_data_explains_how_to_get_it(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", 1, False, "denoise_dense", api_name="/ae_train")


def test_deepdream_streams_to_a_final_frame(client):
    from gradio_client import handle_file
    from matplotlib import cbook

    picture = handle_file(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    job = client.submit("en", picture, "mobilenet_v2", "features_7_out=1", 2, 1.4, 4, 20, 15, 160, api_name="/dream")
    updates = list(job)
    image, message, gif = job.outputs()[-1]
    assert len(updates) >= 2 and message.startswith("✅")
    assert max(_open(image).size) == 160
    with Image.open(gif) as animation:
        assert animation.n_frames >= 2


def test_style_transfer_streams_to_a_result(client):
    from gradio_client import handle_file
    from matplotlib import cbook

    from conftest import ROOT

    content = handle_file(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    style_image = handle_file(str(ROOT / "studio" / "assets" / "scream.jpg"))
    job = client.submit("en", content, style_image, "vgg16", 100, 0.1, 10, 128, "lbfgs", False,
                        api_name="/style_transfer")
    list(job)
    image, message, curve, gif = job.outputs()[-1]
    assert message.startswith("✅") and max(_open(image).size) == 128
    with pytest.raises(gradio_client.exceptions.AppError, match="both"):
        client.predict("en", content, None, "vgg16", 100, 0.1, 10, 128, "adam", False, api_name="/style_transfer")

    # beside it, the one-pass network on the same pair, with its recipe folded under the picture
    picture, note = client.predict("en", content, style_image, 0.5, 256, api_name="/style_feed_forward")
    assert max(_open(picture).size) == 256 and "one forward pass" in note and "studio-recipe:" in note


def test_one_students_stop_leaves_another_students_dream_alone(studio_server):
    """Two browser sessions: A stops its dream; B's dream, queued behind it, still runs to the end."""
    from gradio_client import handle_file
    from matplotlib import cbook

    picture = handle_file(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    args = ("en", picture, "mobilenet_v2", "features_7_out=1", 2, 1.4, 30, 20, 0, 160)
    alice = gradio_client.Client(studio_server, verbose=False)
    bob = gradio_client.Client(studio_server, verbose=False)
    alice_job = alice.submit(*args, api_name="/dream")
    for _ in alice_job:  # wait for Alice's first streamed frame, then start Bob and stop Alice
        break
    bob_job = bob.submit(*args, api_name="/dream")
    alice.predict(api_name="/dream_stop")
    list(alice_job)
    list(bob_job)
    assert alice_job.outputs()[-1][1].startswith("⏹")
    assert bob_job.outputs()[-1][1].startswith("✅")
