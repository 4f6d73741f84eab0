"""The VAE tab (Keras book 12.4): widgets and events only."""

from __future__ import annotations

import gradio as gr

from studio.techniques.autoencoder.service import (
    AutoencoderService,  # the VAE is compared with them
)
from studio.techniques.vae.service import VAEService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.kit.quality_text import readout_text
from studio.ui.panels.training_panel import TrainingHooks, create_training_panel

DIGITS = [str(d) for d in range(10)]


def status_text(service, lang: str) -> str:
    """Which weights the VAE uses and its test losses."""
    status = service.status()
    m = status["metrics"]
    source = text("common.user" if status["source"] == "user" else "common.shipped", lang)
    return text("vae.status", lang, source=source, command=status["command"], created=status["created"],
                loss=m.get("test_total_loss", "?"), rec=m.get("test_reconstruction_loss", "?"),
                kl=m.get("test_kl_loss", "?"))


def create_tab(ctx: TabContext, service, autoencoders) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a VAEService, ``autoencoders`` the AutoencoderService (for GIFs)."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "vae.tab"}, id="vae"):
        tr.make(gr.Markdown, {"value": "vae.intro"})
        # each sub-tab gives back its parts of the page's refresh; a link to its results opens on it
        with gr.Tabs() as sub_tabs:
            grid_part, window = _grid_subtab(ctx, service, sub_tabs)
            map_part = _map_subtab(ctx, service, window, sub_tabs)
            walk_parts = _walk_subtab(ctx, service, sub_tabs)
            prior_part, judge = _prior_subtab(ctx, service, sub_tabs)
        panel = None
        if ctx.allow_training:
            hooks = TrainingHooks(job=lambda r: service.training_job(r.epochs, r.keep_on_stop),
                                  status=lambda lang, _: status_text(service, lang),
                                  use_shipped=lambda _: service.use_shipped())
            panel = create_training_panel(ctx, hooks, api_prefix="vae", intro_key="vae.train_intro", default_epochs=30,
                                          max_epochs=100)

    refresh = tab_kit.combined(grid_part, map_part, *walk_parts, prior_part)
    if panel is not None:  # new weights: every sub-tab drawn again, then the samples judged
        for event in (panel.finished, panel.switched):
            event.then(refresh.fn, refresh.inputs, refresh.outputs, api_visibility="private").then(
                *judge, api_visibility="private")
    refresh.followups = [judge]
    return [refresh]


