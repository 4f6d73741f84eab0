"""The cGAN tab end to end: a real `python studio.py` process (shipped weights), driven with gradio_client."""

import pytest
from PIL import Image

from conftest import ROOT

gradio_client = pytest.importorskip("gradio_client")
pytestmark = [pytest.mark.server, pytest.mark.skipif(not (ROOT / "pretrained" / "cgan_conv").is_dir(), reason="no shipped cGAN weights")]


def _open(path):
    with Image.open(path) as image:
        return image.convert("L").copy()


def test_samples_are_seeded_and_judged(client):
    first = _open(client.predict("conv", 0.7, "3", 10, 0, api_name="/cgan_samples"))
    again = _open(client.predict("conv", 0.7, "3", 10, 0, api_name="/cgan_samples"))
    other = _open(client.predict("conv", 0.7, "3", 10, 1, api_name="/cgan_samples"))
    assert first.size == (582, 60)  # ten 56 px digits, 2 px gaps
    assert first.tobytes() == again.tobytes() and first.tobytes() != other.tobytes()
    readout = client.predict("en", "conv", 0.7, "3", 10, 0, api_name="/cgan_judge")
    assert "look like '3'" in readout and "1,000 samples" in readout


def test_table_is_fast_and_the_judge_reads_the_rows(client):
    for variant in ("conv", "dense"):
        picture, timing = client.predict("en", variant, 0.7, 0, api_name="/cgan_table")
        assert _open(picture).size == (582, 582) and "100 digits" in timing
    readout = client.predict("en", "conv", 0.7, 0, api_name="/cgan_table_judge")
    assert "of the 100" in readout and "9: " in readout


def test_label_morph_returns_frames_and_a_gif(client):
    strip, current, gif, verdict = client.predict("en", "conv", 0.7, "3", "8", 0.5, 0, api_name="/cgan_morph")
    assert _open(current).size == (168, 168)
    with Image.open(gif) as animation:
        assert animation.n_frames == 20  # 11 blends there, 9 back
    assert verdict.count("→") == 10 and verdict.strip().startswith("**Judge**")


@pytest.mark.parametrize("api_name, args, message", [
    ("/cgan_samples", ("conv", 0.7, "12", 10, 0), "not in the list of choices"),
    ("/cgan_samples", ("conv", 0.7, "3", 10, -1), "must be (at least|between) 0\\b.*, not -1\\."),
    ("/cgan_morph", ("en", "conv", 0.7, "3", "8", 1.5, 0), "(at most|and) 1, not 1.5\\."),
    ("/cgan_morph", ("en", "conv", 0.7, "3", "8", -0.5, 0), "must be (at least|between) 0\\b.*, not -0.5\\."),
    ("/cgan_table", ("en", "gan", 0.7, 0), "not in the list of choices"),
    ("/cgan_table", ("en", "conv", 3.0, 0), "(at most|and) 2, not 3\\."),
])
def test_bad_input_is_explained_and_the_server_lives_on(client, api_name, args, message):
    with pytest.raises(gradio_client.exceptions.AppError, match=message):
        client.predict(*args, api_name=api_name)
    assert client.predict("conv", 0.7, "1", 1, 0, api_name="/cgan_samples")


def test_training_without_data_explains_how_to_get_it(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", 1, False, "dense", "lecture", api_name="/cgan_train")
    assert "shipped" in client.predict("en", "dense", api_name="/cgan_use_shipped")
