"""Safe reading of uploads and the app-wide input guards, without a server (the HTTP side is test_fuzz)."""

import math

import gradio as gr
import pytest
from gradio.data_classes import ImageData
from PIL import Image

import fuzz_corpus as corpus
from studio.media import imaging
from studio.ui.frame.input_guards import guard_inputs


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    return corpus.write_uploads(tmp_path_factory.mktemp("uploads"))


@pytest.mark.parametrize("name", corpus.BROKEN + ("huge_10000px",))
def test_broken_or_oversized_files_are_refused_with_a_sentence(uploads, name):
    with pytest.raises(imaging.UnreadableImage) as info:
        imaging.read_picture(uploads[name])
    assert str(info.value).endswith(".") and len(str(info.value)) < 200


@pytest.mark.parametrize("name", ["one_pixel", "png_16_bit", "cmyk_jpeg", "palette_gif", "animated_gif",
                                  "rgba_png", "tiff", "webp", "greyscale_png"])
def test_exotic_pictures_come_out_plain_and_bounded(uploads, name):
    picture = imaging.read_picture(uploads[name], max_side=64)
    assert picture.mode in ("1", "L", "LA", "P", "RGB", "RGBA") and max(picture.size) <= 64


def test_sixteen_bit_greys_keep_their_brightness(uploads):
    picture = imaging.read_picture(uploads["png_16_bit"])
    assert picture.mode == "L" and 100 < sum(picture.getdata()) / (96 * 80) < 155  # a 0..max ramp


def test_a_big_jpeg_is_decoded_at_reduced_scale(tmp_path):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), (10, 120, 200)).save(path, quality=70)
    picture = imaging.read_picture(path, max_side=500)
    assert max(picture.size) == 500


def test_guards_explain_broken_uploads_and_shrink_big_ones(uploads, tmp_path):
    with gr.Blocks() as demo:
        image = gr.Image(type="numpy")
        number = gr.Number(label="Seed", precision=0)
        slider = gr.Slider(0, 1, label="Noise")
    guard_inputs(demo)
    with pytest.raises(gr.Error, match="not a picture"):
        image.preprocess(ImageData(path=str(uploads["text_as_png"]), orig_name="notes.png"))
    big = tmp_path / "wide.png"
    Image.new("RGB", (3000, 300), "white").save(big)
    array = image.preprocess(ImageData(path=str(big), orig_name="wide.png"))
    assert array.shape == (102, imaging.MAX_SIDE, 3)
    for component, label in ((number, "Seed"), (slider, "Noise")):
        with pytest.raises(gr.Error, match=f"'{label}' must be a finite number"):
            component.preprocess(math.nan)
    assert number.preprocess(3.0) == 3 and slider.preprocess(0.5) == 0.5
    with pytest.raises(gr.Error, match=r"'Noise' must be between 0 and 1, not 1\.5\."):
        slider.preprocess(1.5)


def test_a_refused_number_is_named_in_every_language():
    """One widget serves the pages of both languages: its sentence names it as each of them does."""
    from studio.ui.kit import i18n

    with gr.Blocks() as demo:
        tr = i18n.Translator("en")
        seed = tr.make(gr.Number, {"label": "common.seed"}, precision=0, minimum=0)
        plain = gr.Number(label="Count", minimum=1)
    guard_inputs(demo, [tr.texts(lang) for lang in i18n.LANGUAGES])
    names = " / ".join(f"'{i18n.text('common.seed', lang)}'" for lang in i18n.LANGUAGES)
    with pytest.raises(gr.Error) as refused:
        seed.preprocess(-5)
    assert str(refused.value.message) == f"{names} must be at least 0, not -5."
    assert "'시드" in names and "'Seed" in names
    with pytest.raises(gr.Error, match="'Count' must be at least 1, not 0."):
        plain.preprocess(0)


def test_the_guards_outlive_gradio_making_a_widget_anew():
    """An event that updates a widget's properties (a followed result sets a tab's controls) makes Gradio
    build the session's copy anew from the widget's class and arguments; the guards hold for the copy,
    and the page still draws the same components."""
    with gr.Blocks() as demo:
        number = gr.Number(label="Seed", precision=0, minimum=0)
        sketch = gr.Sketchpad(type="numpy")
        image = gr.Image(type="numpy")
    guard_inputs(demo)
    guard_inputs(demo)  # twice: still one guard
    # what gradio.blocks does with an update of properties
    anew = [block.__class__(**{**block.constructor_args, "label": "시드", "render": False})
            for block in (number, sketch, image)]
    with pytest.raises(gr.Error, match="'시드' must be at least 0, not -5."):
        anew[0].preprocess(-5)
    assert anew[0].preprocess(3.0) == 3
    with pytest.raises(gr.Error, match="must be a finite number"):
        anew[0].preprocess(math.nan)
    assert [block.get_block_name() for block in anew] == ["number", "imageeditor", "image"]
    assert isinstance(anew[1], gr.Sketchpad) and type(anew[1]).__name__ == "Sketchpad"
    assert anew[2].get_component_class_id() == gr.Image.get_component_class_id()
