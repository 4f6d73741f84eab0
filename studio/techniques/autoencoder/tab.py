"""The autoencoder tab (Programs 10-2(a), 10-2(b), 10-3; lecture 003): widgets and events only."""

from __future__ import annotations

import re

import gradio as gr
import numpy as np

from studio.checks import UserError, quoted
from studio.media.imaging import to_mnist_digit
from studio.techniques.autoencoder.service import AutoencoderService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.panels.training_panel import variants_training_panel

VARIANT_CHOICES = [("zdim 32 (10-2(a))", "z32"), ("zdim 2 (10-3)", "z2"), ("denoise, conv", "denoise"),
                   ("denoise, dense (003)", "denoise_dense")]
MAX_INDEX = 999


def parse_indices(spec: str, limit: int = MAX_INDEX) -> list[int]:
    """"0-3, 7" -> [0, 1, 2, 3, 7]; a clear error for anything else."""
    spec = (spec or "").strip()
    if not spec:
        return []
    if len(spec) > 200:  # 20 digits at most: anything longer is a paste gone wrong
        raise UserError(f"That list of digits is too long ({len(spec):,} characters); write e.g. 0-9, 15.")
    indices: list[int] = []
    for part in re.split(r"[,\s]+", spec):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise UserError(f"{quoted(part)} is not an index or a range like 0-9.")
        start, end = int(match[1]), int(match[2] or match[1])
        if end < start or end > limit:
            raise UserError(f"{quoted(part)} is outside the shipped test digits 0-{limit}.")
        indices.extend(range(start, end + 1))
    if len(indices) > 20:
        raise UserError("Show at most 20 digits at once.")
    return indices


def sketch_to_digit(sketch) -> np.ndarray | None:
    """The sketchpad's value (a dict with a 'composite' image, or None) -> an MNIST digit, or None if blank."""
    if sketch is None:
        return None
    image = sketch.get("composite") if isinstance(sketch, dict) else sketch
    if image is None:
        return None
    try:
        return to_mnist_digit(np.asarray(image))
    except ValueError:
        return None  # an untouched canvas: nothing to add


def status_text(service, lang: str, variant: str) -> str:
    """Which weights ``variant`` uses and the error they measured."""
    status = service.status(variant)
    source = text("common.user" if status["source"] == "user" else "common.shipped", lang)
    mse = status["metrics"].get("denoise_mse", status["metrics"].get("test_mse", float("nan")))
    return text("ae.status", lang, variant=variant, source=source, command=status["command"],
                created=status["created"], mse=f"{mse:.5f}")


def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is an AutoencoderService (``ctx.quality`` judges the digits)."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "ae.tab"}, id="autoencoder"):
        tr.make(gr.Markdown, {"value": "ae.intro"})
        # each sub-tab gives back its part of the page's refresh; a link to its results opens on it
        with gr.Tabs() as sub_tabs:
            parts = [make(ctx, service, sub_tabs) for make in (_reconstruction_subtab, _walk_subtab,
                                                               _interpolation_subtab, _map_subtab, _denoise_subtab)]
        panel = None
        if ctx.allow_training:
            panel = variants_training_panel(
                ctx, service, lambda lang, variant: status_text(service, lang, variant), api_prefix="ae",
                intro_key="ae.train_intro", default_epochs=5, max_epochs=30,
                make_choice=lambda: tr.make(gr.Radio, {"label": "ae.variant"}, choices=VARIANT_CHOICES, value="z32"))

    refresh = tab_kit.combined(*parts)
    if panel is not None:  # new weights: every sub-tab drawn again
        panel.finished.then(refresh.fn, refresh.inputs, refresh.outputs, api_visibility="private")
        panel.switched.then(refresh.fn, refresh.inputs, refresh.outputs, api_visibility="private")
    return [refresh]


