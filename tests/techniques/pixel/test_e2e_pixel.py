"""The per-pixel model's tab over HTTP: a real `python studio.py` (the shared `studio_server`), driven by gradio_client."""

import pytest

from service_checks import opened

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def test_api_lists_the_pixel_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/pixel_sample", "/pixel_refresh", "/pixel_pictures", "/device"} <= set(endpoints)


def test_sampling_round_trip_is_deterministic_by_seed(client):
    first = opened(client.predict("mnist", "0", 0.0, 20, 0, api_name="/pixel_sample"))
    again = opened(client.predict("mnist", "0", 0.0, 20, 0, api_name="/pixel_sample"))
    other = opened(client.predict("mnist", "0", 0.0, 20, 1, api_name="/pixel_sample"))
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
    mean = opened(outputs[1])
    assert mean.size == (224, 224)


def test_pictures_endpoint_returns_three_images(client):
    paths = client.predict("mnist", "all", 0.5, 3, 27, "en", api_name="/pixel_pictures")
    assert len(paths) == 3 and all(opened(p).size[0] > 100 for p in paths)


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


def test_training_without_data_explains_how_to_get_it(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", 100, api_name="/pixel_train")
    status = client.predict("en", api_name="/pixel_use_shipped")
    assert "shipped" in status


def test_pixel_tab_reports_the_judges_verdict(client):
    readout = client.predict("en", "mnist", "0", 0.0, 20, 0, api_name="/pixel_judge")
    assert "Judge" in readout and "of your 20" in readout and "FID in judge features" in readout
    assert "fixed seed 0" in readout  # the model's figures, the same for everyone
