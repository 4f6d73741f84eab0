"""The GAN tab (Programs 10-4, 10-5(a)(b), lecture 001, Fig. 10-9): widgets and events only."""

from __future__ import annotations

import secrets

import gradio as gr
import numpy as np

from studio import batching
from studio.classroom.pools import game_scores
from studio.results import shared
from studio.techniques.colour_gan import tab as colour_part
from studio.techniques.gan.service import GANService
from studio.techniques.infogan import (
    tab as infogan_part,  # InfoGAN is a sub-tab of the GAN tab
)
from studio.ui import exports
from studio.ui.context import TabContext
from studio.ui.errors import guarded
from studio.ui.i18n import text
from studio.ui.link_targets import LinkTarget
from studio.ui.quality_text import readout_text
from studio.ui.tab_kit import JUDGE, MAIN_ACTION, SAMPLER, TabRefresh
from studio.ui.training_panel import TrainingHooks, create_training_panel

VARIANT_KEYS = {"dcgan_mnist": "gan.variant_dcgan_mnist", "dcgan_ankle_boot": "gan.variant_dcgan_ankle_boot",
                "dense_mnist": "gan.variant_dense_mnist", "conv003_mnist": "gan.variant_conv003_mnist"}
GAME_SIZE = 8


def _variant_choices(lang: str) -> list[tuple[str, str]]:
    # Only the generators whose weights are installed (a tab offers only what works).
    return [(text(key, lang), name) for name, key in VARIANT_KEYS.items() if GANService.available(name)]


