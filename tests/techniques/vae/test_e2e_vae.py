"""The VAE's tab over HTTP: a real `python studio.py` (the shared `studio_server`), driven by gradio_client."""

import pytest

from service_checks import opened

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def test_vae_endpoints_over_http(client):
    grid, timing = client.predict("en", 30, -1.0, 1.0, False, api_name="/vae_grid")
    assert opened(grid).size == (840, 840) and "30×30" in timing
    with pytest.raises(gradio_client.exceptions.AppError, match="lower end"):
        client.predict("en", 30, 1.0, -1.0, False, api_name="/vae_grid")
    walk, gif, compare = client.predict(4, 6, api_name="/vae_walk")
    assert opened(compare).size[1] > opened(walk).size[1]
    assert "Judge" in client.predict("en", 50, 0, api_name="/vae_judge")