def _grid_subtab(ctx: TabContext, service, sub_tabs):
    """The book's grid of decoded latent points; (its refresh part, the window's controls)."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "vae.grid_tab"}, id="vae-grid"):
        with gr.Row():
            grid_n = tr.make(gr.Slider, {"label": "vae.grid_n"}, minimum=2, maximum=40, step=1, value=30)
            low = tr.make(gr.Number, {"label": "vae.low"}, value=-1.0, step=0.1)
            high = tr.make(gr.Number, {"label": "vae.high"}, value=1.0, step=0.1)
            quantiles = tr.make(gr.Checkbox, {"label": "vae.quantiles", "info": "vae.quantiles_info"},
                                value=False, elem_id="vae-quantiles")
        grid = tr.make(gr.Image, {"label": "vae.grid"}, type="numpy", format="png", interactive=False,
                       height=560, elem_id="vae-grid")
        grid_md = gr.Markdown()

    # The pictures a student may download carry their recipe (studio.ui.kit.exports).
    @exports.reproducible("vae.grid", models=["vae"])
    def grid_picture(n, low, high, quantiles):
        return service.remembered_grid(n, low, high, quantiles)

    @guarded
    def draw_grid(lang, n, lo, hi, q):
        picture, ms = grid_picture(n, lo, hi, q)
        return picture, text("vae.grid_time", lang, n=int(n), count=int(n) ** 2, ms=ms) + "\n\n" + \
            exports.line_of(picture)

    inputs, outputs = [lang, grid_n, low, high, quantiles], [grid, grid_md]
    ctx.link("vae.grid", "vae", {"n": grid_n, "low": low, "high": high, "quantiles": quantiles},
             outputs, lambda lang, n, low, high, quantiles: draw_grid(lang, n, low, high, quantiles),
             sub_tabs=sub_tabs, sub_tab="vae-grid")
    grid_n.release(draw_grid, inputs, outputs, api_name="vae_grid", show_progress="minimal")
    gr.on([low.submit, low.blur, high.submit, high.blur, quantiles.input], draw_grid, inputs, outputs,
          api_visibility="private")
    return (draw_grid, inputs, outputs), (grid_n, low, high, quantiles)


def _map_subtab(ctx: TabContext, service, window_controls, sub_tabs):
    """The 2-D latent map with the grid's window outlined: a click or the sliders decode a point; its
    refresh part. ``window_controls`` are the grid's (n, low, high, quantiles)."""
    tr = ctx.tr
    grid_n, low, high, quantiles = window_controls
    with tr.make(gr.Tab, {"label": "vae.map_tab"}, id="vae-map"):
        tr.make(gr.Markdown, {"value": "vae.map_intro"})
        with gr.Row():
            with gr.Column(scale=3):
                latent_map = gr.Image(type="numpy", format="png", interactive=False, show_label=False)
            with gr.Column(scale=2):
                z1 = gr.Slider(-4, 4, value=0.0, step=0.01, label="z1")
                z2 = gr.Slider(-4, 4, value=0.0, step=0.01, label="z2")
                decoded = gr.Image(type="numpy", format="png", interactive=False, height=200, show_label=False)

    def window(n, lo, hi, q):
        grid_x, grid_y = service.grid_window(n, lo, hi, q)
        return (float(grid_x[0]), float(grid_x[-1])), (float(grid_y[0]), float(grid_y[-1]))

    @exports.reproducible("vae.map", models=["samples", "vae"])
    def map_picture(n, low, high, quantiles, z1, z2):
        return service.latent_map(window(n, low, high, quantiles), (z1, z2))[0]

    @exports.reproducible("vae.decode", models=["vae"])
    def point_picture(z1, z2):
        return service.decode_point(z1, z2)

    # The point first, the map last: a class follows the lecturer's last result, the map with its point.
    @guarded
    def draw_map(n, lo, hi, q, z1v, z2v):
        point = point_picture(z1v, z2v)
        return map_picture(n, lo, hi, q, z1v, z2v), point

    @guarded
    def click_map(n, lo, hi, q, evt: gr.SelectData):
        _, frame = service.latent_map(None, None)
        zx, zy = (round(v, 2) for v in frame.to_data(*evt.index))
        point = point_picture(zx, zy)
        return map_picture(n, lo, hi, q, zx, zy), zx, zy, point

    inputs, outputs = [*window_controls, z1, z2], [latent_map, decoded]
    # The map outlines the grid's window, so it follows the grid's controls too.
    gr.on([grid_n.release, quantiles.input], draw_map, inputs, outputs, api_visibility="private")
    gr.on([z1.release, z2.release], draw_map, inputs, outputs, show_progress="hidden", api_name="vae_map")
    latent_map.select(click_map, list(window_controls), [latent_map, z1, z2, decoded], show_progress="hidden",
                      api_visibility="private")
    # A link to a map opens here, with the grid's window (on the grid's sub-tab) and the point in the controls.
    ctx.link("vae.map", "vae", {"n": grid_n, "low": low, "high": high, "quantiles": quantiles,
                                "z1": z1, "z2": z2}, outputs,
             lambda lang, n, low, high, quantiles, z1, z2: draw_map(n, low, high, quantiles, z1, z2),
             sub_tabs=sub_tabs, sub_tab="vae-map")
    ctx.link("vae.decode", "vae", {"z1": z1, "z2": z2}, [decoded],
             guarded(lambda lang, z1, z2: point_picture(z1, z2)), sub_tabs=sub_tabs,
             sub_tab="vae-map")
    return draw_map, inputs, outputs


