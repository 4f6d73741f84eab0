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
    from studio.ui import exports

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
    from studio.ui import exports

    link = links.link_of(Recipe("gan.samples", params, {}), "http://localhost:7860/")
    with pytest.raises((UserError, WeightsUnavailableError), match=sentence):
        exports.reproduce(text=link)


def test_a_link_to_a_technique_this_studio_lacks_is_explained(studio_built):
    from studio.checks import UserError
    from studio.ui import exports

    with pytest.raises(UserError, match="cannot re-run 'nope.thing'"):
        exports.reproduce(text=links.link_of(Recipe("nope.thing", {}, {}), "http://localhost:7860/"))


def test_every_link_target_takes_its_recipes_parameters(studio_built):
    """A tab's LinkTarget must show a result from exactly the parameters its recipe records; a
    mismatch would leave a link's page on the first tab (and the result only in the recipe panel)."""
    import inspect

    from studio.ui import exports

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
    """The game's round belongs to one session: a link opens a new round on the game's sub-tab (a new
    one for each page), carries no round, and the Reproduce panel cannot re-run it."""
    from studio.checks import UserError
    from studio.ui import exports

    assert not any(name.startswith("gan.game") for name in exports._TECHNIQUES)
    target = next(t for t in studio_built.link_targets if t.recipe == "gan.game")
    first, second = (target.updates("en", {"name": "dcgan_mnist"}) for _ in range(2))
    rounds = [next(v for v in updates.values() if type(v).__name__ == "GameRound") for updates in (first, second)]
    assert rounds[0] is not rounds[1] and rounds[0].variant == "dcgan_mnist"
    words = " ".join(str(v) for v in first.values() if isinstance(v, str))
    shown_link = words[words.index("(?r=") + 1:words.index(")", words.index("(?r="))]
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
    from studio.ui import exports

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
    from studio.ui import exports

    _, made, _ = load_example("deepdream")
    keys = ("backbone", "layers", "octaves", "octave_scale", "steps", "step_size", "max_loss", "side")
    return {k: made[k] for k in keys} | {"stopped": False,
                                        "input_sha256": exports.sha256_of(prepared(example_image(), made["side"]))}
