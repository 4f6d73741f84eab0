"""Every interface text exists in Korean and English, with the same placeholders."""

import string

import pytest

from studio.ui.kit import i18n


@pytest.mark.parametrize("key", sorted(i18n.STRINGS))
def test_both_languages_with_the_same_placeholders(key):
    entry = i18n.STRINGS[key]
    assert entry.get("ko") and entry.get("en")
    fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in ("ko", "en")]
    assert fields[0] == fields[1]


def test_translator_gives_registered_components_their_texts():
    gr = pytest.importorskip("gradio")
    with gr.Blocks():
        tr = i18n.Translator("en")
        button = tr.make(gr.Button, {"value": "pixel.sample"})
        slider = tr.make(gr.Slider, {"label": "pixel.row"}, minimum=0, maximum=27)
    assert button.value == "Sample" and slider.label == "Row"
    assert tr.texts("ko") == [(button, {"value": "샘플 생성"}), (slider, {"label": "행"})]


def test_unknown_language_falls_back_to_the_default():
    assert i18n.Translator("fr").lang == i18n.DEFAULT_LANGUAGE
    assert i18n.text("pixel.row", "fr") == "Row"


def test_class_names_are_said_in_the_pages_language():
    """The Fashion-MNIST and emoji classes in a Korean readout are Korean; the English words are the
    ones bundles record (data.CLASS_NAMES); MNIST's digits stay digits."""
    from studio import data

    for dataset, english in data.CLASS_NAMES.items():
        assert data.class_names(dataset, "en") == english
        assert len(data.class_names(dataset, "ko")) == len(english)
    assert data.class_names("fashion", "ko")[9] == "앵클부츠"
    assert data.class_names("mnist", "ko") == [str(d) for d in range(10)]
    korean = [name for dataset in ("fashion", "emoji") for name in data.class_names(dataset, "ko")]
    assert not any(c.isascii() and c.isalpha() for name in korean for c in name)