def _walk_subtab(ctx: TabContext, service, sub_tabs):
    """A walk between two digits (beside the autoencoder's), and a concept vector added to a digit;
    its two refresh parts."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "vae.walk_tab"}, id="vae-walk"):
        with gr.Row():
            index_a = tr.make(gr.Number, {"label": "ae.index_a"}, value=4, precision=0, minimum=0, maximum=999)
            index_b = tr.make(gr.Number, {"label": "ae.index_b"}, value=6, precision=0, minimum=0, maximum=999)
            walk_btn = tr.make(gr.Button, {"value": "vae.walk_btn"}, variant="primary",
                               elem_classes=tab_kit.MAIN_ACTION)
        walk = tr.make(gr.Image, {"label": "vae.walk_out"}, type="numpy", format="png", interactive=False)
        gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)
        compare = tr.make(gr.Image, {"label": "vae.compare_out"}, type="numpy", format="png", interactive=False)
        tr.make(gr.Markdown, {"value": "vae.compare_note"})
        tr.make(gr.Markdown, {"value": "vae.concept_header"})
        tr.make(gr.Markdown, {"value": "vae.concept_intro"})
        with gr.Row():
            concept_index = tr.make(gr.Number, {"label": "ae.index"}, value=0, precision=0, minimum=0, maximum=999)
            class_from = tr.make(gr.Dropdown, {"label": "vae.class_from"}, choices=DIGITS, value="1")
            class_to = tr.make(gr.Dropdown, {"label": "vae.class_to"}, choices=DIGITS, value="0")
            strength = tr.make(gr.Slider, {"label": "vae.strength"}, minimum=0.0, maximum=3.0, step=0.1, value=1.5)
            concept_btn = tr.make(gr.Button, {"value": "vae.concept_btn"}, variant="primary")
        concept = tr.make(gr.Image, {"label": "vae.concept_out"}, type="numpy", format="png", interactive=False)

    @exports.reproducible("vae.walk", models=["samples", "vae"])
    def walk_picture(a, b):
        return service.walk(a, b)

    @exports.reproducible("vae.compare", models=["samples", "vae", "autoencoder_z2"])
    def compare_picture(a, b):
        return service.compare_with_autoencoder(a, b)

    @exports.reproducible("vae.concept", models=["samples", "vae"])
    def concept_picture(index, class_from, class_to, strength):
        return service.concept_walk(index, int(class_from), int(class_to), strength)[0]

    @guarded
    def walks(a, b):
        picture, frames = walk_picture(a, b)
        gif = exports.gif(frames, f"vae_walk_{int(a)}_{int(b)}", picture, duration_ms=150, scale=4)
        return picture, gif, compare_picture(a, b)

    @guarded
    def concept_walk(index, c_from, c_to, t):
        return concept_picture(index, c_from, c_to, t)

    walk_inputs, walk_outputs = [index_a, index_b], [walk, gif, compare]
    walk_btn.click(walks, walk_inputs, walk_outputs, api_name="vae_walk")
    concept_inputs = [concept_index, class_from, class_to, strength]
    gr.on([concept_btn.click, strength.release], concept_walk, concept_inputs, concept, api_name="vae_concept")
    # A link to the walk or to its comparison (drawn by the same click) opens here with both.
    for recipe in ("vae.walk", "vae.compare"):
        ctx.link(recipe, "vae", {"a": index_a, "b": index_b}, walk_outputs,
                 lambda lang, a, b: walks(a, b), sub_tabs=sub_tabs, sub_tab="vae-walk")
    ctx.link("vae.concept", "vae", {"index": concept_index, "class_from": class_from,
                                    "class_to": class_to, "strength": strength}, [concept],
             lambda lang, index, class_from, class_to, strength: concept_walk(
                 index, class_from, class_to, strength), sub_tabs=sub_tabs, sub_tab="vae-walk")
    return (walks, walk_inputs, walk_outputs), (concept_walk, concept_inputs, [concept])


def _prior_subtab(ctx: TabContext, service, sub_tabs):
    """Samples drawn from the prior, then judged; (its refresh part, the judge's (fn, inputs, outputs))."""
    tr, lang, quality = ctx.tr, ctx.lang, ctx.quality
    with tr.make(gr.Tab, {"label": "vae.prior_tab"}, id="vae-prior"):
        tr.make(gr.Markdown, {"value": "vae.prior_intro"})
        with gr.Row():
            prior_n = tr.make(gr.Slider, {"label": "vae.prior_n"}, minimum=1, maximum=100, step=1, value=50)
            prior_seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
            prior_btn = tr.make(gr.Button, {"value": "vae.prior_btn"}, variant="primary")
        prior = tr.make(gr.Image, {"label": "vae.prior_out"}, type="numpy", format="png", interactive=False)
        prior_md = gr.Markdown()

    @exports.reproducible("vae.prior", models=["vae"])
    def prior_picture(n, seed):
        return service.prior_samples(n, seed)[0]

    @guarded
    def sample_prior(n, seed):
        return prior_picture(n, seed)

    def judge_prior(lang, n, seed):
        try:
            # the model's figures are measured once for everyone; this click only judges its own samples
            return readout_text(service.prior_readout(quality, n, seed), lang) + "\n\n" + \
                exports.line_of(prior_picture.recipe(n, seed))
        except Exception as exc:  # noqa: BLE001 - the readout is optional; the samples are not
            return text("judge.unavailable", lang, reason=str(exc))

    judge = (judge_prior, [lang, prior_n, prior_seed], [prior_md])
    prior_btn.click(sample_prior, [prior_n, prior_seed], prior, api_name="vae_prior").then(
        *judge, api_name="vae_judge", show_progress="minimal")
    ctx.link("vae.prior", "vae", {"n": prior_n, "seed": prior_seed}, [prior],
             lambda lang, n, seed: sample_prior(n, seed), sub_tabs=sub_tabs, sub_tab="vae-prior")
    return (sample_prior, [prior_n, prior_seed], [prior]), judge


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    autoencoders = ctx.service(AutoencoderService)
    return create_tab(ctx, VAEService(autoencoders), autoencoders)
