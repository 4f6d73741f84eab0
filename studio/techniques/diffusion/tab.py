"""The diffusion tab (beyond the lectures: DDPM training, DDIM sampling, classifier-free guidance):
widgets and events only. Built only when diffusion weights exist."""

from __future__ import annotations

import gradio as gr
import numpy as np

from studio.techniques.diffusion.presets import GUIDANCE, MAX_GUIDANCE, MAX_STEPS
from studio.techniques.diffusion.service import DiffusionService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.kit.quality_text import judge_readout
from studio.ui.panels.training_panel import TrainingHooks, create_training_panel

DEFAULT_STEPS = 20
MODELS = ("diffusion",)  # the bundle every sample comes from


def label_choices(lang: str) -> list[tuple[str, str]]:
    """Which digits to draw: each in turn, none (the model chooses), or one digit."""
    return [(text("diffusion.label_each", lang), "each"), (text("diffusion.label_none", lang), "none"),
            *((text("diffusion.label_digit", lang, digit=d), str(d)) for d in range(10))]


def _value(value, fmt: str) -> str:
    return format(value, fmt) if isinstance(value, (int, float)) else "?"


def status_line(lang: str, status: dict) -> str:
    """Which weights are in use and what the judge measured of them."""
    m = status["metrics"]
    source = text("common.user" if status["source"] == "user" else "common.shipped", lang)
    return text("diffusion.status", lang, source=source, command=status["command"], created=status["created"],
                fid=_value(m.get("fid"), ".2f"), floor=_value(m.get("fid_real_floor"), ".2f"),
                agreement=_value(m.get("label_agreement"), ".1%"), guidance=_value(m.get("guidance"), "g"),
                fid_u=_value(m.get("fid_unconditional"), ".1f"),
                smallest=_value(m.get("smallest_unconditional_share"), ".1%"))


