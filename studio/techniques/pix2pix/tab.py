"""The Pix2Pix tab (lecture 004): widgets and events only."""

from __future__ import annotations

import time

import gradio as gr
import numpy as np

from studio.techniques.pix2pix import model as p2p
from studio.techniques.pix2pix.presets import bundle_name
from studio.techniques.pix2pix.service import ZOOM, Pix2PixService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.panels.training_panel import variants_training_panel

VARIANTS, DATASETS = p2p.VARIANTS, p2p.DATASETS  # the first data set is the tab's default
CANVAS = 320  # the sketchpad's square canvas in pixels; drawings are shrunk to 64 x 64 (or 32 x 32)


def generators(dataset: str) -> list[str]:
    """The bundles a translation uses: the three generators (a ValueError for an unknown data set, which
    an edited recipe or link turns into its one sentence)."""
    return [bundle_name(v, dataset) for v in VARIANTS]


def example_models(index, dataset: str = "fashion", lang: str = "en") -> list[str]:
    """The bundles of a test example's comparison: the generators, and for the shoes the shipped test
    images they come from (the emoji are rendered from the installed OpenMoji font)."""
    return generators(dataset) + (["samples"] if dataset == "fashion" else [])


def blank_paper() -> dict:
    """The sketchpad's starting value: white paper (the model reads black lines on white)."""
    return {"background": np.full((CANVAS, CANVAS, 3), 255, np.uint8), "layers": [], "composite": None}


def sketch_image(sketch):
    """The sketchpad's value (a dict with 'composite' / 'background', or an array, or None) -> an image or None."""
    if isinstance(sketch, dict):
        image = sketch.get("composite")
        return image if image is not None else sketch.get("background")
    return sketch


def status_text(service, lang: str, choice: str = "emoji/unet") -> str:
    """Which weights a generator (``choice`` "DATA/VARIANT") uses and what they measured."""
    data, _ = service.parse_choice(choice)
    status = service.status(choice)
    m = status["metrics"]
    source = text("common.user" if status["source"] == "user" else "common.shipped", lang)
    return text("p2p.status", lang, source=source, command=status["command"], created=status["created"],
                l1=m.get("test_l1", "?"), fid=m.get(f"fid_{data}", "?"), sharp=m.get("sharpness_ratio", "?"))


def metrics_table(service, lang: str, data: str) -> str:
    """The three generators' test figures on data set ``data``, as a Markdown table."""
    try:
        rows, floor, n = [], "?", "?"
        for v in VARIANTS:
            meta = service.metadata(v, data)
            m = meta["metrics"]
            floor, n = m.get(f"fid_{data}_floor", floor), meta["data"][data]["test_pairs"]
            rows.append(f"| {text(f'p2p.name_{v}', lang)} | {m.get('test_l1', '?')} | {m.get(f'fid_{data}', '?')} "
                        f"| {m.get('sharpness_ratio', '?')} |")
        return text("p2p.metrics", lang, data=text(f"p2p.data_{data}", lang), judge=text(f"p2p.judge_{data}", lang),
                    n=n, rows="\n".join(rows), floor=floor)
    except Exception as exc:  # noqa: BLE001 - the table is optional; the translations are not
        return text("p2p.unavailable", lang, reason=str(exc))