def _reconstruction_subtab(ctx: TabContext, service, sub_tabs):
    """Test digits, or a drawing, and their zdim-32 reconstructions (Program 10-2(a)); its refresh part."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "ae.recon_tab"}, id="ae-recon"):
        with gr.Row():
            with gr.Column(scale=2):
                indices = tr.make(gr.Textbox, {"label": "ae.indices"}, value="0-9", max_lines=1)
                recon_btn = tr.make(gr.Button, {"value": "ae.reconstruct"}, variant="primary",
                                    elem_classes=tab_kit.MAIN_ACTION)
            sketch = tr.make(gr.Sketchpad, {"label": "ae.sketch"}, type="numpy", image_mode="RGBA",
                             sources=["upload"], canvas_size=(280, 280), height=300, scale=1, layers=False,
                             brush=gr.Brush(colors=["#000000"], default_size=18, color_mode="fixed"))
        recon = tr.make(gr.Image, {"label": "ae.recon_out"}, type="numpy", format="png", interactive=False)
        recon_md = gr.Markdown()

    # The pictures a student may download carry their recipe (studio.ui.kit.exports).
    @exports.reproducible("ae.reconstruct", models=["samples", "autoencoder_z32"])
    def reconstruct_picture(indices):
        return service.reconstruct(parse_indices(indices))

    @guarded
    def reconstruct(lang, spec, sketch):
        drawn = sketch_to_digit(sketch)
        if drawn is None:
            picture, errors = reconstruct_picture(spec)
        else:  # a drawing is recorded by its sha256; it cannot be re-run from the recipe alone
            array, errors = service.reconstruct(parse_indices(spec), drawn)
            picture = exports.stamp(array, "ae.reconstruct_drawing", {"indices": spec},
                                    ["samples", "autoencoder_z32"], uploads={"drawing": drawn})
        test = service.metadata("z32")["metrics"]["test_mse"]
        values = " · ".join(f"{e:.4f}" for e in errors)
        return picture, text("ae.recon_mse", lang, values=values, mean=float(np.mean(errors)), test=test) + \
            "\n\n" + exports.line_of(picture)

    inputs, outputs = [lang, indices, sketch], [recon, recon_md]
    gr.on([recon_btn.click, indices.submit], reconstruct, inputs, outputs, api_name="ae_reconstruct")
    # A link to test digits' reconstructions opens here (one of a drawing needs the drawing: no link).
    ctx.link("ae.reconstruct", "autoencoder", {"indices": indices}, outputs,
             lambda lang, indices: reconstruct(lang, indices, None),
             sub_tabs=sub_tabs, sub_tab="ae-recon")
    return reconstruct, inputs, outputs


def _walk_subtab(ctx: TabContext, service, sub_tabs):
    """Experiment 1 of Program 10-2(b): noise added to one digit's code, judged; its refresh part."""
    tr, lang, quality = ctx.tr, ctx.lang, ctx.quality
    with tr.make(gr.Tab, {"label": "ae.walk_tab"}, id="ae-walk"):
        tr.make(gr.Markdown, {"value": "ae.walk_intro"})
        with gr.Row():
            walk_index = tr.make(gr.Number, {"label": "ae.index"}, value=0, precision=0, minimum=0, maximum=MAX_INDEX)
            scale = tr.make(gr.Slider, {"label": "ae.scale"}, minimum=0.0, maximum=3.0, step=0.05, value=1.0)
            walk_btn = tr.make(gr.Button, {"value": "ae.walk_btn"}, variant="primary")
        walk = tr.make(gr.Image, {"label": "ae.walk_out"}, type="numpy", format="png", interactive=False)
        walk_md = gr.Markdown()

    # ``lang`` words the captions: recipes made before it existed draw in English, as they did.
    @exports.reproducible("ae.noise_walk", models=["samples", "autoencoder_z32"])
    def noise_walk_picture(index, scale, lang="en"):
        return service.noise_walk(index, scale, lang=lang)

    def walk_judgement(lang, index, frames, noises) -> str:
        try:
            label = service.label(index)
            judged = quality.assess("mnist", frames, label).judged
        except Exception as exc:  # noqa: BLE001 - the readout is optional; the pictures are not
            return text("judge.unavailable", lang, reason=str(exc))
        near = np.abs(noises) <= 0.3 + 1e-9
        hits = judged == label
        return text("ae.walk_judge", lang, hits=int(hits.sum()), name=str(label), near=int(hits[near].sum()),
                    near_n=int(near.sum()), far=int(hits[~near].sum()), far_n=int((~near).sum()))

    @guarded
    def noise_walk(lang, index, scale):
        picture, frames = noise_walk_picture(index, scale, lang)
        noises = (np.arange(20) - 10) / 10 * float(scale)
        return picture, walk_judgement(lang, index, frames, noises) + "\n\n" + exports.line_of(picture)

    inputs, outputs = [lang, walk_index, scale], [walk, walk_md]
    walk_btn.click(noise_walk, inputs, outputs, api_name="ae_noise_walk")
    gr.on([scale.release, walk_index.submit, walk_index.blur], noise_walk, inputs, outputs, show_progress="minimal",
          api_visibility="private")
    # The link's "lang" (the language of its picture's captions) gives way to the page's own.
    ctx.link("ae.noise_walk", "autoencoder", {"index": walk_index, "scale": scale}, outputs,
             lambda page_lang, index, scale, lang="en": noise_walk(page_lang, index, scale),
             sub_tabs=sub_tabs, sub_tab="ae-walk")
    return noise_walk, inputs, outputs