def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab when ``service`` (a DiffusionService) has weights; else nothing (no placeholder)."""
    if not service.available():
        return []
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "diffusion.tab"}, id="diffusion"):
        tr.make(gr.Markdown, {"value": "diffusion.intro"})
        with gr.Row():  # the sampler's settings, shared by the sub-tabs
            steps = tr.make(gr.Slider, {"label": "diffusion.steps"}, minimum=1, maximum=MAX_STEPS, step=1,
                            value=DEFAULT_STEPS)
            guidance = tr.make(gr.Slider, {"label": "diffusion.guidance"}, minimum=0, maximum=MAX_GUIDANCE,
                               step=0.25, value=GUIDANCE)
            label = tr.make(gr.Dropdown, {"label": "diffusion.label", "choices": label_choices}, value="each")
            seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
        with gr.Tabs() as sub_tabs:  # a link to a result opens on its sub-tab
            count, grid, sample, judge = _grid_subtab(ctx, service, (steps, seed, label, guidance), sub_tabs)
            scrubbed = _scrub_subtab(ctx, service, (steps, seed, label, guidance), sub_tabs)
            index, forward_outputs, forward = _forward_subtab(ctx, service, seed, sub_tabs)
        panel = None
        if ctx.allow_training:
            hooks = TrainingHooks(job=lambda r: service.training_job(r.epochs, r.keep_on_stop, r.schedule),
                                  status=lambda lang, _: status_line(lang, service.status()),
                                  use_shipped=lambda _: service.use_shipped())
            panel = create_training_panel(
                ctx, hooks, api_prefix="diffusion", intro_key="diffusion.train_intro", default_epochs=5,
                max_epochs=100, classroom_key="diffusion.classroom")
        status = tab_kit.about_weights(tr)

    @guarded
    def refresh(lang, n, steps_, seed_, label_, guidance_, index_):
        return (status_line(lang, service.status()), sample(n, steps_, seed_, label_, guidance_),
                *forward(index_, seed_))

    refresh_inputs = [lang, count, steps, seed, label, guidance, index]
    refresh_outputs = [status, grid, *forward_outputs]
    if panel is not None:  # new weights: the grid and the forward process drawn again
        for event in (panel.finished, panel.switched):
            event.then(refresh, refresh_inputs, refresh_outputs, api_visibility="private")
    return [tab_kit.TabRefresh(refresh, refresh_inputs, refresh_outputs, followups=[judge, scrubbed])]


def _grid_subtab(ctx: TabContext, service, settings, sub_tabs):
    """A grid of samples, streamed while the sampler runs, then judged; ``settings`` are the sampler's
    (steps, seed, label, guidance). Returns (the count, the grid, the handler drawing it, the judge's
    (fn, inputs, outputs))."""
    tr, lang, quality = ctx.tr, ctx.lang, ctx.quality
    steps, seed, label, guidance = settings
    with tr.make(gr.Tab, {"label": "diffusion.grid_tab"}, id="diffusion-grid"):
        with gr.Row():
            count = tr.make(gr.Slider, {"label": "diffusion.count"}, minimum=1, maximum=100, step=1, value=30)
            sample_btn = tr.make(gr.Button, {"value": "diffusion.sample_btn"}, variant="primary",
                                 elem_classes=tab_kit.MAIN_ACTION)
        grid = tr.make(gr.Image, {"label": "diffusion.grid"}, type="numpy", format="png", interactive=False)
        judge_md = gr.Markdown()

    @exports.reproducible("diffusion.samples", models=MODELS)
    def samples_picture(n, steps, seed, label, guidance):
        return service.samples(n, steps, seed, label, guidance)[0]

    @guarded
    def sample(n, steps_, seed_, label_, guidance_):
        return samples_picture(n, steps_, seed_, label_, guidance_)

    @guarded
    def sample_streamed(n, steps_, seed_, label_, guidance_):
        # the network's guesses while it runs (a 100-digit, 50-step grid takes tens of seconds on a CPU),
        # then the finished grid with its export
        for preview, _ in service.sample_previews(n, steps_, seed_, label_, guidance_):
            yield preview
        yield samples_picture(n, steps_, seed_, label_, guidance_)
        if ctx.classroom.active:  # this student's first digit on the class's wall
            first = service.samples(n, steps_, seed_, label_, guidance_)[1][0]
            asked = None if label_ == "none" else 0 if label_ == "each" else int(label_)  # "each": the first is a 0
            ctx.classroom.pin("diffusion", {"n": int(n), "steps": int(steps_), "seed": int(seed_), "label": label_,
                                            "guidance": float(guidance_)}, f"{int(seed_)}", "mnist", asked,
                              picture=first)  # a diffusion sample costs its whole grid: kept, not drawn again

    def judge(lang, n, steps_, seed_, label_, guidance_):
        try:
            _, images = service.samples(n, steps_, seed_, label_, guidance_)
            if label_ == "each":
                asked = np.arange(len(images)) % 10
                hits = int((quality.assess("mnist", images).judged == asked).sum())
                md = text("diffusion.judge_each", lang, n=len(images), hits=hits, share=hits / len(images))
            else:
                report = quality.assess("mnist", images, None if label_ == "none" else int(label_))
                md = judge_readout(report, report.judged, quality.test_accuracy("mnist"), lang)
            return md + "\n\n" + exports.line_of(samples_picture.recipe(n, steps_, seed_, label_, guidance_))
        except Exception as exc:  # noqa: BLE001 - the readout is optional; the samples are not
            return text("judge.unavailable", lang, reason=str(exc))

    sample_inputs = [count, steps, seed, label, guidance]
    ctx.link(
        "diffusion.samples", "diffusion", {"n": count, "steps": steps, "seed": seed, "label": label,
                                           "guidance": guidance},
        [grid], lambda lang, n, steps, seed, label, guidance: sample(n, steps, seed, label, guidance),
        sub_tabs=sub_tabs, sub_tab="diffusion-grid")
    sample_btn.click(sample_streamed, sample_inputs, grid, api_name="diffusion_samples").then(
        judge, [lang, *sample_inputs], judge_md, show_progress="minimal", api_visibility="private")
    return count, grid, sample, (judge, [lang, *sample_inputs], [judge_md])


def _scrub_subtab(ctx: TabContext, service, settings, sub_tabs) -> tuple:
    """One sample's whole run, recorded for this session and scrubbed step by step; ``settings`` are the
    sampler's (steps, seed, label, guidance). Returns its part of the page load, (fn, inputs, outputs): the
    run of the starting settings, at its last step."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "diffusion.scrub_tab"}, id="diffusion-scrub"):
        tr.make(gr.Markdown, {"value": "diffusion.scrub_intro"})
        run_state = gr.State(None)  # this session's recorded trajectory (numpy arrays, never shared)
        scrub_btn = tr.make(gr.Button, {"value": "diffusion.scrub_btn"}, variant="primary",
                            elem_id="diffusion-scrub")
        # at the last step: the page opens with the starting settings' run finished
        step = tr.make(gr.Slider, {"label": "diffusion.scrub_step"}, minimum=0, maximum=DEFAULT_STEPS, step=1,
                       value=DEFAULT_STEPS, elem_id="diffusion-scrub-step")
        frame = tr.make(gr.Image, {"label": "diffusion.scrub_frame"}, type="numpy", format="png",
                        interactive=False, elem_id="diffusion-scrub-frame")
        strip = tr.make(gr.Image, {"label": "diffusion.scrub_strip"}, type="numpy", format="png",
                        interactive=False)
        scrub_gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)

    @exports.reproducible("diffusion.trajectory", models=MODELS)
    def trajectory_picture(steps, seed, label, guidance):
        trajectory = service.trajectory(steps, seed, label, guidance)
        every = max(1, (len(trajectory.times) - 1) // 25)  # at most ~25 columns in the strip
        return service.trajectory_strip(trajectory, every), trajectory

    @guarded
    def run_trajectory(lang, steps_, seed_, label_, guidance_):
        strip_path, trajectory = trajectory_picture(steps_, seed_, label_, guidance_)
        last = len(trajectory.times) - 1
        frames = [service.trajectory_frame(trajectory, k, lang) for k in range(last + 1)]
        # the GIF rests on the finished digit before it starts again
        gif_path = exports.gif(frames + [frames[-1]] * 5, f"diffusion_{int(seed_)}_{last}", strip_path, duration_ms=150)
        return trajectory, gr.update(maximum=last, value=last), frames[-1], strip_path, gif_path

    @guarded
    def scrub(trajectory, k, lang, steps_, seed_, label_, guidance_):
        if trajectory is None:  # no run of this session's yet: the page's own, of the settings (computed once)
            trajectory = trajectory_picture(steps_, seed_, label_, guidance_)[1]
        return service.trajectory_frame(trajectory, k, lang)

    def on_page_load(lang, steps_, seed_, label_, guidance_):
        return run_trajectory(lang, steps_, seed_, label_, guidance_)[2:]  # not the session's run (no state)

    steps, seed, label, guidance = settings
    settings = list(settings)
    scrub_btn.click(run_trajectory, [ctx.lang, *settings], [run_state, step, frame, strip, scrub_gif],
                    api_name="diffusion_trajectory")
    # A link to a run opens here at its last step, the strip first; not into the session's recorded run (a class's
    # shared follow answer sets no gr.State): a page with no run of its own scrubs the settings' run.
    ctx.link(
        "diffusion.trajectory", "diffusion", {"steps": steps, "seed": seed, "label": label, "guidance": guidance},
        [strip, frame, scrub_gif, step], lambda lang, steps, seed, label, guidance: _strip_first(
            run_trajectory(lang, steps, seed, label, guidance)), sub_tabs=sub_tabs, sub_tab="diffusion-scrub")
    # The scrubber redraws from this session's recorded run: numpy only, no network call.
    step.change(scrub, [run_state, step, ctx.lang, *settings], frame, show_progress="hidden",
                trigger_mode="always_last", api_visibility="private")
    return on_page_load, [ctx.lang, *settings], [frame, strip, scrub_gif]


def _strip_first(run: tuple) -> tuple:
    """A run's (state, step, frame, strip, GIF) as a link shows it: (strip, frame, GIF, step)."""
    _, step, frame, strip, gif = run
    return strip, frame, gif, step


def _forward_subtab(ctx: TabContext, service, seed, sub_tabs):
    """The forward process on a test digit, as a strip and a GIF. Returns (the digit's index, the two
    outputs, the handler drawing them)."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "diffusion.forward_tab"}, id="diffusion-forward"):
        tr.make(gr.Markdown, {"value": "diffusion.forward_intro"})
        with gr.Row():
            index = tr.make(gr.Number, {"label": "diffusion.index"}, value=0, precision=0, minimum=0, maximum=999)
            forward_btn = tr.make(gr.Button, {"value": "diffusion.forward_btn"}, variant="primary")
        forward_picture = tr.make(gr.Image, {"label": "diffusion.forward"}, type="numpy", format="png",
                                  interactive=False)
        forward_gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)

    @exports.reproducible("diffusion.forward", models=("samples",))
    def forward_strip(index, seed):
        return service.forward(index, seed)

    @guarded
    def forward(index_, seed_):
        picture, frames = forward_strip(index_, seed_)
        return picture, exports.gif(frames, f"diffusion_forward_{int(index_)}", picture, duration_ms=200, scale=4)

    outputs = [forward_picture, forward_gif]
    forward_btn.click(forward, [index, seed], outputs, api_name="diffusion_forward")
    ctx.link("diffusion.forward", "diffusion", {"index": index, "seed": seed}, outputs,
             lambda lang, index, seed: forward(index, seed), sub_tabs=sub_tabs,
             sub_tab="diffusion-forward")
    return index, outputs, forward


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, DiffusionService())  # no tab until its weights exist
