"""End to end, the Pix2Pix tab: a real `python studio.py` (shipped weights) driven with gradio_client."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

gradio_client = pytest.importorskip("gradio_client")
from service_checks import opened as _open  # noqa: E402 - the same picture reader

pytestmark = pytest.mark.server


def _sketch(tmp_path, draw: bool = True, mode: str = "RGBA"):
    """A sketchpad value as the browser sends it: background, layers, composite (all the same drawing)."""
    from gradio_client import handle_file

    canvas = Image.new(mode, (320, 320), (255, 255, 255, 0) if mode == "RGBA" else "white")
    if draw:
        ImageDraw.Draw(canvas).line([(100, 40), (200, 40), (205, 180), (280, 200), (285, 250), (90, 250),
                                     (100, 40)], fill="black", width=6)  # an ankle boot
    path = tmp_path / f"sketch_{draw}_{mode}.png"
    canvas.save(path)
    return {"background": handle_file(str(path)), "layers": [], "composite": handle_file(str(path))}


def test_api_lists_the_pix2pix_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/p2p_translate", "/p2p_example", "/p2p_train", "/p2p_use_shipped"} <= set(endpoints)


def test_a_test_example_is_translated_with_its_ground_truth(client):
    seen, compare, patch, line = client.predict("en", "fashion", 3, api_name="/p2p_example")
    assert _open(seen).size == (192, 192) and _open(patch).size == (192, 192)
    assert _open(compare).size[0] > 5 * 192  # input, three generators, ground truth
    assert "Translated in" in line and "L1 to the ground truth" in line


def test_a_drawn_outline_is_translated(client, tmp_path):
    seen, compare, patch, line = client.predict("en", "fashion", _sketch(tmp_path), api_name="/p2p_translate")
    assert _open(compare).size[0] > 4 * 192 and "PatchGAN" in line and "ground truth" not in line


@pytest.mark.parametrize("draw, mode, message", [(False, "RGBA", "empty"), (False, "RGB", "empty")])
def test_a_blank_sketch_is_explained(client, tmp_path, draw, mode, message):
    with pytest.raises(gradio_client.exceptions.AppError, match=message):
        client.predict("en", "fashion", _sketch(tmp_path, draw, mode), api_name="/p2p_translate")


def test_an_example_out_of_range_is_explained(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="out of range"):
        client.predict("en", "fashion", 100_000, api_name="/p2p_example")


def test_pix2pix_training_without_data_explains_how_to_get_it(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", 1, False, "fashion/l1", "lecture", api_name="/p2p_train")
    assert "shipped" in client.predict("en", "fashion/unet", api_name="/p2p_use_shipped")


def test_a_test_emoji_is_translated_in_colour_with_its_ground_truth(client):
    seen, compare, patch, line = client.predict("en", "emoji", 3, api_name="/p2p_example")
    assert _open(seen).size == (256, 256) and _open(patch).size == (256, 256)
    picture = np.asarray(_open(compare).convert("RGB"), np.int16)
    assert picture.shape[1] > 5 * 256  # input, three generators, ground truth
    assert np.abs(picture[..., 0] - picture[..., 2]).mean() > 5  # in colour
    assert "L1 to the ground truth" in line


def test_a_drawn_outline_becomes_a_colour_picture(client, tmp_path):
    seen, compare, patch, line = client.predict("en", "emoji", _sketch(tmp_path), api_name="/p2p_translate")
    assert _open(seen).size == (256, 256) and _open(compare).size[0] > 4 * 256 and "ground truth" not in line


def test_an_unknown_data_set_is_refused(client):
    with pytest.raises(gradio_client.exceptions.AppError):
        client.predict("en", "faces", 3, api_name="/p2p_example")