def _interpolation_subtab(ctx: TabContext, service, sub_tabs):
    """Experiment 2 of Program 10-2(b): the line between two digits' codes, judged, and its GIF; its
    refresh part."""
    tr, lang, quality = ctx.tr, ctx.lang, ctx.quality
    with tr.make(gr.Tab, {"label": "ae.interp_tab"}, id="ae-interp"):
        tr.make(gr.Markdown, {"value": "ae.interp_intro"})
        with gr.Row():
            index_a = tr.make(gr.Number, {"label": "ae.index_a"}, value=4, precision=0, minimum=0, maximum=MAX_INDEX)
            index_b = tr.make(gr.Number, {"label": "ae.index_b"}, value=6, precision=0, minimum=0, maximum=MAX_INDEX)
            interp_btn = tr.make(gr.Button, {"value": "ae.interp_btn"}, variant="primary")
        interp = tr.make(gr.Image, {"label": "ae.interp_out"}, type="numpy", format="png", interactive=False)
        with gr.Row():
            interp_md = gr.Markdown()
            gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)

    @exports.reproducible("ae.interpolate", models=["samples", "autoencoder_z32"])
    def interpolation_picture(a, b):
        return service.interpolation(a, b)

    @guarded
    def interpolation(lang, a, b):
        picture, frames = interpolation_picture(a, b)
        try:
            judged = quality.assess("mnist", frames).judged
            note = text("ae.interp_judge", lang, classes=" ".join(str(int(k)) for k in judged))
        except Exception as exc:  # noqa: BLE001
            note = text("judge.unavailable", lang, reason=str(exc))
        gif = exports.gif(frames, f"interpolation_{int(a)}_{int(b)}", picture, duration_ms=150, scale=4)
        return picture, note + "\n\n" + exports.line_of(picture), gif

    inputs, outputs = [lang, index_a, index_b], [interp, interp_md, gif]
    gr.on([interp_btn.click, index_a.submit, index_a.blur, index_b.submit, index_b.blur], interpolation, inputs,
          outputs, api_name="ae_interpolate")
    ctx.link("ae.interpolate", "autoencoder", {"a": index_a, "b": index_b}, outputs,
             lambda lang, a, b: interpolation(lang, a, b), sub_tabs=sub_tabs, sub_tab="ae-interp")
    return interpolation, inputs, outputs


