"""Issue 51: the two Gradio costs a class multiplied by its students (``studio.ui.frame.gradio_speedups``).

A skipped output is answered as Gradio answers it, without a component built for the page; a page's
session makes a block's config only when it is read, and a deep link still gets every one of them.
"""

import asyncio

import gradio as gr
import pytest
from gradio.state_holder import SessionState

from studio.ui.frame import gradio_speedups


@pytest.fixture(scope="module")
def demo():
    assert gradio_speedups.install() == {"Blocks.postprocess_data", "SessionState.__init__"}, \
        "Gradio changed: look at studio/ui/frame/gradio_speedups.py again (its EXPECTED digests)"
    with gr.Blocks() as blocks:
        picture = gr.Image(type="numpy", label="picture")
        words = gr.Markdown("before")
        number = gr.Number(1, label="n")
        kept = gr.State("kept")
        button = gr.Button("go")
        button.click(lambda: None, None, [picture, words, number, kept])
    blocks.parts = (picture, words, number, kept)
    return blocks


def _post(demo, predictions, state=None, original=False):
    fn = next(iter(demo.fns.values()))
    state = state or SessionState(demo)
    post = gradio_speedups._ORIGINAL_POSTPROCESS if original else type(demo).postprocess_data
    return asyncio.run(post(demo, fn, predictions, state)), state


def test_a_skipped_output_gets_gradios_answer_and_no_component_is_built(demo):
    picture, words, number, kept = demo.parts
    mixed = [gr.skip(), "after", gr.skip(), gr.skip()]
    patched, state = _post(demo, list(mixed))
    unpatched, unpatched_state = _post(demo, list(mixed), original=True)
    assert patched == unpatched == [{"__type__": "update"}, "after", {"__type__": "update"}, None]
    assert state.blocks_config.blocks[picture._id] is picture  # the skipped image: the page's own, not a new one
    assert unpatched_state.blocks_config.blocks[picture._id] is not picture  # Gradio's own built a new one
    # one gr.skip() for all, and a dict naming some outputs, alike
    assert _post(demo, gr.skip())[0] == _post(demo, gr.skip(), original=True)[0]
    named = {words: gr.Markdown(visible=False), number: 5}
    assert _post(demo, dict(named))[0] == _post(demo, dict(named), original=True)[0]
    assert _post(demo, dict(named))[0][0] == {"__type__": "update"}


def test_a_wrong_number_of_outputs_is_still_gradios_error(demo):
    with pytest.raises(ValueError):
        _post(demo, ["only one", "two"])


def test_a_pages_session_makes_configs_when_read_and_a_deep_link_gets_them_all(demo, monkeypatch):
    made = []
    config_for_block = demo.default_config.config_for_block

    def counting(key, rendered, block, renderable=None):
        made.append(key)
        return config_for_block(key, rendered, block, renderable)

    monkeypatch.setattr(type(demo.default_config), "config_for_block", staticmethod(counting))
    state = SessionState(demo)
    assert made == []  # nothing made for a page's first event
    words = demo.parts[1]
    state._update_value_in_config(words._id, "new words")
    assert made == [words._id] and state.config_values[words._id]["props"]["value"] == "new words"
    every = {c["id"]: c for c in state.components}  # what a deep link reads
    assert set(every) == {k for k in demo.blocks} and every[words._id]["props"]["value"] == "new words"


def test_sessions_share_the_page_until_an_event_updates_one_of_its_components(demo):
    picture, words, number, kept = demo.parts
    first, second = SessionState(demo), SessionState(demo)
    assert first.blocks_config is second.blocks_config is demo.default_config  # nothing copied per page
    first[kept._id] = "first's own"  # a gr.State: the page's tables stay shared
    assert first.blocks_config is demo.default_config and second[kept._id] == "kept"
    _post(demo, [gr.skip(), gr.Markdown("only first's"), gr.skip(), gr.skip()], state=first)
    assert first.blocks_config is not demo.default_config  # its own copy, from its first update on
    assert first[words._id] is not words and first.config_values[words._id]["props"]["value"] == "only first's"
    assert second[words._id] is words and demo.default_config.blocks[words._id] is words
    assert second.config_values[words._id]["props"]["value"] == "before"
