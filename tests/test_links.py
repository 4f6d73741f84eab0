"""Links to results: a recipe in a URL's query, read back with one sentence for a bad link."""

import pytest

from studio import links
from studio.bundles.provenance import Recipe, RecipeError

MODELS = {"gan_dcgan_mnist": {"source": "shipped", "sha256": {"generator.weights.npz": "ab" * 32}}}
RECIPE = Recipe("gan.samples", {"name": "dcgan_mnist", "n": 20, "seed": 7}, MODELS)


def test_a_link_carries_the_recipe_and_a_short_weights_digest():
    link = links.link_of(RECIPE, "http://127.0.0.1:7860/?old=1#tab")
    assert link.startswith("http://127.0.0.1:7860/?r=") and "#" not in link and "old" not in link
    read = links.read_link(link)
    assert (read.technique, read.params) == (RECIPE.technique, RECIPE.params)
    assert read.same_weights(MODELS)
    assert not read.same_weights({"gan_dcgan_mnist": {"sha256": {"generator.weights.npz": "cd" * 32}}})
    assert len(link) < 200  # the file digests are not in it


@pytest.mark.parametrize("page", ["http://localhost:7860/", "https://abc123.gradio.live/", "http://10.0.0.5:7860"])
def test_a_link_keeps_the_host_the_page_was_opened_with(page):
    link = links.link_of(RECIPE, page)
    assert link.startswith(page.rstrip("/") + "/?r=")
    assert links.read_link(link).params == RECIPE.params


def test_the_query_alone_is_read_too():
    query = links.query_of(RECIPE)
    assert links.read_link("?" + query).technique == "gan.samples"


def test_unicode_parameters_survive():
    recipe = Recipe("text.generate", {"prompt": "이 영화는 정말", "seed": 3}, {})
    assert links.read_link(links.link_of(recipe, "http://x/")).params["prompt"] == "이 영화는 정말"


@pytest.mark.parametrize("bad, sentence", [
    ("", "no studio result"),
    ("http://127.0.0.1:7860/", "no studio result"),
    ("http://127.0.0.1:7860/?r=eyJ0Ijoi", "cut short or changed"),
    ("http://127.0.0.1:7860/?r=!!!!", "cut short or changed"),
    ("http://127.0.0.1:7860/?r=bnVsbA", "cut short or changed"),  # JSON null
    ("http://x/?r=" + "A" * 9000, "longer than a studio link"),
])
def test_a_bad_link_gets_one_sentence(bad, sentence):
    with pytest.raises(RecipeError, match=sentence):
        links.read_link(bad)