def _map_subtab(ctx: TabContext, service, sub_tabs):
    """The 2-D latent map of Program 10-3: a click or the sliders decode a point; its refresh part."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "ae.map_tab"}, id="ae-map"):
        tr.make(gr.Markdown, {"value": "ae.map_intro"})
        with gr.Row():
            with gr.Column(scale=3):
                latent_map = tr.make(gr.Image, {"label": "ae.map"}, type="numpy", format="png", interactive=False,
                                     elem_id="ae-latent-map")
            with gr.Column(scale=2):
                map_n = tr.make(gr.Slider, {"label": "ae.map_n"}, minimum=10, maximum=1000, step=10, value=1000)
                z1 = gr.Slider(-10, 10, value=0.0, step=0.01, label="z1")
                z2 = gr.Slider(-10, 10, value=0.0, step=0.01, label="z2")
                decoded = tr.make(gr.Image, {"label": "ae.decoded"}, type="numpy", format="png", interactive=False,
                                  height=200)

    @exports.reproducible("ae.map", models=["samples", "autoencoder_z2"])
    def map_picture(n, z1, z2):
        return service.latent_map(n, (z1, z2))[0]

    @exports.reproducible("ae.decode", models=["autoencoder_z2"])
    def point_picture(z1, z2):
        return service.decode_point(z1, z2)

    # The point first, the map last: a class follows the lecturer's last result, the map with its point.
    @guarded
    def show_map(n, z1v, z2v):
        point = point_picture(z1v, z2v)
        return map_picture(n, z1v, z2v), point

    @guarded
    def click_map(n, evt: gr.SelectData):
        _, frame = service.latent_map(n, None)
        zx, zy = (round(v, 2) for v in frame.to_data(*evt.index))
        point = point_picture(zx, zy)
        return map_picture(n, zx, zy), zx, zy, point

    inputs, outputs = [map_n, z1, z2], [latent_map, decoded]
    gr.on([z1.release, z2.release], show_map, inputs, outputs, api_visibility="private", show_progress="hidden")
    map_n.release(show_map, inputs, outputs, api_name="ae_map", show_progress="minimal")
    latent_map.select(click_map, [map_n], [latent_map, z1, z2, decoded], api_visibility="private",
                      show_progress="hidden")
    ctx.link("ae.map", "autoencoder", {"n": map_n, "z1": z1, "z2": z2}, outputs,
             lambda lang, n, z1, z2: show_map(n, z1, z2), sub_tabs=sub_tabs, sub_tab="ae-map")
    ctx.link("ae.decode", "autoencoder", {"z1": z1, "z2": z2}, [decoded],
             guarded(lambda lang, z1, z2: point_picture(z1, z2)), sub_tabs=sub_tabs,
             sub_tab="ae-map")
    return show_map, inputs, outputs


def _denoise_subtab(ctx: TabContext, service, sub_tabs):
    """Noisy test digits cleaned by the conv and the dense denoiser (lecture 003); its refresh part."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "ae.denoise_tab"}, id="ae-denoise"):
        tr.make(gr.Markdown, {"value": "ae.denoise_intro"})
        with gr.Row():
            noise = tr.make(gr.Slider, {"label": "ae.noise"}, minimum=0.0, maximum=1.5, step=0.05, value=0.55)
            noise_seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
            denoise_idx = tr.make(gr.Textbox, {"label": "ae.indices"}, value="0-9", max_lines=1)
            denoise_btn = tr.make(gr.Button, {"value": "ae.denoise"}, variant="primary")
        denoised = tr.make(gr.Image, {"label": "ae.denoise_out"}, type="numpy", format="png", interactive=False)
        denoise_md = gr.Markdown()

    @exports.reproducible("ae.denoise", models=["samples", "autoencoder_denoise", "autoencoder_denoise_dense"])
    def denoise_picture(indices, noise_factor, seed):
        return service.denoise(parse_indices(indices), noise_factor, seed)

    @guarded
    def denoise(lang, factor, seed, spec):
        picture, errors = denoise_picture(spec, factor, seed)
        best = text("ae.conv" if errors["conv"] <= errors["dense"] else "ae.dense", lang)
        return picture, text("ae.denoise_mse", lang, best=best, **errors) + "\n\n" + exports.line_of(picture)

    inputs, outputs = [lang, noise, noise_seed, denoise_idx], [denoised, denoise_md]
    gr.on([denoise_btn.click, noise.release], denoise, inputs, outputs, api_name="ae_denoise")
    ctx.link("ae.denoise", "autoencoder", {"indices": denoise_idx, "noise_factor": noise,
                                           "seed": noise_seed}, outputs,
             lambda lang, indices, noise_factor, seed: denoise(lang, noise_factor, seed, indices),
             sub_tabs=sub_tabs, sub_tab="ae-denoise")
    return denoise, inputs, outputs


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, ctx.service(AutoencoderService))  # shared with the VAE tab