def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a Pix2PixService. Data sets without weights are not offered."""
    tr, lang = ctx.tr, ctx.lang
    offered = [d for d in DATASETS if service.available(d)]
    with tr.make(gr.Tab, {"label": "p2p.tab"}, id="pix2pix"):
        tr.make(gr.Markdown, {"value": "p2p.intro"})
        dataset = tr.make(gr.Radio, {"label": "p2p.dataset",
                                     "choices": lambda lg: [(text(f"p2p.data_{d}", lg), d) for d in offered]},
                          value=offered[0], elem_id="p2p-dataset")
        # A test example first: its picker, its button and its comparison (a phone finds them in its first
        # screens), then the sketchpad for an outline of one's own, beside what the model sees of it.
        gallery = tr.make(gr.Gallery, {"label": "p2p.gallery"}, columns=8, height=300, allow_preview=False,
                          object_fit="contain", elem_id="p2p-gallery", buttons=[])
        with gr.Row():
            example = tr.make(gr.Number, {"label": "p2p.example"}, value=0, precision=0, minimum=0)
            example_btn = tr.make(gr.Button, {"value": "p2p.example_btn"}, elem_classes=tab_kit.MAIN_ACTION)
        tr.make(gr.Markdown, {"value": "p2p.compare"})  # a heading: a label badge would cover the first caption
        compare = gr.Image(type="numpy", format="png", interactive=False, show_label=False, elem_id="p2p-compare")
        result_md = gr.Markdown()
        with gr.Row():
            with gr.Column(scale=2):
                sketch = tr.make(gr.Sketchpad, {"label": "p2p.sketch"}, value=blank_paper(), type="numpy",
                                 image_mode="RGBA", sources=["upload"], canvas_size=(CANVAS, CANVAS), height=340,
                                 layers=False, brush=gr.Brush(colors=["#000000"], default_size=6, color_mode="fixed"))
                tr.make(gr.Markdown, {"value": "p2p.sketch_tip"})
                translate_btn = tr.make(gr.Button, {"value": "p2p.translate_btn"}, variant="primary",
                                        elem_id="p2p-translate")
            with gr.Column(scale=1):
                seen = tr.make(gr.Image, {"label": "p2p.input"}, type="numpy", format="png", interactive=False,
                               height=200, buttons=[])
                # A short label (a long one covers the picture's top); the legend goes in a caption below.
                patch = tr.make(gr.Image, {"label": "p2p.patch"}, type="numpy", format="png", interactive=False,
                                height=200, buttons=[])
                tr.make(gr.Markdown, {"value": "p2p.patch_caption"})
        tr.make(gr.Markdown, {"value": "p2p.notes"})
        tr.make(gr.Markdown, {"value": "p2p.credit"})
        panel = _training_panel(ctx, service, offered) if ctx.allow_training else None
        metrics_md = tab_kit.about_weights(tr)

    translate_sketch, translate_example = _translations(ctx, service)
    outputs = [seen, compare, patch, result_md]
    translate_btn.click(translate_sketch, [lang, dataset, sketch], outputs, api_name="p2p_translate")
    gr.on([example_btn.click, example.submit], translate_example, [lang, dataset, example], outputs,
          api_name="p2p_example")

    @guarded
    def pick(lang, data, selected: gr.SelectData):
        return selected.index, *translate_example(lang, data, selected.index)

    gallery.select(pick, [lang, dataset], [example, *outputs], api_visibility="private")

    # On page load and after a language switch: the gallery (the emoji's names in ``lang``), the example's
    # comparison (its captions in ``lang``) and the table.
    @guarded
    def refresh(lang, data, index):
        return (service.gallery(data, lang), *translate_example(lang, data, index),
                metrics_table(service, lang, data))

    @guarded
    def switch_data(lang, data):
        return (0, *refresh(lang, data, 0))

    refresh_inputs, refresh_outputs = [lang, dataset, example], [gallery, *outputs, metrics_md]
    # .input, not .change: a link that sets the data set (below) must not reset the example it opens.
    dataset.input(switch_data, [lang, dataset], [example, *refresh_outputs], api_visibility="private")
    # The link's "lang" (the language of its picture's captions) gives way to the page's own.
    ctx.link("p2p.example", "pix2pix", {"index": example, "dataset": dataset}, refresh_outputs,
             lambda page_lang, index, dataset, lang="en": refresh(page_lang, dataset, index))
    if panel is not None:  # new weights: the gallery, the example and the table drawn again
        for event in (panel.finished, panel.switched):
            event.then(refresh, refresh_inputs, refresh_outputs, api_visibility="private")
    return [tab_kit.TabRefresh(refresh, refresh_inputs, refresh_outputs)]


def _training_panel(ctx: TabContext, service, offered: list[str]):
    """The training panel: any generator of any offered data set."""
    tr = ctx.tr

    def choices(lg):
        return [(f"{text(f'p2p.name_{v}', lg)} · {text(f'p2p.data_{d}', lg)}", f"{d}/{v}")
                for d in offered for v in VARIANTS]

    return variants_training_panel(
        ctx, service, lambda lang, choice: status_text(service, lang, choice), takes_schedule=True,
        api_prefix="p2p", intro_key="p2p.train_intro", default_epochs=10, max_epochs=60, classroom_key="p2p.classroom",
        make_choice=lambda: tr.make(gr.Radio, {"label": "p2p.variant", "choices": choices}, value=f"{offered[0]}/unet"))


def _translations(ctx: TabContext, service):
    """The two ways to translate an outline: (a sketch or an upload, a test example by its index). Each
    handler returns the outline as the model sees it, the comparison, the discriminator's patch view and
    the words under them."""
    def show(lang, data, edges, comparison, started, truth=None):
        """The outputs for a translated outline: ``comparison`` is (picture or its stamped path, info)."""
        picture, info = comparison
        overlay, probs = service.patch_view(edges, info["shoes"]["unet"], data)
        ms = (time.perf_counter() - started) * 1e3
        s = info["sharpness"]
        line = text("p2p.result", lang, ms=ms, real=float(probs.mean()), low=float(probs.min()), high=float(probs.max()),
                    s_unet=s["unet"], s_encdec=s["encdec"], s_l1=s["l1"])
        if info["l1"]:
            line += text("p2p.truth_l1", lang, **info["l1"])
        return service.zoom(edges, ZOOM[data]), picture, overlay, line + "\n\n" + exports.line_of(picture)

    # A test example is picked by its index: its comparison is reproducible from the recipe. A sketch
    # or an upload is recorded by its sha256 only (exports.stamp), as DeepDream and style transfer do.
    # ``lang`` words the captions: recipes made before it existed draw in English, as they did.
    @exports.reproducible("p2p.example", models=example_models)
    def example_picture(index, dataset="fashion", lang="en"):
        edges, truth = service.example(index, dataset)
        return service.comparison(edges, truth, dataset, lang)

    @guarded
    def translate_sketch(lang, data, value):
        started = time.perf_counter()
        drawing = sketch_image(value)
        edges = service.sketch_to_edges(drawing, data)
        picture, info = service.comparison(edges, dataset=data, lang=lang)
        stamped = exports.stamp(picture, "p2p.sketch", {"dataset": data}, generators(data), uploads={"sketch": drawing})
        return show(lang, data, edges, (stamped, info), started)

    @guarded
    def translate_example(lang, data, index):
        started = time.perf_counter()
        edges, truth = service.example(index, data)
        return show(lang, data, edges, example_picture(index, data, lang), started, truth)

    return translate_sketch, translate_example


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, Pix2PixService(ctx.quality))
