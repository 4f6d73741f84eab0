"""The cGAN tab (lecture 004): widgets and events only.

The model and its noise scale on top serve three sub-tabs: samples of one digit, the table of every
digit, and a morph between two digits.
"""

from __future__ import annotations

import time

import gradio as gr
import numpy as np

from studio.techniques.cgan.presets import NOISE_SCALE
from studio.techniques.cgan.service import CGANService, checked_bundle
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.kit.results import WallPin
from studio.ui.panels.training_panel import variants_training_panel

DIGITS = [str(d) for d in range(10)]
VARIANT_CHOICES = [("conv (AC-cDCGAN)", "conv"), ("dense (lecture 004)", "dense")]
VARIANTS = [value for _, value in VARIANT_CHOICES]


def _bundles_of(chosen, **_) -> list[str]:
    """The bundle a picture was drawn with. The pictures a student may download carry their recipe
    (studio.ui.kit.exports): a pasted recipe line re-runs the same variant, noise scale, digits and seed,
    byte for byte."""
    return [checked_bundle(chosen)]


def describe(lang: str, chosen: str, status: dict) -> str:
    """Which weights of the ``chosen`` model are in use (``CGANService.status``) and what they measured."""
    m = status["metrics"]
    source = text("common.user" if status["source"] == "user" else "common.shipped", lang)
    agreement = m.get("label_agreement")
    return text("cgan.status", lang, variant=chosen, source=source, command=status["command"],
                created=status["created"], agreement="?" if agreement is None else f"{agreement:.2%}",
                fid=m.get("fid", "?"), scale=m.get("noise_scale", 1.0))


def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a CGANService."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "cgan.tab"}, id="cgan"):
        tr.make(gr.Markdown, {"value": "cgan.intro"})
        with gr.Row():
            variant = tr.make(gr.Radio, {"label": "cgan.variant", "info": "cgan.variant_info"},
                              choices=VARIANT_CHOICES, value="conv")
            scale = tr.make(gr.Slider, {"label": "cgan.scale", "info": "cgan.scale_info"}, minimum=0.0, maximum=2.0,
                            step=0.05, value=NOISE_SCALE)
        with gr.Tabs() as sub_tabs:
            samples, judge_samples = _digit_subtab(ctx, service, variant, scale)
            table, judge_table = _table_subtab(ctx, service, variant, scale, sub_tabs)
            morph = _morph_subtab(ctx, service, variant, scale, sub_tabs)
        panel = _training_panel(ctx, service) if ctx.allow_training else None

    # Another model or noise scale, or new weights: every sub-tab's picture again, then the readouts.
    refresh = tab_kit.combined(samples, table, morph)
    refresh.followups = [judge_samples, judge_table]
    gr.on([variant.input, scale.release], refresh.fn, refresh.inputs, refresh.outputs, **tab_kit.HIDDEN).then(
        *judge_samples, show_progress="minimal", **tab_kit.HIDDEN).then(
        *judge_table, show_progress="minimal", **tab_kit.HIDDEN)
    if panel is not None:
        for event in (panel.finished, panel.switched):
            event.then(refresh.fn, refresh.inputs, refresh.outputs, **tab_kit.HIDDEN).then(
                *judge_samples, **tab_kit.HIDDEN).then(*judge_table, **tab_kit.HIDDEN)
    return [refresh]


