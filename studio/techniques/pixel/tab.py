"""The probabilistic pixel model tab (lecture 000, Program 10-1): widgets and events only."""

from __future__ import annotations

import gradio as gr

from studio.techniques.pixel.service import PixelService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.kit.quality_text import readout_text
from studio.ui.panels.training_panel import (
    TRAINING_STREAMS,
    WAITING_LIMIT,
    follow_job,
    waiting_line,
)

ALL = "all"
DATASET_CHOICES = [("MNIST", "mnist"), ("Fashion-MNIST", "fashion")]
DEFAULT_PIXEL = (14, 8)  # on the left stroke of an average "0": a pixel with a wide histogram
MAX_LIMIT = 7000  # larger than the biggest class (6,742 MNIST ones): the slider's top means "all"


def _label(value: str) -> int | None:
    return None if value in (None, "", ALL) else int(value)


def _class_choices(service, dataset: str, lang: str) -> list[tuple[str, str]]:
    names = service.class_names(dataset, lang)
    shown = [f"{k} · {name}" if name != str(k) else name for k, name in enumerate(names)]
    return [(text("pixel.all_classes", lang), ALL)] + [(s, str(k)) for k, s in enumerate(shown)]


def _likelihood_text(summary, lang: str) -> str:
    report = summary.report
    if report.finite:
        return text("pixel.likelihood", lang, bpp=report.bits_per_pixel, images=report.images,
                     train=summary.train_images, alpha=summary.smoothing)
    return text("pixel.likelihood_inf", lang, images=report.images, impossible=report.impossible_pixels,
                train=summary.train_images)


def _status_text(status: dict, lang: str) -> str:
    key = "common.weights_user" if status["source"] == "user" else "common.weights_shipped"
    return text(key, lang, command=status["command"], created=status["created"])


def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab inside the current ``gr.Blocks``; ``service`` is a ``PixelService`` (``ctx.quality``
    judges the samples)."""
    tr, lang = ctx.tr, ctx.lang
    entropy_picture, histogram_picture, sample_picture = _reproducible(service)
    with tr.make(gr.Tab, {"label": "pixel.tab"}, id="pixel"):
        tr.make(gr.Markdown, {"value": "pixel.intro"})
        # The controls and the samples first (a phone finds the Sample button in its first screen), then
        # the model's pictures that explain them, its likelihood and the lecture's conclusion.
        model_inputs = _model_choices(ctx, service)
        (count, seed), samples, draw_samples, judge = _samples_view(ctx, service, model_inputs, sample_picture)
        (row, col), picture_outputs, pictures = _model_pictures(ctx, service, model_inputs, entropy_picture,
                                                                histogram_picture)
        likelihood = gr.Markdown(elem_id="pixel-likelihood")
        tr.make(gr.Markdown, {"value": "pixel.conclusion"})
        with tr.make(gr.Accordion, {"label": "common.training"}, open=False, visible=ctx.allow_training):
            tr.make(gr.Markdown, {"value": "pixel.train_intro"})
            limit = tr.make(gr.Slider, {"label": "pixel.limit"}, minimum=1, maximum=MAX_LIMIT, step=1,
                            value=MAX_LIMIT)
            with gr.Row():
                train_btn = tr.make(gr.Button, {"value": "common.train"}, variant="primary")
                stop_btn = tr.make(gr.Button, {"value": "common.stop"}, variant="stop")
                shipped_btn = tr.make(gr.Button, {"value": "common.use_shipped"})
        status = tab_kit.about_weights(tr)

    # A new data set, class or smoothing: the whole tab drawn again (and its class names in ``lang``).
    @guarded
    def refresh(lang, dataset, label, smoothing, row, col, n, seed):
        lbl = _label(label)
        return (gr.update(choices=_class_choices(service, dataset, lang)),
                *pictures(dataset, label, smoothing, row, col, lang),
                _likelihood_text(service.likelihood(dataset, lbl, smoothing), lang),
                draw_samples(dataset, label, smoothing, n, seed),
                _status_text(service.status(), lang))

    dataset, label, smoothing = model_inputs
    refresh_inputs = [lang, *model_inputs, row, col, count, seed]
    refresh_outputs = [label, *picture_outputs, likelihood, samples, status]
    gr.on([dataset.input, label.input, smoothing.release], refresh, refresh_inputs, refresh_outputs,
          api_name="pixel_refresh", show_progress="minimal")
    if ctx.allow_training:
        _training_events(ctx, service, limit, (train_btn, stop_btn, shipped_btn), status,
                         (refresh, refresh_inputs, refresh_outputs))
    return [tab_kit.TabRefresh(refresh, refresh_inputs, refresh_outputs, followups=[judge])]


def _reproducible(service):
    """The tab's downloadable pictures, each carrying its recipe (studio.ui.kit.exports): (entropy picture,
    histogram picture, samples). ``lang`` only words the axes."""
    @exports.reproducible("pixel.entropy", models=["pixel"])
    def entropy_picture(dataset, label, smoothing, row, col, lang="en"):
        return service.entropy_picture(dataset, _label(label), smoothing, row, col, lang)

    @exports.reproducible("pixel.histogram", models=["pixel"])
    def histogram_picture(dataset, label, smoothing, row, col, lang="en"):
        return service.histogram_picture(dataset, _label(label), smoothing, row, col, lang)

    @exports.reproducible("pixel.sample", models=["pixel"])
    def sample_picture(dataset, label, smoothing, n, seed):
        return service.samples(dataset, _label(label), smoothing, n, seed)

    return entropy_picture, histogram_picture, sample_picture


def _model_choices(ctx: TabContext, service) -> list:
    """The model's choices: [data set, class, smoothing]."""
    tr = ctx.tr
    with gr.Row():
        dataset = tr.make(gr.Radio, {"label": "pixel.dataset"}, choices=DATASET_CHOICES, value="mnist")
        label = tr.make(gr.Dropdown, {"label": "pixel.class",
                                      "choices": lambda lang: _class_choices(service, "mnist", lang)}, value="0")
        smoothing = tr.make(gr.Slider, {"label": "pixel.smoothing", "info": "pixel.smoothing_info"},
                            minimum=0.0, maximum=2.0, step=0.01, value=0.0)
    return [dataset, label, smoothing]


