"""Reproducible exports: recipes inside PNG/GIF downloads, the recipe line, and re-running a recipe."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import imaging, provenance
from studio.provenance import Recipe, RecipeError

gradio_client = pytest.importorskip("gradio_client")

RECIPE = Recipe("demo.grid", {"n": 4, "seed": 7, "label": "한글 ✓"},
                {"demo": {"source": "shipped", "sha256": {"w.npz": "ab" * 32}}})


def test_png_and_gif_carry_the_recipe(tmp_path):
    path = provenance.save_png(np.zeros((8, 8), np.uint8), RECIPE, tmp_path / "x.png")
    assert provenance.read(path) == RECIPE
    with Image.open(path) as image:  # also readable field by field by any image viewer
        assert image.text["technique"] == "demo.grid" and image.text["seed"] == "7"
        assert "ab" * 32 in image.text["models"] and image.text["studio-version"] == RECIPE.version
    gif = imaging.temp_gif(np.zeros((3, 8, 8), np.uint8), "walk", comment=provenance.gif_comment(RECIPE))
    assert provenance.read(gif) == RECIPE


def test_the_recipe_line_parses_back_and_junk_is_explained(tmp_path):
    assert provenance.parse(RECIPE.line()) == RECIPE
    assert provenance.parse("  " + RECIPE.to_json() + "\n") == RECIPE
    for junk in ["", "hello", "studio-recipe: {broken", '{"technique": 3, "params": {}}',
                 'studio-recipe: {"technique":"demo","params":{"x":NaN}}', "7" * 100_000]:
        with pytest.raises(RecipeError):
            provenance.parse(junk)
    text_file = tmp_path / "notes.png"
    text_file.write_text("not a picture")
    with pytest.raises(RecipeError, match="not a PNG or GIF"):
        provenance.read(text_file)


def test_same_recipe_same_bytes_in_process():
    from studio.ui import exports

    calls = []

    @exports.reproducible("test.noise")
    def noise(n, seed):
        calls.append((n, seed))
        return np.random.default_rng(seed).integers(0, 255, (n, n), dtype=np.uint8)

    first = noise(6, seed=3)
    again, recipe, same = exports.reproduce(provenance.read(first).line())
    assert open(first, "rb").read() == open(again, "rb").read() and same
    assert recipe.params == {"n": 6, "seed": 3} and calls == [(6, 3), (6, 3)]
    with pytest.raises(exports.UserError, match="cannot re-run 'nope.nothing'"):
        exports.reproduce(Recipe("nope.nothing", {}).line())


@pytest.fixture(scope="module")
def client(studio_server):
    return gradio_client.Client(studio_server, verbose=False)


def _bytes(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("api_name, args, technique", [
    ("/pixel_sample", ("fashion", "3", 0.1, 12, 5), "pixel.sample"),
    ("/vae_grid", ("en", 6, -1.5, 1.5, False), "vae.grid"),
    ("/vae_prior", (10, 4), "vae.prior"),
    ("/vae_concept", (3, "1", "7", 1.0), "vae.concept"),
    ("/ae_denoise", ("en", 0.4, 9, "0-4"), "ae.denoise"),
    ("/ae_noise_walk", ("en", 5, 0.5), "ae.noise_walk"),
    ("/ae_interpolate", ("en", 1, 2), "ae.interpolate"),
    ("/ae_reconstruct", ("en", "3-7", None), "ae.reconstruct"),
    ("/ae_map", (100, 0.5, -0.25), "ae.map"),
    ("/vae_map", (10, -1.0, 1.0, False, 0.3, 0.2), "vae.map"),
    ("/pixel_pictures", ("mnist", "all", 0.5, 3, 27), "pixel.entropy"),
])
def test_a_pasted_recipe_gives_the_same_bytes_over_http(client, api_name, args, technique):
    result = client.predict(*args, api_name=api_name)
    picture = result if isinstance(result, str) else result[1 if api_name == "/pixel_pictures" else 0]
    recipe = provenance.read(picture)
    assert recipe.technique == technique and recipe.models and recipe.version
    assert all(len(d) == 64 for info in recipe.models.values() for d in info["sha256"].values())
    if isinstance(result, (list, tuple)) and isinstance(result[1], str) and not result[1].endswith(".png"):
        assert "studio-recipe:" in result[1]  # the line under the result
    again, note = client.predict("en", recipe.line(), None, api_name="/reproduce")
    assert _bytes(again) == _bytes(picture) and "same weights" in note
    dropped, _ = client.predict("en", "", gradio_client.handle_file(picture), api_name="/reproduce")
    assert _bytes(dropped) == _bytes(picture)


def test_gifs_carry_the_recipe_of_their_picture(client):
    picture, note, gif = client.predict("en", 4, 6, api_name="/ae_interpolate")
    assert provenance.read(gif) == provenance.read(picture)


def test_a_dream_records_its_input_by_sha256(client):
    from gradio_client import handle_file
    from matplotlib import cbook

    source = handle_file(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    job = client.submit("en", source, "mobilenet_v2", "features_7_out=1", 1, 1.4, 2, 20, 15, 128, api_name="/dream")
    picture, message, gif = job.result()
    recipe = provenance.read(picture)
    assert recipe.technique == "deepdream" and len(recipe.params["input_sha256"]) == 64
    assert recipe.params["steps"] == 2 and "backbone_mobilenet_v2" in recipe.models
    assert "studio-recipe:" in message and provenance.read(gif) == recipe
    with pytest.raises(gradio_client.exceptions.AppError, match="cannot re-run 'deepdream'"):
        client.predict("en", recipe.line(), None, api_name="/reproduce")


def test_exports_are_named_by_content_and_old_ones_pruned(monkeypatch):
    import os
    import time

    first = imaging.export_file("a.bin", lambda f: f.write(b"same"))
    assert imaging.export_file("a.bin", lambda f: f.write(b"same")) == first
    assert imaging.export_file("a.bin", lambda f: f.write(b"other")) != first
    stale = time.time() - imaging.EXPORT_LIFETIME_S - 60
    os.utime(first, (stale, stale))
    monkeypatch.setattr(imaging, "_last_prune", [0.0])
    imaging.export_file("b.bin", lambda f: f.write(b"new"))
    assert not os.path.exists(first)
