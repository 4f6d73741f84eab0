"""The GAN tab (Programs 10-4, 10-5(a)(b), lecture 001, Fig. 10-9): widgets and events only.

The generator and seed on top serve four sub-tabs (samples, a walk between two codes, the nearest
training images, "which is real?"); after them come the sub-tabs of the techniques declared with
``parent="gan"`` (InfoGAN, the colour DCGAN), built by ``ctx.build_parts`` without this module naming them.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import gradio as gr
import numpy as np

from studio.techniques.gan import GAME_POLL, game
from studio.techniques.gan.plots import gan_curves, gan_record
from studio.techniques.gan.poll import scores_line
from studio.techniques.gan.presets import ROUND
from studio.techniques.gan.service import GAME_SIZE, GANService, check_variant
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.kit.results import WallPin
from studio.ui.panels.training_panel import variants_training_panel

VARIANT_KEYS = {"dcgan_mnist": "gan.variant_dcgan_mnist", "dcgan_ankle_boot": "gan.variant_dcgan_ankle_boot",
                "dense_mnist": "gan.variant_dense_mnist", "conv003_mnist": "gan.variant_conv003_mnist"}


def _variant_choices(lang: str) -> list[tuple[str, str]]:
    # Only the generators whose weights are installed (a tab offers only what works).
    return [(text(key, lang), name) for name, key in VARIANT_KEYS.items() if GANService.available(name)]


def _bundles_of(name, **_) -> list[str]:
    """The bundle a picture was drawn with: the pictures a student may download carry their recipe
    (studio.ui.kit.exports)."""
    return [f"gan_{name}"]


def describe(lang: str, status: dict) -> str:
    """Which weights of a generator are in use (``GANService.status``) and what they measured."""
    m = status["metrics"]
    source = text("common.user" if status["source"] == "user" else "common.shipped", lang)
    line = text("gan.status", lang, source=source, command=status["command"], created=status["created"],
                fid=m.get("fid", "?"), floor=m.get("fid_real_floor", "?"), nn=m.get("nearest_train_distance", "?"))
    if "class_shares" in m:
        line += "  \n" + text("gan.status_shares", lang,
                              shares=" · ".join(f"{k}: {v:.1%}" for k, v in enumerate(m["class_shares"])))
    return line


def training_record(lang: str, status: dict):
    """How the weights in use were trained: losses and, when measured, the FID per step."""
    curve = status["fid_curve"]
    return gan_record(status["history"], status["every_steps"], curve["steps"], curve["fid"],
                      status["metrics"].get("fid_real_floor"), lang=lang)


def _score_line(lang: str, score: dict) -> str:
    if not score["shown"]:
        return text("gan.score_none", lang)
    return text("gan.score", lang, rounds=score["rounds"], correct=score["correct"], shown=score["shown"],
                share=score["correct"] / score["shown"])


def _pooled(classroom, lang: str, round_, verdict) -> tuple[str, bool]:
    """In a class (``classroom``: the tabs' ``ClassKit``): the answer pooled (once per round), then the
    class's figure, seen only now; and whether the store was too busy to take it (the round is then kept,
    for Check to send it again)."""
    if not classroom.active:
        return "", False
    label = text(VARIANT_KEYS.get(round_.variant, "gan.tab"), lang)
    counted, line = classroom.answer(lang, GAME_POLL.name, round_.round_id, {
        "generator": round_.variant, "label": label, "correct": verdict.correct, "total": verdict.total})
    scores = scores_line(classroom.answers(GAME_POLL.name), lang)
    pooled = text("gan.poll_class", lang, scores=scores) if scores else ""
    return "\n\n" + "\n\n".join(part for part in (line, pooled) if part), counted is None


def create_tab(ctx: TabContext, service) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a GANService. Returns the tab's refresh, then those of the sub-tabs
    of the techniques declared with ``parent="gan"`` (each appears only when its weights exist)."""
    tr, lang = ctx.tr, ctx.lang

    def status_text(lang, name):
        return describe(lang, service.status(name))

    def record_picture(lang, name):
        return training_record(lang, service.status(name))

    with tr.make(gr.Tab, {"label": "gan.tab"}, id="gan"):
        tr.make(gr.Markdown, {"value": "gan.intro"})
        with gr.Row():
            variant = tr.make(gr.Dropdown, {"label": "gan.variant", "choices": _variant_choices},
                              value="dcgan_mnist", scale=2, elem_id="gan-variant")
            seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0, scale=1,
                           elem_id="gan-seed")
        with gr.Tabs() as sub_tabs:
            samples = _samples_subtab(ctx, service, variant, seed)
            walk = _walk_subtab(ctx, service, variant, sub_tabs)
            nearest = _nearest_subtab(ctx, service, variant, seed, sub_tabs)
            _game_subtab(ctx, service, variant, sub_tabs)
            parts = ctx.build_parts(sub_tabs, tab="gan")
        # Where the weights in use come from and what they measured: under the results, folded.
        with tr.make(gr.Accordion, {"label": "common.about_weights"}, open=False):
            status = gr.Markdown()
            with tr.make(gr.Accordion, {"label": "gan.record"}, open=False):
                record = tr.make(gr.Image, {"label": "gan.record"}, type="numpy", format="png", interactive=False,
                                 show_label=False)
        variant.change(guarded(status_text), [lang, variant], status, **tab_kit.HIDDEN).then(
            guarded(record_picture), [lang, variant], record, **tab_kit.HIDDEN)

    # On page load and after training: the words, the record, the samples and the walk; then the readout.
    @guarded
    def refresh(lang, name, n, s, a, b, steps):
        return (status_text(lang, name), record_picture(lang, name), samples.sample(name, n, s),
                *walk.walk_between(name, a, b, steps))

    refresh_inputs = [lang, *samples.inputs, *walk.inputs[1:]]  # the generator once: [lang, variant, count, seed, ...]
    refresh_outputs = [status, record, samples.grid, *walk.outputs]
    judged = (samples.judge, [lang, *samples.inputs], [samples.judge_md])
    if samples.panel is not None:
        for event in (samples.panel.finished, samples.panel.switched):
            event.then(refresh, refresh_inputs, refresh_outputs, **tab_kit.HIDDEN).then(*judged, **tab_kit.HIDDEN)
    # The nearest training images follow on their own: they need the training set, which a server may lack.
    return [tab_kit.TabRefresh(refresh, refresh_inputs, refresh_outputs, followups=[judged, nearest]),
            *parts]