def test_a_truncated_real_link_is_refused():
    link = links.link_of(RECIPE, "http://127.0.0.1:7860/")
    for cut in (len(link) - 1, len(link) - 5, len(link) // 2 + 10):
        with pytest.raises(RecipeError):
            links.read_link(link[:cut])


@pytest.fixture(scope="module")
def studio_built():
    from studio.ui import app

    return app.build_app(lang="en")  # registers every tab's reproducible functions


def test_a_link_gives_the_bytes_of_the_result_it_was_made_from(studio_built):
    import hashlib
    import json
    from pathlib import Path

    from studio.bundles import provenance
    from studio.ui.kit import exports

    made = json.loads((Path(__file__).parent / "data" / "recipes_before_the_redesign.json").read_text())[1]
    link = links.link_of(provenance.parse(made["line"]), "http://localhost:7860/")
    path, recipe, same_weights = exports.reproduce(text=link)
    assert same_weights and recipe.technique == "gan.samples" and recipe.models
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == made["sha256"]


@pytest.mark.parametrize("params, sentence", [
    ({"name": "dcgan_mnist", "n": 20, "seed": -1}, "seed"),
    ({"name": "dcgan_mnist", "n": 5000, "seed": 1}, "between"),
    ({"name": "no_such_gan", "n": 5, "seed": 1}, "No shipped weights for 'gan_no_such_gan'"),
    ({"nam": "dcgan_mnist"}, "do not fit"),
])
def test_a_link_with_edited_values_gets_the_clicks_sentence(params, sentence, studio_built):
    from studio.checks import UserError
    from studio.bundles.registry import WeightsUnavailableError
    from studio.ui.kit import exports

    link = links.link_of(Recipe("gan.samples", params, {}), "http://localhost:7860/")
    with pytest.raises((UserError, WeightsUnavailableError), match=sentence):
        exports.reproduce(text=link)


def test_a_link_to_a_technique_this_studio_lacks_is_explained(studio_built):
    from studio.checks import UserError
    from studio.ui.kit import exports

    with pytest.raises(UserError, match="cannot re-run 'nope.thing'"):
        exports.reproduce(text=links.link_of(Recipe("nope.thing", {}, {}), "http://localhost:7860/"))


def test_every_link_target_takes_its_recipes_parameters(studio_built):
    """A tab's LinkTarget must show a result from exactly the parameters its recipe records; a
    mismatch would leave a link's page on the first tab (and the result only in the recipe panel)."""
    import inspect

    from studio.ui.kit import exports

    targets = studio_built.link_targets
    assert {"gan.samples", "vae.grid", "text.generate", "deepdream", "gan.game"} <= {t.recipe for t in targets}
    for target in targets:
        if target.recipe in exports._FROM_EXAMPLES or exports.opens_fresh(target.recipe):
            continue  # made from an upload, or a fresh round: their targets take what the link carries
        recorded = exports.parameters_of(target.recipe)
        # the page's language, then the recipe's parameters; a recipe that records the language of the
        # words in its picture ("lang") has the page's language under another name
        page_lang, *shown = inspect.signature(target.show).parameters
        assert shown == recorded and page_lang == ("page_lang" if "lang" in recorded else "lang"), target.recipe
        assert set(target.controls) <= set(recorded), target.recipe


def test_a_game_link_opens_a_new_round_of_its_own_and_reveals_nothing(studio_built):
    """The game's round belongs to one page: a link opens the game's box on its sub-tab, marked to start a
    round of the page's own (a new mark each time, so that a second link starts a second round); it carries
    no round, and the Reproduce panel cannot re-run it."""
    import re

    from studio.checks import UserError
    from studio.techniques.gan import game
    from studio.ui.kit import exports

    assert not any(name.startswith("gan.game") for name in exports._TECHNIQUES)
    target = next(t for t in studio_built.link_targets if t.recipe == "gan.game")
    first, second = (target.updates("en", {"name": "dcgan_mnist"}) for _ in range(2))
    boxes = [next(v for v in updates.values() if isinstance(v, str) and "gan-game-box" in v) for updates in (first, second)]
    starts = [re.search(r"data-start=(\w+)", box).group(1) for box in boxes]
    assert starts[0] != starts[1]
    assert "<img" not in boxes[0] and "data:image" not in boxes[0]  # no round in it: the page asks for its own
    words = game.round_words("en", "dcgan_mnist", "")  # what a round started from it says, with its link
    shown_link = re.search(r'href="(\?r=[^"]+)"', words).group(1)
    assert links.read_link(shown_link).params == {"name": "dcgan_mnist"}  # the generator, never the round
    with pytest.raises(UserError, match="cannot re-run 'gan.game'") as raised:
        exports.reproduce(text=shown_link)  # the Reproduce panel: nothing to re-run
    assert "fake" not in str(raised.value).lower()


def test_a_dream_link_from_the_example_picture_gives_the_example_and_an_own_picture_asks_for_it(studio_built):
    """A result made from an upload: with the studio's example picture (recognised by its sha256) the
    link gives the result; with a picture of the maker's own, the tab opens with the settings and one
    sentence asks for the picture."""
    import hashlib
    from pathlib import Path

    from studio.bundles import provenance
    from studio.ui.kit import exports

    target = next(t for t in studio_built.link_targets if t.recipe == "deepdream")
    example_path, _ = target.show("en", **_dream_params(studio_built))
    recipe = provenance.read(example_path)
    link = links.link_of(recipe, "http://127.0.0.1:7860/")
    path, made, same = exports.reproduce(text=link)
    assert same and hashlib.sha256(Path(path).read_bytes()).digest() == hashlib.sha256(
        Path(example_path).read_bytes()).digest()
    own = Recipe("deepdream", {**recipe.params, "input_sha256": "0" * 64}, {})
    with pytest.raises(exports.UploadNeeded) as raised:
        exports.reproduce(text=links.link_of(own, "http://127.0.0.1:7860/"))
    settings = target.settings(raised.value.recipe.params)
    assert "=" in settings[target.controls["layers"]]  # the layer map, written as its textbox writes it
    assert settings[target.controls["side"]] == recipe.params["side"]


def _dream_params(app) -> dict:
    """The shipped example dream's recipe parameters (what its stamped picture records)."""
    from studio.techniques.examples.presets import load_example, prepared
    from studio.techniques.deepdream.service import example_image
    from studio.ui.kit import exports

    _, made, _ = load_example("deepdream")
    keys = ("backbone", "layers", "octaves", "octave_scale", "steps", "step_size", "max_loss", "side")
    return {k: made[k] for k in keys} | {"stopped": False,
                                        "input_sha256": exports.sha256_of(prepared(example_image(), made["side"]))}


def _linked_page(demo):
    """The page's link opener (``recipe_panel._LinkedPage``): what a page opened from a link runs."""
    button = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "studio-open-link")
    event = next(f for f in demo.fns.values() if f.targets and f.targets[0][0] == button._id)
    return event.fn.__wrapped__.__self__  # quietly(page.open_link)