def create_tab(ctx: TabContext, service, infogan=None, colour=None) -> list[TabRefresh]:
    """Build the tab; ``service`` is a GANService, ``infogan`` an InfoGANService and ``colour`` a
    ColourGANService, whose parts (sub-tabs) appear only when their weights exist. Returns the tab's
    refresh, then its parts'."""
    tr, lang, quality, allow_training = ctx.tr, ctx.lang, ctx.quality, ctx.allow_training
    from studio.plots import gan_curves, gan_record
    from studio.techniques.gan.presets import ROUND

    with tr.make(gr.Tab, {"label": "gan.tab"}, id="gan"):
        tr.make(gr.Markdown, {"value": "gan.intro"})
        with gr.Row():
            variant = tr.make(gr.Dropdown, {"label": "gan.variant", "choices": _variant_choices},
                              value="dcgan_mnist", scale=2)
            seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0, scale=1,
                           elem_id="gan-seed")
        status = gr.Markdown()
        with tr.make(gr.Accordion, {"label": "gan.record"}, open=False):
            record = tr.make(gr.Image, {"label": "gan.record"}, type="numpy", format="png", interactive=False,
                             show_label=False)
        with gr.Tabs() as sub_tabs:
            with tr.make(gr.Tab, {"label": "gan.samples_tab"}):
                with gr.Row():
                    count = tr.make(gr.Slider, {"label": "gan.count"}, minimum=1, maximum=100, step=1, value=50)
                    sample_btn = tr.make(gr.Button, {"value": "gan.sample_btn"}, variant="primary",
                                         elem_classes=MAIN_ACTION, elem_id="gan-sample")
                grid = tr.make(gr.Image, {"label": "gan.grid"}, type="numpy", format="png", interactive=False,
                               elem_id="gan-grid")
                judge_md = gr.Markdown()
            with tr.make(gr.Tab, {"label": "gan.walk_tab"}, id="gan-walk"):
                tr.make(gr.Markdown, {"value": "gan.walk_intro"})
                with gr.Row():
                    seed_a = tr.make(gr.Number, {"label": "gan.seed_a"}, value=1, precision=0, minimum=0)
                    seed_b = tr.make(gr.Number, {"label": "gan.seed_b"}, value=2, precision=0, minimum=0)
                    frames = tr.make(gr.Slider, {"label": "gan.frames"}, minimum=2, maximum=24, step=1, value=12)
                    walk_btn = tr.make(gr.Button, {"value": "gan.walk_btn"}, variant="primary")
                walk = tr.make(gr.Image, {"label": "gan.walk_out"}, type="numpy", format="png", interactive=False)
                gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)
            with tr.make(gr.Tab, {"label": "gan.nn_tab"}, id="gan-nn"):
                tr.make(gr.Markdown, {"value": "gan.nn_intro"})
                with gr.Row():
                    nn_count = tr.make(gr.Slider, {"label": "gan.nn_count"}, minimum=1, maximum=50, step=1, value=10)
                    nn_btn = tr.make(gr.Button, {"value": "gan.nn_btn"}, variant="primary")
                nn_picture = tr.make(gr.Image, {"label": "gan.nn_out"}, type="numpy", format="png",
                                     interactive=False)
                nn_md = gr.Markdown()
            with tr.make(gr.Tab, {"label": "gan.game_tab"}, id="gan-game"):
                tr.make(gr.Markdown, {"value": "gan.game_intro"})
                game_state = gr.State(None)  # this session's current round (never shared)
                score_state = gr.State({"rounds": 0, "correct": 0, "shown": 0})
                new_round_btn = tr.make(gr.Button, {"value": "gan.new_round"}, variant="primary")
                game_picture = gr.Image(type="numpy", format="png", interactive=False, show_label=False,
                                        elem_id="gan-game")
                picks = tr.make(gr.CheckboxGroup, {"label": "gan.picks"},
                                choices=[str(k) for k in range(1, GAME_SIZE + 1)], value=[])
                check_btn = tr.make(gr.Button, {"value": "gan.check"})
                verdict_md = gr.Markdown()
            parts = infogan_part.create_part(ctx, infogan, sub_tabs) if infogan is not None and infogan.available() else []
            if colour is not None and colour.available():
                parts += colour_part.create_part(ctx, colour, sub_tabs)

        def status_text(lang, name):
            s = service.status(name)
            m = s["metrics"]
            source = text("common.user" if s["source"] == "user" else "common.shipped", lang)
            line = text("gan.status", lang, source=source, command=s["command"], created=s["created"],
                        fid=m.get("fid", "?"), floor=m.get("fid_real_floor", "?"),
                        nn=m.get("nearest_train_distance", "?"))
            if "class_shares" in m:
                line += "  \n" + text("gan.status_shares", lang,
                                      shares=" · ".join(f"{k}: {v:.1%}" for k, v in enumerate(m["class_shares"])))
            return line

        panel = None
        if allow_training:
            hooks = TrainingHooks.of_variants(service, status_text, presets=True)
            panel = create_training_panel(
                ctx, hooks, api_prefix="gan", intro_key="gan.train_intro", default_epochs=10, max_epochs=100,
                classroom_key="gan.classroom", epochs_key="gan.rounds",
                make_choice=lambda: tr.make(gr.Dropdown, {"label": "gan.train_variant", "choices": _variant_choices},
                                            value="dcgan_mnist"),
                curves=lambda history, lang: gan_curves(history, ROUND, lang=lang))

    # --- handlers ---------------------------------------------------------------------------
    @guarded
    def show_status(lang, name):
        return status_text(lang, name)

    # The pictures a student may download carry their recipe (studio.ui.exports).
    def bundles_of(name, **_):
        return [f"gan_{name}"]

    @exports.reproducible("gan.samples", models=bundles_of)
    def samples_picture(name, n, seed):
        return service.samples(name, n, seed)[0]

    @exports.reproducible("gan.walk", models=bundles_of)
    def walk_picture(name, seed_a, seed_b, steps):
        return service.walk(name, seed_a, seed_b, steps)

    @exports.reproducible("gan.nearest", models=bundles_of)
    def nearest_picture(name, n, seed):
        return service.nearest(name, n, seed)

    @guarded
    def sample(name, n, s):
        return samples_picture(name, n, s)

    @shared("gan.judge")  # a readout is shared by everyone asking for it; a failure is not kept
    def readout(lang, name, n, s):
        # the model's figures are measured once for everyone; this click only judges its own samples
        return readout_text(service.readout(quality, name, n, s), lang) + "\n\n" + \
            exports.line_of(samples_picture.recipe(name, n, s))

    def judge(lang, name, n, s):
        batching.wait_until_samplers_idle()  # a class's pictures first, then the readouts
        try:
            return readout(lang, name, n, s)
        except Exception as exc:  # noqa: BLE001 - the readout is optional; the samples are not
            return text("judge.unavailable", lang, reason=str(exc))

    @guarded
    def walk_between(name, a, b, steps):
        picture, frames_ = walk_picture(name, a, b, steps)
        # forwards then back, without repeating the ends
        loop = np.concatenate([frames_, frames_[-2:0:-1]])
        return picture, exports.gif(loop, f"gan_{name}_{int(a)}_{int(b)}", picture, duration_ms=120, scale=4)

    @guarded
    def nearest(lang, name, n, s):
        picture = nearest_picture(name, n, s)
        return picture, text("gan.nn_note", lang) + "\n\n" + exports.line_of(picture)

    @guarded
    def new_round(lang, name, score):
        round_ = service.game_round(name, secrets.randbelow(2**31))
        # The link opens a new round with this generator: never this round, nor its answer.
        return round_.picture, round_, [], text("gan.game_prompt", lang, score=_score_line(lang, score)) + \
            "\n\n" + exports.link_line("gan.game", {"name": name})

    @guarded
    def check(lang, round_, chosen, score):
        verdict = service.check_answer(round_, chosen)
        score = {"rounds": score["rounds"] + 1, "correct": score["correct"] + verdict.correct,
                 "shown": score["shown"] + verdict.total}
        reading = text("gan.reading_fooled" if verdict.correct / verdict.total <= 0.625 else "gan.reading_spotted", lang)
        md = text("gan.verdict", lang, correct=verdict.correct, total=verdict.total, found=verdict.fakes_found,
                  fakes=verdict.fakes, score=_score_line(lang, score), reading=reading)
        return verdict.picture, None, score, md + _pooled(lang, round_, verdict)

    def _pooled(lang, round_, verdict) -> str:
        """In a class: the answer pooled (once per round), then the class's figure, seen only now."""
        if not ctx.classroom.active:
            return ""
        label = text(VARIANT_KEYS.get(round_.variant, "gan.tab"), lang)
        _, line = ctx.classroom.answer(lang, "game", round_.round_id, {"generator": round_.variant, "label": label,
                                                                        "correct": verdict.correct,
                                                                        "total": verdict.total})
        scores = " · ".join(text("class.game_score", lang, label=s.label, share=s.share, rounds=s.rounds)
                            for s in game_scores(ctx.classroom.answers("game")))
        pooled = text("class.game_class", lang, scores=scores) if scores else ""
        return "\n\n" + "\n\n".join(part for part in (line, pooled) if part)

    @guarded
    def sample_clicked(name, n, s):
        """A Generate click: the grid, and in a class this student's picture on the wall."""
        dataset, asked = service.dataset_of(name)  # pinned first: the wall need not wait for the grid
        ctx.classroom.pin("gan", {"name": name, "seed": int(s)}, f"{int(s)}", dataset, asked)
        return sample(name, n, s)

    def record_picture(lang, name):
        """How the weights in use were trained: losses and, when measured, the FID per step."""
        s = service.status(name)
        curve = s["fid_curve"]
        return gan_record(s["history"], s["every_steps"], curve["steps"], curve["fid"],
                          s["metrics"].get("fid_real_floor"), lang=lang)

    @guarded
    def refresh(lang, name, n, s, a, b, steps):
        return (status_text(lang, name), record_picture(lang, name), sample(name, n, s),
                *walk_between(name, a, b, steps))

    @guarded
    def reword(lang, name, n, s, a, b, steps):
        return status_text(lang, name), record_picture(lang, name), gr.skip(), gr.skip(), gr.skip()

    # A link to a sample grid opens here, with its variant, count and seed in the controls.
    # The wall shows a student's first sample: the same latent code as their grid's first.
    ctx.classroom.wall_drawer("gan", lambda params: service.first_sample(params["name"], params["seed"]))
    ctx.link_target(LinkTarget("gan.samples", "gan", {"name": variant, "n": count, "seed": seed}, [grid],
                               lambda lang, name, n, seed: sample(name, n, seed)))

    ctx.link_target(LinkTarget("gan.walk", "gan", {"name": variant, "seed_a": seed_a, "seed_b": seed_b,
                                                   "steps": frames}, [walk, gif],
                               lambda lang, name, seed_a, seed_b, steps: walk_between(name, seed_a, seed_b, steps),
                               sub_tabs=sub_tabs, sub_tab="gan-walk"))
    ctx.link_target(LinkTarget("gan.nearest", "gan", {"name": variant, "n": nn_count, "seed": seed},
                               [nn_picture, nn_md], lambda lang, name, n, seed: nearest(lang, name, n, seed),
                               sub_tabs=sub_tabs, sub_tab="gan-nn"))
    # A link to the game opens a new round of its own (each page's round stays on the server).
    exports.session_link("gan.game")
    ctx.link_target(LinkTarget("gan.game", "gan", {"name": variant}, [game_picture, game_state, picks, verdict_md],
                               lambda lang, name: new_round(lang, name, {"rounds": 0, "correct": 0, "shown": 0}),
                               sub_tabs=sub_tabs, sub_tab="gan-game"))

    hidden = {"api_visibility": "private"}
    variant.change(show_status, [lang, variant], status, **hidden).then(
        guarded(record_picture), [lang, variant], record, **hidden)
    sample_inputs = [variant, count, seed]
    for trigger, handler, kwargs in ((sample_btn.click, sample_clicked, {"api_name": "gan_samples"}),
                                     (variant.change, sample, hidden), (count.release, sample, hidden),
                                     (seed.submit, sample, hidden)):
        trigger(handler, sample_inputs, grid, **SAMPLER, **kwargs).then(
            batching.in_readout_line(judge), [lang, *sample_inputs], judge_md, **JUDGE, **hidden)
    walk_btn.click(walk_between, [variant, seed_a, seed_b, frames], [walk, gif], api_name="gan_walk")
    nn_btn.click(nearest, [lang, variant, nn_count, seed], [nn_picture, nn_md], api_name="gan_nearest")
    # The game's answer stays on the server in gr.State: the API hides these two events, so the
    # truth cannot be read from an endpoint.
    new_round_btn.click(new_round, [lang, variant, score_state], [game_picture, game_state, picks, verdict_md],
                        **hidden)
    check_btn.click(check, [lang, game_state, picks, score_state], [game_picture, game_state, score_state, verdict_md],
                    **hidden)

    refresh_inputs = [lang, variant, count, seed, seed_a, seed_b, frames]
    refresh_outputs = [status, record, grid, walk, gif]
    followups = [(judge, [lang, *sample_inputs], [judge_md])]
    if panel is not None:
        for event in (panel.finished, panel.switched):
            event.then(refresh, refresh_inputs, refresh_outputs, **hidden).then(
                judge, [lang, *sample_inputs], judge_md, **hidden)
    return [TabRefresh(refresh, refresh_inputs, refresh_outputs, followups=followups, reword=reword), *parts]


def _score_line(lang: str, score: dict) -> str:
    if not score["shown"]:
        return text("gan.score_none", lang)
    return text("gan.score", lang, rounds=score["rounds"], correct=score["correct"], shown=score["shown"],
                share=score["correct"] / score["shown"])


def build(ctx: TabContext) -> list[TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    from studio.techniques.colour_gan.service import ColourGANService
    from studio.techniques.gan.service import GANService
    from studio.techniques.infogan.service import (
        InfoGANService,  # InfoGAN is a sub-tab of this tab
    )

    return create_tab(ctx, GANService(), InfoGANService(), ColourGANService())  # its refresh and its parts'
