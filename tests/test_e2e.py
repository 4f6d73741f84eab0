"""End to end, the whole page: a real `python studio.py` process, driven over HTTP with gradio_client. Each
technique's own round trips are beside it (tests/techniques/NAME/test_e2e_NAME.py), on the same server."""

import re

import pytest

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def test_header_reports_the_device(client):
    assert client.predict("en", api_name="/device").startswith("Device: ")


def test_the_warm_up_computes_every_tabs_starting_results_without_an_error(client, studio_server):
    from conftest import SERVER_LOGS

    client.predict("en", api_name="/device")  # answers once the warm-up finished
    log = SERVER_LOGS[studio_server].read_text()
    assert not re.search(r"warm-up .* failed:|Page load of .* failed", log), log[-2000:]
    assert "Unexpected error" not in log, log[-2000:]
