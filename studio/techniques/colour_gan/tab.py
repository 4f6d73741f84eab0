"""The colour DCGAN's sub-tab of the GAN tab (Deep Learning with Python 12.5): widgets and events only.

Its declaration names the GAN tab as its parent; the sub-tab is built only when colour weights are
installed (``ColourGANService.available()``).
"""

from __future__ import annotations

import gradio as gr

from studio.media import openmoji
from studio.techniques.colour_gan.service import (
    MAX_ROUNDS,
    MAX_SAMPLES,
    ColourGANService,
)
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import SubTabs, TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.panels.training_panel import TrainingHooks, TrainingPanel, create_training_panel



def describe(lang: str, info: dict) -> str:
    """Which network and weights are in use, on what data, and what they measured."""
    m = info["metrics"]
    source = text("common.user" if info["source"] == "user" else "common.shipped", lang)
    network = text("colour.network_book" if info["network"] == "book" else "colour.network_cpu", lang,
                   widths=info["widths"])
    data = text("colour.data_emoji" if info["data"] == "openmoji_faces" else "colour.data_own", lang,
                count=info["train_images"])
    lines = [text("colour.status", lang, source=source, network=network, data=data, command=info["command"],
                  created=info["created"])]
    if "fid" in m:
        lines.append(text("colour.measured", lang, fid=m["fid"], floor=m.get("fid_real_floor", "?"),
                          samples=m.get("samples", "?"), nn=m.get("nearest_train_distance", "?"),
                          real_nn=m.get("test_faces_nearest_train_distance", "?")))
    elif "nearest_train_distance" in m:
        lines.append(text("colour.measured_own", lang, nn=m["nearest_train_distance"]))
    return "\n\n".join(lines)


def create_part(ctx: TabContext, service, parent: SubTabs) -> list[tab_kit.TabRefresh]:
    """Build the colour sub-tab inside its parent's ``gr.Tabs`` (``parent``, where a link to its pictures
    opens); ``service`` is a ColourGANService."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "colour.tab"}, id="gan-colour"):
        tr.make(gr.Markdown, {"value": "colour.intro"})
        with gr.Row():
            count = tr.make(gr.Slider, {"label": "colour.count"}, minimum=1, maximum=MAX_SAMPLES, step=1, value=32)
            seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0,
                           elem_id="colour-seed")
            sample_btn = tr.make(gr.Button, {"value": "gan.sample_btn"}, variant="primary",
                                 elem_classes=tab_kit.MAIN_ACTION, elem_id="colour-sample")
        grid = tr.make(gr.Image, {"label": "colour.grid"}, type="numpy", format="png", interactive=False,
                       elem_id="colour-grid")
        grid_md = gr.Markdown()
        with tr.make(gr.Accordion, {"label": "colour.nn"}, open=False):
            tr.make(gr.Markdown, {"value": "colour.nn_intro"})
            with gr.Row():
                nn_count = tr.make(gr.Slider, {"label": "gan.nn_count"}, minimum=1, maximum=16, step=1, value=8)
                nn_btn = tr.make(gr.Button, {"value": "gan.nn_btn"}, variant="primary")
            nn_picture = tr.make(gr.Image, {"label": "gan.nn_out"}, type="numpy", format="png", interactive=False)
        gr.Markdown(openmoji.CREDIT)
        panel = _training_panel(ctx, service) if ctx.allow_training else None
        status = tab_kit.about_weights(tr)

    @exports.reproducible("gan.colour_samples", models=("gan_colour",))
    def samples_picture(n, seed):
        return service.samples(n, seed)

    @guarded
    def sample(n, seed):
        picture = samples_picture(n, seed)
        return picture, exports.line_of(picture)

    sample_btn.click(sample, [count, seed], [grid, grid_md], api_name="colour_samples", **tab_kit.SAMPLER)
    gr.on([count.release, seed.submit], sample, [count, seed], [grid, grid_md], **tab_kit.SAMPLER, **tab_kit.HIDDEN)
    ctx.link("gan.colour_samples", parent.tab, {"n": count, "seed": seed}, [grid, grid_md],
             lambda lang, n, seed: sample(n, seed), sub_tabs=parent.tabs, sub_tab="gan-colour")

    @exports.reproducible("gan.colour_nearest", models=("gan_colour",))
    def nearest_picture(n, seed):
        return service.nearest(n, seed)

    @guarded
    def nearest(n, seed):
        return nearest_picture(n, seed)

    nn_btn.click(nearest, [nn_count, seed], nn_picture, api_name="colour_nearest")
    ctx.link("gan.colour_nearest", parent.tab, {"n": nn_count, "seed": seed}, [nn_picture],
             lambda lang, n, seed: nearest(n, seed), sub_tabs=parent.tabs, sub_tab="gan-colour")

    @guarded
    def refresh(lang, n, seed_value):
        return (describe(lang, service.status()), *sample(n, seed_value))

    refresh_inputs = [ctx.lang, count, seed]
    refresh_outputs = [status, grid, grid_md]
    if panel is not None:
        for event in (panel.finished, panel.switched):
            event.then(refresh, refresh_inputs, refresh_outputs, **tab_kit.HIDDEN)
    return [tab_kit.TabRefresh(refresh, refresh_inputs, refresh_outputs)]


def _training_panel(ctx: TabContext, service) -> TrainingPanel:
    """Train the CPU variant from scratch on a student's own pictures (a .zip or several files)."""
    def upload():
        return ctx.tr.make(gr.File, {"label": "colour.upload"}, file_count="multiple", type="filepath",
                           file_types=[".zip", "image"], height=120)

    hooks = TrainingHooks(job=lambda r: service.training_job(r.choice, r.epochs, r.keep_on_stop),
                          status=lambda lang, _: describe(lang, service.status()),
                          use_shipped=lambda _: service.use_shipped())
    return create_training_panel(ctx, hooks, api_prefix="colour", intro_key="colour.train_intro", default_epochs=20,
                                 max_epochs=MAX_ROUNDS, make_choice=upload, epochs_key="gan.rounds")


def build(ctx: TabContext, parent: SubTabs) -> list[tab_kit.TabRefresh]:
    """The sub-tab with its service, inside ``parent`` (what the declaration names: ``Technique.tab``);
    nothing without colour weights."""
    service = ColourGANService()
    return create_part(ctx, service, parent) if service.available() else []