def _digit_subtab(ctx: TabContext, service, variant, scale) -> tuple[tuple, tuple]:
    """Samples of the chosen digit and the judge's readout; in a class, each student's first sample on
    the wall. Returns the samples' and the readout's (fn, inputs, outputs)."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "cgan.digit_tab"}):
        with gr.Row():
            digit = tr.make(gr.Radio, {"label": "cgan.digit"}, choices=DIGITS, value="3")
        with gr.Row():
            n = tr.make(gr.Slider, {"label": "cgan.n"}, minimum=1, maximum=100, step=1, value=10)
            seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
            sample_btn = tr.make(gr.Button, {"value": "cgan.sample_btn"}, variant="primary",
                                 elem_classes=tab_kit.MAIN_ACTION)
        samples = tr.make(gr.Image, {"label": "cgan.samples_out"}, type="numpy", format="png", interactive=False)
        samples_md = gr.Markdown()

    result = ctx.result(
        "cgan.samples", lambda chosen, noise_scale, digit, n, seed: service.samples(chosen, digit, n, seed,
                                                                                   noise_scale)[0],
        {"chosen": variant, "noise_scale": scale, "digit": digit, "n": n, "seed": seed}, samples, models=_bundles_of,
        readout=lambda chosen, noise_scale, digit, n, seed: service.readout(ctx.quality, chosen, digit, n, seed,
                                                                           noise_scale),
        readout_to=samples_md,
        pin=WallPin(kept=lambda p: {"chosen": p["chosen"], "noise_scale": p["noise_scale"], "digit": int(p["digit"]),
                                    "seed": int(p["seed"])},
                    caption=lambda p: f"{int(p['digit'])}·{int(p['seed'])}",
                    judged=lambda p: ("mnist", int(p["digit"])),
                    draw=lambda p: service.first_sample(p["chosen"], p["digit"], p["seed"], p["noise_scale"])))
    result.wire(sample_btn, api_name="cgan_samples", redraw_on=[digit.input, n.release, seed.submit],
                readout_api="cgan_judge")
    return (result.drawn, result.inputs, result.outputs), result.judged


def _table_subtab(ctx: TabContext, service, variant, scale, sub_tabs) -> tuple[tuple, tuple]:
    """Every digit in a row of its own, timed, and the judge's reading of each row. Returns the table's
    and the reading's (fn, inputs, outputs)."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "cgan.table_tab"}, id="cgan-table"):
        tr.make(gr.Markdown, {"value": "cgan.table_intro"})
        with gr.Row():
            table_seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
            table_btn = tr.make(gr.Button, {"value": "cgan.table_btn"}, variant="primary")
        table = tr.make(gr.Image, {"label": "cgan.table_out"}, type="numpy", format="png", interactive=False,
                        height=600)
        table_md = gr.Markdown()
        table_judge_md = gr.Markdown()

    @exports.reproducible("cgan.table", models=_bundles_of)
    def table_picture(chosen, noise_scale, seed):
        return service.table(chosen, seed, noise_scale)[0]

    @guarded
    def draw_table(lang, chosen, noise_scale, seed):
        start = time.perf_counter()
        picture = table_picture(chosen, noise_scale, seed)
        return picture, text("cgan.table_time", lang, ms=(time.perf_counter() - start) * 1e3) + "\n\n" + \
            exports.line_of(picture)

    def judge_table(lang, chosen, noise_scale, seed):
        try:
            _, images = service.table(chosen, seed, noise_scale)
            judged = ctx.quality.assess("mnist", images).judged.reshape(10, -1)
            rows = " · ".join(f"{k}: {int((judged[k] == k).sum())}/{judged.shape[1]}" for k in range(10))
            return text("cgan.table_judge", lang, hits=int((judged == np.arange(10)[:, None]).sum()), rows=rows)
        except Exception as exc:  # noqa: BLE001
            return text("judge.unavailable", lang, reason=str(exc))

    table_inputs = [ctx.lang, variant, scale, table_seed]
    table_btn.click(draw_table, table_inputs, [table, table_md], api_name="cgan_table").then(
        judge_table, table_inputs, table_judge_md, api_name="cgan_table_judge", show_progress="minimal")
    table_seed.submit(draw_table, table_inputs, [table, table_md], **tab_kit.HIDDEN).then(
        judge_table, table_inputs, table_judge_md, show_progress="minimal", **tab_kit.HIDDEN)
    ctx.link(
        "cgan.table", "cgan", {"chosen": variant, "noise_scale": scale, "seed": table_seed}, [table, table_md],
        draw_table, sub_tabs=sub_tabs, sub_tab="cgan-table")
    return (draw_table, table_inputs, [table, table_md]), (judge_table, table_inputs, [table_judge_md])


