"""Reproducible exports: recipes inside PNG/GIF downloads, the recipe line, and re-running a recipe."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio.media import imaging
from studio.bundles import provenance
from studio.bundles.provenance import Recipe, RecipeError

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
    from studio.ui.kit import exports

    calls = []

    @exports.reproducible("test.noise")
    def noise(n, seed):
        calls.append((n, seed))
        return np.random.default_rng(seed).integers(0, 255, (n, n), dtype=np.uint8)

    from studio.serving import results

    first = noise(6, seed=3)
    assert noise(6, 3) == first and calls == [(6, 3)]  # the same recipe is served, not drawn again
    results.SHARED.clear()  # forgotten: the recipe runs again, and gives the same bytes
    again, recipe, same = exports.reproduce(provenance.read(first).line())
    assert open(first, "rb").read() == open(again, "rb").read() and same
    assert recipe.params == {"n": 6, "seed": 3} and calls == [(6, 3), (6, 3)]
    with pytest.raises(exports.UserError, match="cannot re-run 'nope.nothing'"):
        exports.reproduce(Recipe("nope.nothing", {}).line())


def test_a_text_result_carries_its_recipe_and_comes_back_byte_for_byte(tmp_path):
    from studio.ui.kit import exports

    @exports.reproducible("test.words", text=True)
    def words(prompt, n, seed):
        rng = np.random.default_rng(seed)
        return f"{prompt} " + " ".join(rng.choice(["ein", "zwei", "셋", "four"], n)), n

    path, n = words("Once 한글 `x`", 5, seed=2)
    assert path.endswith(".txt") and n == 5
    recipe = provenance.read(path)
    assert recipe.technique == "test.words" and recipe.params == {"prompt": "Once 한글 `x`", "n": 5, "seed": 2}
    assert provenance.text_body(path).startswith("Once 한글 `x` ") and "studio-recipe:" in exports.line_of(path)
    for again, _, _ in (exports.reproduce(recipe.line()), exports.reproduce("", path)):
        assert _bytes(again) == _bytes(path)
    plain = tmp_path / "notes.txt"
    plain.write_text("just some notes\nstudio-recipe: {}")
    with pytest.raises(RecipeError, match="not a PNG or GIF"):
        provenance.read(plain)


@pytest.fixture(scope="module")
def client(studio_server):
    return gradio_client.Client(studio_server, verbose=False)


def _bytes(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


# Where the stamped picture is among an endpoint's outputs, when it is not the first.
PICTURE_AT = {"/pixel_pictures": 1, "/p2p_example": 1}


@pytest.mark.server  # a real studio process behind its fixture
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
    ("/pixel_pictures", ("mnist", "all", 0.5, 3, 27, "en"), "pixel.entropy"),
    ("/cgan_samples", ("conv", 0.7, "3", 10, 0), "cgan.samples"),
    ("/cgan_table", ("en", "dense", 0.5, 4), "cgan.table"),
    ("/cgan_morph", ("en", "conv", 1.0, "1", "7", 0.3, 2), "cgan.morph"),
    ("/p2p_example", ("en", "fashion", 3), "p2p.example"),
])
def test_a_pasted_recipe_gives_the_same_bytes_over_http(client, api_name, args, technique):
    result = client.predict(*args, api_name=api_name)
    picture = result if isinstance(result, str) else result[PICTURE_AT.get(api_name, 0)]
    recipe = provenance.read(picture)
    assert recipe.technique == technique and recipe.models and recipe.version
    assert all(len(d) == 64 for info in recipe.models.values() for d in info["sha256"].values())
    if isinstance(result, (list, tuple)):  # the line under the result
        lines = [r for r in result if isinstance(r, str) and not r.endswith((".png", ".gif"))]
        assert not lines or "studio-recipe:" in lines[-1]
    again, note, download = client.predict("en", recipe.line(), None, api_name="/reproduce")
    assert _bytes(again) == _bytes(picture) == _bytes(download) and "same weights" in note
    dropped, _, _ = client.predict("en", "", gradio_client.handle_file(picture), api_name="/reproduce")
    assert _bytes(dropped) == _bytes(picture)


@pytest.mark.server  # a real studio process behind its fixture
def test_gifs_carry_the_recipe_of_their_picture(client):
    picture, note, gif = client.predict("en", 4, 6, api_name="/ae_interpolate")
    assert provenance.read(gif) == provenance.read(picture)
    strip, _, gif, verdict = client.predict("en", "conv", 0.7, "3", "8", 0.5, 0, api_name="/cgan_morph")
    assert provenance.read(gif) == provenance.read(strip) and "studio-recipe:" in verdict


@pytest.mark.server  # a real studio process behind its fixture
def test_the_cgan_recipe_names_the_bundle_of_the_chosen_model(client):
    import re

    for variant in ("conv", "dense"):
        picture = client.predict(variant, 0.7, "5", 3, 1, api_name="/cgan_samples")
        recipe = provenance.read(picture)
        assert set(recipe.models) == {f"cgan_{variant}"} and recipe.params["chosen"] == variant
        readout = client.predict("en", variant, 0.7, "5", 3, 1, api_name="/cgan_judge")  # the line under the row
        assert provenance.parse(re.search(r"^(studio-recipe: .*)$", readout, re.M).group(1)) == recipe
        # results first: the recipe line is folded away under a "recipe" summary, one click away
        assert readout.index("<details") < readout.index("studio-recipe:") < readout.index("</details>")


@pytest.mark.server  # a real studio process behind its fixture
def test_text_generations_download_with_their_recipe_and_come_back_identically(client):
    cards, note, file = client.predict("en", "This movie", 12, ["greedy", "1.0"], 5, 40, 0.9, api_name="/text_generate")
    recipe = provenance.read(file)
    assert recipe.technique == "text.generate" and "studio-recipe:" in note
    assert recipe.params == {"prompt": "This movie", "length": 12, "temperatures": ["greedy", "1.0"], "seed": 5,
                             "top_k": 40, "top_p": 0.9}
    assert all(len(d) == 64 for d in recipe.models["text_lm"]["sha256"].values())
    body = provenance.text_body(file)
    assert "[greedy]" in body and "[T = 1]" in body and body.count("this movie") == 2
    picture, again_note, again = client.predict("en", recipe.line(), None, api_name="/reproduce")
    assert picture is None and _bytes(again) == _bytes(file) and "same weights" in again_note
    assert body.splitlines()[1] in again_note  # the words are shown in the note
    _, _, dropped = client.predict("en", "", gradio_client.handle_file(file), api_name="/reproduce")
    assert _bytes(dropped) == _bytes(file)


def _edited(recipe: Recipe, **params) -> str:
    return Recipe(recipe.technique, {**recipe.params, **params}, recipe.models).line()


@pytest.mark.server  # a real studio process behind its fixture
def test_edited_recipes_of_the_new_tabs_are_explained(client):
    samples = provenance.read(client.predict("conv", 0.7, "3", 2, 0, api_name="/cgan_samples"))
    _, _, text_file = client.predict("en", "This movie", 3, ["1.0"], 0, 0, 1.0, api_name="/text_generate")
    words = provenance.read(text_file)
    example = provenance.read(client.predict("en", "fashion", 1, api_name="/p2p_example")[1])
    for line, message in [
        (_edited(samples, chosen="gan"), "Unknown cGAN model 'gan'"),
        (_edited(samples, seed=-1), "seed must be a whole number, zero or more"),
        (_edited(samples, digit="12"), "digit must be one of 0 to 9"),
        (Recipe("cgan.table", {"chosen": "conv"}).line(), "parameters do not fit 'cgan.table'"),
        (_edited(words, temperatures=[]), "at least one temperature"),
        (_edited(words, prompt=""), "Type a prompt"),
        (_edited(words, top_p=7), "top-p must be above 0"),
        (_edited(example, index=100_000), "out of range"),
    ]:
        with pytest.raises(gradio_client.exceptions.AppError, match=message):
            client.predict("en", line, None, api_name="/reproduce")


@pytest.mark.server  # a real studio process behind its fixture
def test_a_translated_sketch_records_its_upload_and_is_not_rerun(client, tmp_path):
    from PIL import ImageDraw

    canvas = Image.new("RGB", (320, 320), "white")
    ImageDraw.Draw(canvas).line([(100, 40), (200, 40), (205, 180), (280, 200), (285, 250), (90, 250), (100, 40)],
                                fill="black", width=6)
    canvas.save(tmp_path / "boot.png")
    sketch = gradio_client.handle_file(str(tmp_path / "boot.png"))
    _, compare, _, line = client.predict("en", "fashion", {"background": sketch, "layers": [], "composite": sketch},
                                         api_name="/p2p_translate")
    recipe = provenance.read(compare)
    assert recipe.technique == "p2p.sketch" and len(recipe.params["sketch_sha256"]) == 64
    assert {"pix2pix_unet", "pix2pix_encdec", "pix2pix_l1"} == set(recipe.models) and "studio-recipe:" in line
    with pytest.raises(gradio_client.exceptions.AppError, match="cannot re-run 'p2p.sketch'"):
        client.predict("en", recipe.line(), None, api_name="/reproduce")


@pytest.mark.server  # a real studio process behind its fixture
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
    # Grace Hopper is the studio's own example photo: recognised by its sha256, the dream is made again.
    again, note, _ = client.predict("en", recipe.line(), None, api_name="/reproduce")
    assert provenance.read(again).params == recipe.params | {"stopped": False}
    # A picture of the maker's own cannot travel in a recipe: one sentence asks for it.
    own = provenance.Recipe("deepdream", {**recipe.params, "input_sha256": "0" * 64}, recipe.models)
    with pytest.raises(gradio_client.exceptions.AppError, match="maker's own"):
        client.predict("en", own.line(), None, api_name="/reproduce")


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
