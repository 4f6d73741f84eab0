"""The DeepDream tab (Keras book 12.2): widgets and events only."""

from __future__ import annotations

import time

import gradio as gr
import numpy as np

from studio.serving import results
from studio.techniques.deepdream.model import DreamSettings
from studio.techniques.deepdream.service import (
    DEFAULT_LAYERS,
    INCEPTION,
    LOW_LAYERS,
    MOBILENET,
    MOBILENET_BUNDLE,
    DeepDreamService,
    example_image,
)

# DeepDream and style transfer open with ready results of the same example pictures: the examples technique
# makes and ships them, so both tabs read them (and prepare those pictures) through it.
from studio.techniques.examples.presets import load_example, prepared
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text

RECORDED = ("backbone", "layers", "octaves", "octave_scale", "steps", "step_size", "max_loss", "side")  # + "stopped"


def _spec(layers: dict[str, float]) -> str:
    return ", ".join(f"{name}={weight:g}" for name, weight in layers.items())


def backbone_note(service, lang: str) -> str:
    """Which backbones can dream here."""
    return text("dream.backbone_note_both" if INCEPTION in service.available() else "dream.backbone_note_mobilenet",
                lang)


def settings_of(layer_map, n_octaves, octave_scale, n_steps, size, loss_cap) -> DreamSettings:
    """The sliders' settings (a loss cap of 0 means none)."""
    return DreamSettings(layers=layer_map, octaves=int(n_octaves), octave_scale=float(octave_scale),
                         steps=int(n_steps), step_size=float(size), max_loss=float(loss_cap) or None)


def models_of(name: str) -> list[str]:
    """The bundles a dream on backbone ``name`` records (MobileNetV2 is shipped; InceptionV3 is Keras's)."""
    return [MOBILENET_BUNDLE] if name == MOBILENET else []


# --- the ready example, and links whose input was the studio's example picture ------------------------------
def example_params(made: dict) -> dict:
    """The recipe of the shipped example dream, from its bundle's settings."""
    return {k: made[k] for k in RECORDED} | {"stopped": False}


def ready_example_picture() -> str | None:
    """The shipped example dream (``python -m studio.train examples``), stamped like a user's."""
    example = load_example("deepdream")
    if example is None:
        return None
    picture, made, _ = example
    return exports.stamp(picture, "deepdream", example_params(made), [MOBILENET_BUNDLE],
                         uploads={"input": prepared(example_image(), made["side"])})


def ready_example(lang: str):
    """The tab's opening result: the shipped example and the words under it (skipped without one)."""
    example = load_example("deepdream")
    if example is None:
        return gr.skip(), gr.skip()
    _, made, command = example
    stamped = ready_example_picture()
    return stamped, text("dream.ready_example", lang, command=command, seconds=made["seconds"]) + \
        "\n\n" + exports.line_of(stamped)


def dream_of_example(service, params: dict) -> str | None:
    """A link's dream made again when its input was the studio's example picture (by its sha256):
    the shipped example itself, or a dream of the example with the link's settings (computed once,
    then served to everyone). None when the input was the maker's own picture."""
    try:
        rgb = prepared(example_image(), int(params.get("side")))
    except (TypeError, ValueError):
        return None
    if params.get("input_sha256") != exports.sha256_of(rgb):
        return None
    recorded = {k: v for k, v in params.items() if k != "input_sha256"}
    example = load_example("deepdream")
    if example is not None and recorded == example_params(example[1]):
        return ready_example_picture()

    def compute() -> str:
        name, layer_map = recorded["backbone"], dict(recorded["layers"])
        settings = settings_of(layer_map, recorded["octaves"], recorded["octave_scale"], recorded["steps"],
                               recorded["step_size"], recorded["max_loss"] or 0)
        *_, last = service.dream(rgb, name, layer_map, settings)
        return exports.stamp(last.image, "deepdream", recorded | {"stopped": False}, models_of(name),
                             uploads={"input": rgb})

    return results.SHARED.get(("deepdream.link", results.fingerprint(recorded)), compute)