class _Samples(NamedTuple):
    """What the tab's refresh needs of the samples sub-tab."""

    sample: object  # (name, n, seed) -> the grid
    judge: object  # (lang, name, n, seed) -> the judge's readout
    inputs: list
    grid: gr.Image
    judge_md: gr.Markdown
    panel: object  # its TrainingPanel (studio.ui.panels.training_panel), None where training is off


def _samples_subtab(ctx: TabContext, service, variant, seed) -> _Samples:
    """A grid of samples and the judge's readout; the GAN's training panel (here, so that the sub-tabs
    of InfoGAN and the colour DCGAN show their own panel only); in a class, each student's first
    sample on the wall."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "gan.samples_tab"}):
        with gr.Row():
            count = tr.make(gr.Slider, {"label": "gan.count"}, minimum=1, maximum=100, step=1, value=50)
            sample_btn = tr.make(gr.Button, {"value": "gan.sample_btn"}, variant="primary",
                                 elem_classes=tab_kit.MAIN_ACTION, elem_id="gan-sample")
        grid = tr.make(gr.Image, {"label": "gan.grid"}, type="numpy", format="png", interactive=False,
                       elem_id="gan-grid")
        judge_md = gr.Markdown()
        panel = _training_panel(ctx, service) if ctx.allow_training else None

    # A link to a sample grid opens here, with its variant, count and seed in the controls.
    # The wall shows a student's first sample: the same latent code as their grid's first.
    result = ctx.result(
        "gan.samples", lambda name, n, seed: service.samples(name, n, seed)[0],
        {"name": variant, "n": count, "seed": seed}, grid, models=_bundles_of,
        readout=lambda name, n, seed: service.readout(ctx.quality, name, n, seed),
        readout_to=judge_md,
        pin=WallPin(kept=lambda p: {"name": p["name"], "seed": int(p["seed"])}, caption=lambda p: f"{int(p['seed'])}",
                    judged=lambda p: service.dataset_of(p["name"]),
                    draw=lambda p: service.first_sample(p["name"], p["seed"])))
    result.wire(sample_btn, api_name="gan_samples", redraw_on=[variant.change, count.release, seed.submit])
    return _Samples(result.drawn, result.judged[0], result.inputs, grid, judge_md, panel)


def _training_panel(ctx: TabContext, service):
    """Train one of the generators (the classroom schedule or the lecture's settings), streaming D and G's
    losses: the panel's ``TrainingPanel``."""
    return variants_training_panel(
        ctx, service, lambda lang, name: describe(lang, service.status(name)), takes_schedule=True,
        api_prefix="gan", intro_key="gan.train_intro", default_epochs=10, max_epochs=100,
        classroom_key="gan.classroom", epochs_key="gan.rounds",
        make_choice=lambda: ctx.tr.make(gr.Dropdown, {"label": "gan.train_variant", "choices": _variant_choices},
                                        value="dcgan_mnist"),
        curves=lambda history, lang: gan_curves(history, ROUND, lang=lang))


class _Walk(NamedTuple):
    """What the tab's refresh needs of the walk sub-tab."""

    walk_between: object  # (name, seed_a, seed_b, steps) -> (picture, GIF)
    inputs: list  # [variant, seed_a, seed_b, frames]
    outputs: list


def _walk_subtab(ctx: TabContext, service, variant, sub_tabs) -> _Walk:
    """A walk on the sphere between two seeds' codes, as a strip and a looping GIF."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "gan.walk_tab"}, id="gan-walk"):
        tr.make(gr.Markdown, {"value": "gan.walk_intro"})
        with gr.Row():
            seed_a = tr.make(gr.Number, {"label": "gan.seed_a"}, value=1, precision=0, minimum=0)
            seed_b = tr.make(gr.Number, {"label": "gan.seed_b"}, value=2, precision=0, minimum=0)
            frames = tr.make(gr.Slider, {"label": "gan.frames"}, minimum=2, maximum=24, step=1, value=12)
            walk_btn = tr.make(gr.Button, {"value": "gan.walk_btn"}, variant="primary")
        walk = tr.make(gr.Image, {"label": "gan.walk_out"}, type="numpy", format="png", interactive=False)
        gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)

    @exports.reproducible("gan.walk", models=_bundles_of)
    def walk_picture(name, seed_a, seed_b, steps):
        return service.walk(name, seed_a, seed_b, steps)

    @guarded
    def walk_between(name, a, b, steps):
        picture, frames_ = walk_picture(name, a, b, steps)
        # forwards then back, without repeating the ends
        loop = np.concatenate([frames_, frames_[-2:0:-1]])
        return picture, exports.gif(loop, f"gan_{name}_{int(a)}_{int(b)}", picture, duration_ms=120, scale=4)

    walk_btn.click(walk_between, [variant, seed_a, seed_b, frames], [walk, gif], api_name="gan_walk")
    ctx.link("gan.walk", "gan", {"name": variant, "seed_a": seed_a, "seed_b": seed_b,
                                 "steps": frames}, [walk, gif],
             lambda lang, name, seed_a, seed_b, steps: walk_between(name, seed_a, seed_b, steps),
             sub_tabs=sub_tabs, sub_tab="gan-walk")
    return _Walk(walk_between, [variant, seed_a, seed_b, frames], [walk, gif])


def _nearest_subtab(ctx: TabContext, service, variant, seed, sub_tabs) -> tuple:
    """Each sample beside its nearest training image (Program 10-5(b)): is it a copy? Returns its part
    of the page load, (fn, inputs, outputs): the pictures of the starting generator, count and seed, or
    where the training set is missing, the sentence saying how to get it."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "gan.nn_tab"}, id="gan-nn"):
        tr.make(gr.Markdown, {"value": "gan.nn_intro"})
        with gr.Row():
            nn_count = tr.make(gr.Slider, {"label": "gan.nn_count"}, minimum=1, maximum=50, step=1, value=10)
            nn_btn = tr.make(gr.Button, {"value": "gan.nn_btn"}, variant="primary")
        nn_picture = tr.make(gr.Image, {"label": "gan.nn_out"}, type="numpy", format="png", interactive=False)
        nn_md = gr.Markdown()

    @exports.reproducible("gan.nearest", models=_bundles_of)
    def nearest_picture(name, n, seed):
        return service.nearest(name, n, seed)

    @guarded
    def nearest(lang, name, n, s):
        picture = nearest_picture(name, n, s)
        return picture, text("gan.nn_note", lang) + "\n\n" + exports.line_of(picture)

    def on_page_load(lang, name, n, s):
        # A page load has no pop-up to show: a missing training set is said where the pictures would be.
        try:
            return nearest(lang, name, n, s)
        except gr.Error as exc:
            return None, exc.message

    inputs, outputs = [ctx.lang, variant, nn_count, seed], [nn_picture, nn_md]
    nn_btn.click(nearest, inputs, outputs, api_name="gan_nearest")
    ctx.link("gan.nearest", "gan", {"name": variant, "n": nn_count, "seed": seed},
             [nn_picture, nn_md], lambda lang, name, n, seed: nearest(lang, name, n, seed),
             sub_tabs=sub_tabs, sub_tab="gan-nn")
    return on_page_load, inputs, outputs


def _game_subtab(ctx: TabContext, service, variant, sub_tabs) -> None:
    """The game "which is real?": pick the fakes among real and generated digits; in a class, the pooled scores.
    Its buttons are the page's own, answered by two routes outside Gradio's events (``game``): a class presses
    them together."""
    tr = ctx.tr
    # each page's current round, as a signed token only that page holds; in a class every studio reads it
    rounds = game.RoundTickets(ctx.classroom.shared_key(game.ROUTE_ROUND))
    with tr.make(gr.Tab, {"label": "gan.game_tab"}, id="gan-game"):
        tr.make(gr.Markdown, {"value": "gan.game_intro"})
        game_box = tr.make(gr.HTML, {"value": lambda lang: game.box(lang, _variant_choices(lang), GAME_SIZE)},
                           elem_id="gan-game-holder")

    def new_round(request, body):
        lang, score = game.language(body), game.score_of(body)
        token, ticket = rounds.issue(check_variant(str(body.get("variant"))))
        round_ = service.game_round(ticket.variant, ticket.seed)
        # The link opens a new round with this generator: never this round, nor its answer.
        return {"round": token, "picture": game.png_data_url(round_.picture),
                "words": game.round_words(lang, round_.variant, _score_line(lang, score))}

    def check(request, body):
        lang, score, token = game.language(body), game.score_of(body), body.get("round")
        ticket = rounds.open(token)
        round_ = None if ticket is None else dataclasses.replace(service.game_round(ticket.variant, ticket.seed),
                                                                  round_id=ticket.round_id)
        verdict = service.check_answer(round_, game.picks_of(body), lang)
        pooled, send_again = _pooled(ctx.classroom, lang, round_, verdict)
        if not send_again:  # a round refused by a busy store stays, and is scored when Check sends it again
            rounds.spend(ticket)
            score = {"rounds": score["rounds"] + 1, "correct": score["correct"] + verdict.correct,
                     "shown": score["shown"] + verdict.total}
        reading = text("gan.reading_fooled" if verdict.correct / verdict.total <= 0.625 else "gan.reading_spotted", lang)
        md = text("gan.verdict", lang, correct=verdict.correct, total=verdict.total, found=verdict.fakes_found,
                  fakes=verdict.fakes, score=_score_line(lang, score), reading=reading)
        return {"round": token if send_again else None, "score": score, "picture": game.png_data_url(verdict.picture),
                "words": game.words_html(md + pooled)}

    # The game's answer stays on the server: no Gradio endpoint offers it, and a page's token names its round.
    ctx.page_route(game.ROUTE_ROUND, new_round, script=game.PAGE)
    ctx.page_route(game.ROUTE_CHECK, check)
    # A link to the game opens a new round of its own (each page's round stays on the server).
    exports.session_link("gan.game")
    ctx.warm_up(lambda: service.game_fakes("dcgan_mnist"))  # the game's fakes, before a class presses New round
    ctx.link("gan.game", "gan", {"name": variant}, [game_box],
             lambda lang, name: game.box(lang, _variant_choices(lang), GAME_SIZE, start=True),
             sub_tabs=sub_tabs, sub_tab="gan-game")


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, GANService())  # its refresh and its children's
