"""The list of techniques: what the app and ``python -m studio.train`` iterate over, and how a new
technique joins them (one folder, one line)."""

import hashlib
import json
import textwrap
from pathlib import Path

import pytest

from studio import techniques, train
from studio.technique import Technique


def test_every_technique_in_the_list_declares_itself_under_its_folders_name():
    declared = techniques.load()
    assert [t.name for t in declared] == techniques.LECTURE_ORDER
    assert all(isinstance(t, Technique) for t in declared)


def test_every_recipe_of_the_techniques_is_a_training_command():
    names = train.recipes()
    for technique in techniques.load():
        for recipe in technique.recipes:
            assert names[recipe.name] is recipe
            help_text, add_arguments, run = recipe.load()
            assert help_text and callable(add_arguments) and callable(run)


TINY = {
    "__init__.py": '''
        """A made-up technique for the test: one folder and one line in the list."""
        from studio.technique import Recipe, Technique

        TECHNIQUE = Technique("tiny", recipes=(Recipe("tiny", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build")
    ''',
    "recipe.py": '''
        HELP = "a made-up technique that trains nothing"
        CALLS = []

        def add_arguments(parser):
            parser.add_argument("--size", type=int, default=2)

        def run(args, ctx):
            CALLS.append((args.size, ctx.source))
            return []
    ''',
    "tab.py": '''
        import gradio as gr

        def build(ctx):
            with gr.Tab("Tiny technique", id="tiny"):
                gr.Markdown("A tab that only says hello.", elem_id="tiny-hello")
            return []
    ''',
}


@pytest.fixture
def tiny_technique(tmp_path, monkeypatch):
    """A technique folder outside the studio (the list takes a full module path) and its line in the list."""
    folder = tmp_path / "made_up" / "tiny"
    folder.mkdir(parents=True)
    (folder.parent / "__init__.py").write_text("")
    for name, source in TINY.items():
        (folder / name).write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(techniques, "LECTURE_ORDER", [*techniques.LECTURE_ORDER, "made_up.tiny"])
    return "made_up.tiny"


def test_a_new_technique_gets_its_training_command(tiny_technique, capsys):
    import importlib

    recipe = importlib.import_module(f"{tiny_technique}.recipe")
    assert "tiny" in train.recipes()
    assert train.main(["tiny", "--size", "5", "--to", "user"]) == 0
    assert recipe.CALLS == [(5, "user")]
    with pytest.raises(SystemExit):
        train.parse(["--help"])
    assert "a made-up technique that trains nothing" in capsys.readouterr().out


def test_a_new_technique_gets_its_tab_after_the_others(tiny_technique):
    from studio.ui import app

    demo = app.build_app(lang="en", allow_training=False)
    config = demo.get_config_file()
    tabs = [c["props"].get("label") for c in config["components"] if c["type"] == "tabitem"]
    assert "Tiny technique" in tabs
    hello = [c for c in config["components"] if c["props"].get("elem_id") == "tiny-hello"]
    assert hello and hello[0]["props"]["value"] == "A tab that only says hello."
    technique_tabs = [c for c in config["components"]
                      if c["type"] == "tabitem" and c["props"].get("id") in {"pixel", "tiny"}]
    assert [c["props"]["id"] for c in technique_tabs] == ["pixel", "tiny"]  # the list's order


# Three results made by the studio before the one-folder-per-technique redesign (commit ad63f03): their
# recipe lines and the sha256 of their bytes. The redesign kept the behaviour: the same bytes again.
BEFORE_THE_REDESIGN = json.loads((Path(__file__).parent / "data" / "recipes_before_the_redesign.json").read_text())


@pytest.fixture(scope="module")
def studio_built():
    from studio.ui import app

    return app.build_app(lang="en")  # registers every tab's reproducible functions


@pytest.mark.parametrize("made", BEFORE_THE_REDESIGN, ids=[m["technique"] for m in BEFORE_THE_REDESIGN])
def test_a_recipe_exported_before_the_redesign_gives_the_same_bytes(made, studio_built):
    from studio.ui import exports

    path, recipe, same_weights = exports.reproduce(text=made["line"])
    assert recipe.technique == made["technique"] and same_weights
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == made["sha256"]