# Results on a sub-tab of their own, each at its tab's values (the diffusion ones smaller, for the CPU):
# (recipe, tab, sub-tab, the recipe's parameters).
ON_THEIR_SUB_TABS = [
    ("ae.reconstruct", "autoencoder", "ae-recon", {"indices": "0-9"}),
    ("ae.noise_walk", "autoencoder", "ae-walk", {"index": 0, "scale": 1.0, "lang": "en"}),
    ("ae.interpolate", "autoencoder", "ae-interp", {"a": 4, "b": 6}),
    ("ae.map", "autoencoder", "ae-map", {"n": 1000, "z1": 0.0, "z2": 0.0}),
    ("ae.decode", "autoencoder", "ae-map", {"z1": 0.5, "z2": -0.25}),
    ("ae.denoise", "autoencoder", "ae-denoise", {"indices": "0-9", "noise_factor": 0.55, "seed": 0}),
    ("vae.grid", "vae", "vae-grid", {"n": 30, "low": -1.0, "high": 1.0, "quantiles": False}),
    ("vae.map", "vae", "vae-map", {"n": 30, "low": -1.0, "high": 1.0, "quantiles": False, "z1": 0.0, "z2": 0.0}),
    ("vae.decode", "vae", "vae-map", {"z1": 0.3, "z2": 0.2}),
    ("vae.walk", "vae", "vae-walk", {"a": 4, "b": 6}),
    ("vae.compare", "vae", "vae-walk", {"a": 4, "b": 6}),
    ("vae.concept", "vae", "vae-walk", {"index": 0, "class_from": "1", "class_to": "0", "strength": 1.5}),
    ("vae.prior", "vae", "vae-prior", {"n": 50, "seed": 0}),
    ("pixel.entropy", "pixel", None, {"dataset": "mnist", "label": "0", "smoothing": 0.0, "row": 14, "col": 8,
                                      "lang": "en"}),
    ("pixel.histogram", "pixel", None, {"dataset": "mnist", "label": "0", "smoothing": 0.0, "row": 14, "col": 8,
                                        "lang": "en"}),
    ("diffusion.samples", "diffusion", "diffusion-grid", {"n": 4, "steps": 3, "seed": 0, "label": "each",
                                                          "guidance": 1.75}),
    ("diffusion.trajectory", "diffusion", "diffusion-scrub", {"steps": 4, "seed": 1, "label": "none",
                                                              "guidance": 0.0}),
    ("diffusion.forward", "diffusion", "diffusion-forward", {"index": 0, "seed": 0}),
]


@pytest.mark.parametrize("recipe_name, tab, sub_tab, params", ON_THEIR_SUB_TABS, ids=[r[0] for r in ON_THEIR_SUB_TABS])
def test_a_results_link_opens_on_its_sub_tab_with_the_bytes_of_its_recipe(studio_built, recipe_name, tab, sub_tab,
                                                                          params):
    """A link to a result (made by its recipe's own function) opens the result's tab and sub-tab with the
    link's values in the controls and the very bytes the recipe gives again; a following page gets plain
    values (a Gradio update only where the tab's own handler answers one)."""
    from pathlib import Path

    import gradio as gr

    from studio.bundles import provenance
    from studio.ui.kit import exports

    made = exports._TECHNIQUES[recipe_name][0](**params)
    link = links.link_of(provenance.read(made[0] if isinstance(made, tuple) else made), "http://localhost:7860/")
    again, recipe, same = exports.reproduce(text=link)
    assert same and recipe.technique == recipe_name and recipe.params == params
    page = _linked_page(studio_built)
    opened = page.open_address("en", link)
    target = page.by_recipe[recipe_name]
    assert opened[page.tabs].selected == tab == target.tab and target.sub_tab == sub_tab
    if sub_tab is not None:
        assert opened[target.sub_tabs].selected == sub_tab
    assert {name: opened[widget] for name, widget in target.controls.items()} == \
        {name: value for name, value in params.items() if name != "lang"}
    shown = [value for value in (opened[output] for output in target.outputs)
             if isinstance(value, str) and value.endswith(".png") and provenance.read(value).technique == recipe_name]
    assert len(shown) == 1 and Path(shown[0]).read_bytes() == Path(again).read_bytes()
    followed = target.values("en", params)
    assert len(followed) == len(target.followed()) and not any(isinstance(v, gr.components.Component)
                                                               for v in followed)