def _model_pictures(ctx: TabContext, service, model_inputs, entropy_picture, histogram_picture):
    """The model's pictures for its choices (``model_inputs``): the mean, the entropy and one pixel's
    histogram (a click on the mean, or the sliders, picks the pixel). Returns ((row, col), the three
    pictures, the handler drawing them)."""
    tr, lang = ctx.tr, ctx.lang
    with gr.Row(equal_height=True):
        mean = tr.make(gr.Image, {"label": "pixel.mean"}, type="numpy", format="png", interactive=False,
                       buttons=[], height=260)
        entropy = tr.make(gr.Image, {"label": "pixel.entropy"}, type="numpy", format="png", interactive=False,
                          height=260)
        with gr.Column():
            histogram = tr.make(gr.Image, {"label": "pixel.histogram"}, type="numpy", format="png",
                                interactive=False, height=190)
            with gr.Row():
                row = tr.make(gr.Slider, {"label": "pixel.row"}, minimum=0, maximum=27, step=1,
                              value=DEFAULT_PIXEL[0])
                col = tr.make(gr.Slider, {"label": "pixel.col"}, minimum=0, maximum=27, step=1,
                              value=DEFAULT_PIXEL[1])

    @guarded
    def pictures(dataset, label, smoothing, row, col, lang="en"):
        return (service.mean_picture(dataset, _label(label), row, col),
                entropy_picture(dataset, label, smoothing, row, col, lang),
                histogram_picture(dataset, label, smoothing, row, col, lang))

    def select_pixel(dataset, label, smoothing, lang, evt: gr.SelectData):
        r, c = service.click_to_pixel(*evt.index)
        return (r, c, *pictures(dataset, label, smoothing, r, c, lang))

    outputs = [mean, entropy, histogram]
    gr.on([row.release, col.release], pictures, [*model_inputs, row, col, lang], outputs, api_name="pixel_pictures",
          show_progress="hidden")
    mean.select(select_pixel, [*model_inputs, lang], [row, col, *outputs], show_progress="hidden",
                api_visibility="private")
    # A link to the entropy or a pixel's histogram (drawn together) opens with the model's choices and the
    # pixel; the link's "lang" (the language of its picture's axes) gives way to the page's own.
    dataset, label, smoothing = model_inputs
    for recipe in ("pixel.entropy", "pixel.histogram"):
        ctx.link(recipe, "pixel", {"dataset": dataset, "label": label, "smoothing": smoothing,
                                   "row": row, "col": col}, outputs,
                 lambda page_lang, dataset, label, smoothing, row, col, lang="en": pictures(
                     dataset, label, smoothing, row, col, page_lang))
    return (row, col), outputs, pictures