def _morph_subtab(ctx: TabContext, service, variant, scale, sub_tabs) -> tuple:
    """One noise, its label blended from one digit to another: a strip, the current blend, a GIF and the
    judge's reading of each frame. Returns the morph's (fn, inputs, outputs)."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "cgan.morph_tab"}, id="cgan-morph"):
        tr.make(gr.Markdown, {"value": "cgan.morph_intro"})
        with gr.Row():
            digit_a = tr.make(gr.Dropdown, {"label": "cgan.digit_a"}, choices=DIGITS, value="3")
            digit_b = tr.make(gr.Dropdown, {"label": "cgan.digit_b"}, choices=DIGITS, value="8")
            morph_seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
        blend = tr.make(gr.Slider, {"label": "cgan.blend"}, minimum=0.0, maximum=1.0, step=0.05, value=0.5)
        with gr.Row():
            with gr.Column(scale=4):
                strip = tr.make(gr.Image, {"label": "cgan.morph_out"}, type="numpy", format="png", interactive=False)
            with gr.Column(scale=1, min_width=180):
                current = tr.make(gr.Image, {"label": "cgan.morph_now"}, type="numpy", format="png",
                                  interactive=False, height=180)
        gif = tr.make(gr.File, {"label": "cgan.gif"}, interactive=False, height=80)
        morph_md = gr.Markdown()

    @exports.reproducible("cgan.morph", models=_bundles_of)
    def morph_picture(chosen, noise_scale, digit_a, digit_b, blend, seed):
        return service.morph(chosen, digit_a, digit_b, blend, seed, noise_scale)

    @guarded
    def draw_morph(lang, chosen, noise_scale, digit_a, digit_b, blend, seed):
        strip_picture, now, frames, _ = morph_picture(chosen, noise_scale, digit_a, digit_b, blend, seed)
        try:
            judged = ctx.quality.assess("mnist", frames).judged
            verdict = text("cgan.morph_judge", lang, classes=" → ".join(str(int(k)) for k in judged))
        except Exception as exc:  # noqa: BLE001
            verdict = text("judge.unavailable", lang, reason=str(exc))
        # there and back, the ends not repeated; the GIF carries the strip's recipe
        loop = np.concatenate([frames, frames[-2:0:-1]])
        gif_path = exports.gif(loop, f"cgan_morph_{int(digit_a)}_{int(digit_b)}", strip_picture, duration_ms=150,
                               scale=4)
        return strip_picture, now, gif_path, verdict + "\n\n" + exports.line_of(strip_picture)

    @guarded
    def draw_current(chosen, noise_scale, digit_a, digit_b, blend, seed):
        return service.morph(chosen, digit_a, digit_b, blend, seed, noise_scale)[1]

    morph_inputs = [ctx.lang, variant, scale, digit_a, digit_b, blend, morph_seed]
    morph_outputs = [strip, current, gif, morph_md]
    gr.on([digit_a.input, digit_b.input, morph_seed.submit], draw_morph, morph_inputs, morph_outputs,
          **tab_kit.HIDDEN)
    blend.release(draw_morph, morph_inputs, morph_outputs, api_name="cgan_morph", show_progress="minimal")
    # while dragging: the current blend alone
    blend.change(draw_current, morph_inputs[1:], current, show_progress="hidden", **tab_kit.HIDDEN)
    ctx.link(
        "cgan.morph", "cgan", {"chosen": variant, "noise_scale": scale, "digit_a": digit_a, "digit_b": digit_b,
                               "blend": blend, "seed": morph_seed}, morph_outputs,
        draw_morph, sub_tabs=sub_tabs, sub_tab="cgan-morph")
    return draw_morph, morph_inputs, morph_outputs


def _training_panel(ctx: TabContext, service):
    """Train either model (the classroom schedule or the lecture's settings): the panel's ``TrainingPanel``."""
    return variants_training_panel(
        ctx, service, lambda lang, chosen: describe(lang, chosen, service.status(chosen)), takes_schedule=True,
        api_prefix="cgan", intro_key="cgan.train_intro", default_epochs=5, max_epochs=50,
        classroom_key="cgan.classroom",
        make_choice=lambda: ctx.tr.make(gr.Radio, {"label": "cgan.variant"}, choices=VARIANT_CHOICES, value="conv"))


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, CGANService())