# --- the tab ------------------------------------------------------------------------------------------------
def create_tab(ctx: TabContext, service, default_side: int = 400) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a DeepDreamService; ``default_side`` the starting working size."""
    tr, lang = ctx.tr, ctx.lang
    available = service.available()
    start_backbone = MOBILENET if MOBILENET in available else (available[0] if available else MOBILENET)
    if available:
        ctx.warm_up(lambda: _warm_up(service, start_backbone))
    with tr.make(gr.Tab, {"label": "dream.tab"}, id="deepdream"):
        tr.make(gr.Markdown, {"value": "dream.intro"})
        with gr.Row():
            # The photo and the Run button under it (a phone finds it in its first screens); the settings
            # beside them (on a phone, after them: their defaults dream at once).
            with gr.Column(scale=2):
                source = tr.make(gr.Image, {"label": "dream.input"}, type="pil", sources=["upload", "clipboard"],
                                 value=example_image(), height=320, image_mode=None)
                example_btn = tr.make(gr.Button, {"value": "dream.example"}, size="sm")
                example_btn.click(lambda: example_image(), None, source, api_visibility="private")
                with gr.Row():
                    run_btn = tr.make(gr.Button, {"value": "dream.run"}, variant="primary",
                                      elem_classes=tab_kit.MAIN_ACTION)
                    stop_btn = tr.make(gr.Button, {"value": "common.stop"}, variant="stop")
                    compare_btn = tr.make(gr.Button, {"value": "dream.compare"})
            with gr.Column(scale=3):
                backbone, note, layers = _backbone_and_layers(ctx, service, available, start_backbone)
                octaves, scale, steps, step_size, max_loss, max_side = _settings(tr, default_side)
        progress_md = gr.Markdown()
        with gr.Row():
            output = tr.make(gr.Image, {"label": "dream.output"}, type="numpy", format="png", interactive=False,
                             height=480, elem_id="dream-output")
            gif = tr.make(gr.File, {"label": "dream.gif"}, interactive=False, height=80)
        compare = tr.make(gr.Image, {"label": "dream.compare_out"}, type="numpy", format="png", interactive=False)

    inputs = [source, backbone, layers, octaves, scale, steps, step_size, max_loss, max_side]
    run_btn.click(_dream_stream(ctx, service), [lang, *inputs], [output, progress_md, gif], api_name="dream",
                  concurrency_limit=1, concurrency_id=tab_kit.PHOTO_QUEUE)

    def stop(request: gr.Request):
        ctx.jobs.cancel(request.session_hash)

    stop_btn.click(stop, None, None, queue=False, api_name="dream_stop", api_visibility="undocumented")

    @guarded
    def compare_layers(picture, name, spec, n_octaves, octave_scale, n_steps, size, loss_cap, side):
        rgb = service.prepare(picture, side)
        dreams = []
        for layer_map in (LOW_LAYERS[name], service.parse_layers(spec, service.layer_names(name))):
            settings = settings_of(layer_map, n_octaves, octave_scale, n_steps, size, loss_cap)
            *_, last = service.dream(rgb, name, layer_map, settings)
            dreams.append(last.image)
        gap = np.full((dreams[0].shape[0], 8, 3), 255, np.uint8)
        params = {"backbone": name, "low_layers": LOW_LAYERS[name], "layers": spec, "octaves": int(n_octaves),
                  "octave_scale": float(octave_scale), "steps": int(n_steps), "step_size": float(size),
                  "max_loss": float(loss_cap), "side": int(side)}
        return exports.stamp(np.concatenate([dreams[0], gap, dreams[1]], axis=1), "deepdream.compare", params,
                             models_of(name), uploads={"input": rgb})

    compare_btn.click(compare_layers, inputs, compare, api_name="dream_compare", concurrency_limit=1,
                      concurrency_id=tab_kit.PHOTO_QUEUE)

    # A link to a dream opens here with its settings; its result comes back when its input was the example.
    exports.rerun_from_examples("deepdream", lambda params: dream_of_example(service, params))

    def linked_dream(lang, **params):
        picture = dream_of_example(service, params)
        return picture, text("recipe.from_link", lang) + "\n\n" + exports.line_of(picture)

    ctx.link(
        "deepdream", "deepdream", {"backbone": backbone, "layers": layers, "octaves": octaves, "octave_scale": scale,
                                   "steps": steps, "step_size": step_size, "max_loss": max_loss, "side": max_side},
        [output, progress_md], linked_dream, convert={"layers": _spec, "max_loss": lambda v: v or 0})

    def refresh(lang, name):
        return (backbone_note(service, lang), *ready_example(lang))

    return [tab_kit.TabRefresh(refresh, [lang, backbone], [note, output, progress_md])]


def _warm_up(service, backbone: str) -> None:
    """Load the backbone and trace its step (shape-generic) with a 3-step dream."""
    rgb = service.prepare(example_image(), 128)
    layer_map = DEFAULT_LAYERS[backbone]
    for _ in service.dream(rgb, backbone, layer_map, DreamSettings(layers=layer_map, octaves=1, steps=3)):
        pass


def _backbone_and_layers(ctx: TabContext, service, available: list[str], start_backbone: str):
    """The backbone (with InceptionV3's download button), the note under it and the layers to dream on,
    which follow the backbone; (backbone, note, layers)."""
    tr = ctx.tr
    with gr.Row():
        backbone = tr.make(gr.Radio, {"label": "dream.backbone"}, choices=available or [MOBILENET],
                           value=start_backbone)
        download_btn = tr.make(gr.Button, {"value": "dream.download"}, size="sm", visible=INCEPTION not in available)
    note = gr.Markdown()
    layers = tr.make(gr.Textbox, {"label": "dream.layers", "info": "dream.layers_info"},
                     value=_spec(DEFAULT_LAYERS[start_backbone]), max_lines=2)

    @guarded
    def switch_backbone(lang, name):
        return _spec(DEFAULT_LAYERS[name]), backbone_note(service, lang)

    @guarded
    def download(lang):
        path = service.download_inception()
        gr.Info(text("dream.downloaded", lang, path=path))
        choices = service.available()
        return gr.update(choices=choices, value=INCEPTION), gr.update(visible=False), backbone_note(service, lang)

    backbone.change(switch_backbone, [ctx.lang, backbone], [layers, note], api_visibility="private")
    download_btn.click(download, [ctx.lang], [backbone, download_btn, note], api_name="dream_download_inception")
    return backbone, note, layers


def _settings(tr, default_side: int):
    """The dream's sliders: (octaves, octave scale, steps, step size, loss cap, working size)."""
    with gr.Row():
        octaves = tr.make(gr.Slider, {"label": "dream.octaves"}, minimum=1, maximum=5, step=1, value=3)
        scale = tr.make(gr.Slider, {"label": "dream.scale"}, minimum=1.1, maximum=2.0, step=0.05, value=1.4)
        steps = tr.make(gr.Slider, {"label": "dream.steps"}, minimum=1, maximum=100, step=1, value=30)
    with gr.Row():
        step_size = tr.make(gr.Slider, {"label": "dream.step_size"}, minimum=1, maximum=100, step=1, value=20)
        max_loss = tr.make(gr.Slider, {"label": "dream.max_loss"}, minimum=0, maximum=50, step=1, value=15)
        max_side = tr.make(gr.Slider, {"label": "dream.max_side"}, minimum=128, maximum=1024, step=32,
                           value=default_side)
    return octaves, scale, steps, step_size, max_loss, max_side


def _dream_stream(ctx: TabContext, service):
    """The Run button's handler: the dream streamed octave by octave (Stop keeps the current frame); the
    finished picture and its GIF carry the recipe, the input picture by its sha256."""
    jobs = ctx.jobs

    @guarded
    def dream_stream(lang, picture, name, spec, n_octaves, octave_scale, n_steps, size, loss_cap, side,
                     request: gr.Request):
        rgb = service.prepare(picture, side)
        layer_map = service.parse_layers(spec, service.layer_names(name))
        settings = settings_of(layer_map, n_octaves, octave_scale, n_steps, size, loss_cap)
        token = jobs.start(request.session_hash)
        frames, started = [], time.perf_counter()
        try:
            yield rgb, text("train.starting", lang), None
            for update in service.dream(rgb, name, layer_map, settings, token):
                frames.append(update.image)
                yield update.image, f"**{update.fraction:.0%}** · {update.message}", gr.skip()
            done = not token.cancelled
            final = text("dream.done", lang, seconds=time.perf_counter() - started) if done else \
                text("dream.stopped", lang)
            params = {"backbone": name, "layers": layer_map, "octaves": settings.octaves,
                      "octave_scale": settings.octave_scale, "steps": settings.steps,
                      "step_size": settings.step_size, "max_loss": settings.max_loss, "side": int(side),
                      "stopped": not done}
            picture = exports.stamp(frames[-1], "deepdream", params, models_of(name), uploads={"input": rgb})
            yield picture, final + "\n\n" + exports.line_of(picture), exports.gif(frames, "dream", picture)
        finally:
            jobs.finish(request.session_hash, token)

    return dream_stream


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, DeepDreamService())