def _samples_view(ctx: TabContext, service, model_inputs, sample_picture):
    """Samples of the model, then the judge's readout of them. Returns ((count, seed), the samples'
    picture, the handler drawing them, the judge's (fn, inputs, outputs))."""
    tr, lang, quality = ctx.tr, ctx.lang, ctx.quality
    tr.make(gr.Markdown, {"value": "pixel.samples_header"})
    with gr.Row():
        count = tr.make(gr.Slider, {"label": "pixel.n"}, minimum=1, maximum=100, step=1, value=20)
        seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0, elem_id="pixel-seed")
        sample_btn = tr.make(gr.Button, {"value": "pixel.sample"}, variant="primary",
                             elem_id="pixel-sample-button", elem_classes=tab_kit.MAIN_ACTION)
    samples = tr.make(gr.Image, {"label": "pixel.samples"}, type="numpy", format="png", interactive=False,
                      elem_id="pixel-samples")
    readout = gr.Markdown(elem_id="pixel-judge")

    @guarded
    def draw_samples(dataset, label, smoothing, n, seed):
        return sample_picture(dataset, label, smoothing, n, seed)

    def judge(lang, dataset, label, smoothing, n, seed):
        # Shown in the page rather than as a pop-up: a missing judge must not spoil the samples.
        try:
            # the model's figures are measured once for everyone; this click only judges its own samples
            readout = service.readout(quality, dataset, _label(label), smoothing, n, seed)
            recipe = exports.line_of(sample_picture.recipe(dataset, label, smoothing, n, seed))
            return readout_text(readout, lang) + "\n\n" + recipe
        except Exception as exc:  # noqa: BLE001 - any failure becomes a readable line
            return text("judge.unavailable", lang, reason=str(exc))

    dataset, label, smoothing = model_inputs
    judge_inputs = [lang, *model_inputs, count, seed]
    gr.on([sample_btn.click, seed.submit, count.release], draw_samples, [*model_inputs, count, seed], samples,
          api_name="pixel_sample").then(judge, judge_inputs, readout, show_progress="minimal",
                                        api_visibility="private")
    smoothing.release(judge, judge_inputs, readout, show_progress="minimal", api_name="pixel_judge")
    gr.on([dataset.input, label.input], judge, judge_inputs, readout, show_progress="minimal",
          api_visibility="private")
    # A link to samples opens here with their data set, class, smoothing, count and seed.
    ctx.link("pixel.sample", "pixel", {"dataset": dataset, "label": label, "smoothing": smoothing,
                                       "n": count, "seed": seed}, [samples],
             lambda lang, dataset, label, smoothing, n, seed: draw_samples(
                 dataset, label, smoothing, n, seed))
    return (count, seed), samples, draw_samples, (judge, judge_inputs, [readout])


def _training_events(ctx: TabContext, service, limit, buttons, status, refresh) -> None:
    """The training accordion's Train, Stop and shipped-weights buttons; ``refresh`` is the tab's
    (fn, inputs, outputs), run once the weights changed."""
    jobs, (train_btn, stop_btn, shipped_btn) = ctx.jobs, buttons

    @guarded
    def train(lang, limit, request: gr.Request, progress=gr.Progress()):
        per_class = None if int(limit) >= MAX_LIMIT else int(limit)
        token = jobs.start(request.session_hash)
        try:  # a training job like every tab's (a worker process), followed to its end
            for kind, *payload in follow_job(ctx.trainer, service.training_job(per_class), token):
                if kind == "progress":
                    progress(payload[0], desc=payload[1])
                elif kind == "waiting":
                    progress(0.0, desc=waiting_line(ctx.trainer, payload[1], lang))
            return _status_text(service.status(), lang)
        finally:
            jobs.finish(request.session_hash, token)

    def stop(lang, request: gr.Request):
        if jobs.cancel(request.session_hash):
            gr.Info(text("common.stopped", lang))

    @guarded
    def use_shipped(lang):
        return _status_text(service.use_shipped(), lang)

    train_btn.click(train, [ctx.lang, limit], status, api_name="pixel_train", concurrency_limit=WAITING_LIMIT,
                    concurrency_id=TRAINING_STREAMS).then(*refresh, api_visibility="private")
    stop_btn.click(stop, [ctx.lang], None, queue=False, api_visibility="private")
    shipped_btn.click(use_shipped, [ctx.lang], status, api_name="pixel_use_shipped").then(
        *refresh, api_visibility="private")


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, PixelService())
