"""DeepDream's tab over HTTP: a real `python studio.py` (the shared `studio_server`), driven by gradio_client."""

import pytest
from PIL import Image

from service_checks import opened

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def test_deepdream_streams_to_a_final_frame(client):
    from gradio_client import handle_file
    from matplotlib import cbook

    picture = handle_file(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    job = client.submit("en", picture, "mobilenet_v2", "features_7_out=1", 2, 1.4, 4, 20, 15, 160, api_name="/dream")
    updates = list(job)
    image, message, gif = job.outputs()[-1]
    assert len(updates) >= 2 and message.startswith("✅")
    assert max(opened(image).size) == 160
    with Image.open(gif) as animation:
        assert animation.n_frames >= 2


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
