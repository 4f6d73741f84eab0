"""Style transfer's tab over HTTP: a real `python studio.py` (the shared `studio_server`), driven by gradio_client."""

import pytest

from service_checks import opened

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


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
    assert message.startswith("✅") and max(opened(image).size) == 128
    with pytest.raises(gradio_client.exceptions.AppError, match="both"):
        client.predict("en", content, None, "vgg16", 100, 0.1, 10, 128, "adam", False, api_name="/style_transfer")

    # beside it, the one-pass network on the same pair, with its recipe folded under the picture
    picture, note = client.predict("en", content, style_image, 0.5, 256, api_name="/style_feed_forward")
    assert max(opened(picture).size) == 256 and "one forward pass" in note and "studio-recipe:" in note
