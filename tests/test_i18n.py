"""Every interface text exists in Korean and English, with the same placeholders."""

import string

import pytest

from studio.ui import i18n


@pytest.mark.parametrize("key", sorted(i18n.STRINGS))
def test_both_languages_with_the_same_placeholders(key):
    entry = i18n.STRINGS[key]
    assert entry.get("ko") and entry.get("en")
    fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in ("ko", "en")]
    assert fields[0] == fields[1]


def test_translator_switches_registered_components():
    gr = pytest.importorskip("gradio")
    with gr.Blocks():
        tr = i18n.Translator("en")
        button = tr.make(gr.Button, {"value": "pixel.sample"})
        slider = tr.make(gr.Slider, {"label": "pixel.row"}, minimum=0, maximum=27)
    assert button.value == "Sample" and slider.label == "Row"
    assert tr.components == [button, slider]
    assert tr.updates("ko") == [{"__type__": "update", "value": "샘플 생성"},
                                {"__type__": "update", "label": "행"}]


def test_unknown_language_falls_back_to_the_default():
    assert i18n.Translator("fr").lang == i18n.DEFAULT_LANGUAGE
    assert i18n.text("pixel.row", "fr") == "Row"
