"""InfoGAN's sub-tab of the GAN tab (lecture 000, section 10.5.1, Fig. 10-11): widgets and events only.

Its declaration names the GAN tab as its parent; the sub-tab is built only when InfoGAN weights exist
(``InfoGANService.available()``): a sub-tab without a model would be a placeholder.
"""

from __future__ import annotations

import gradio as gr

from studio.techniques.infogan.presets import CODE_RANGE
from studio.techniques.infogan.service import InfoGANService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import SubTabs, TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.panels.training_panel import TrainingHooks, TrainingPanel, create_training_panel

CODE_STEP = 0.05  # slider resolution of c2, c3


def _percent(value) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "?"


def c1_choices(order: list[int], matched: list[int] | None) -> list[tuple[str, int]]:
    """The c1 dropdown: 'c1 = 3 → 7' (the judge's matched digit), in the order of the matched digits."""
    def label(value: int) -> str:
        if matched and 0 <= value < len(matched) and matched[value] >= 0:
            return f"c1 = {value} → {matched[value]}"
        return f"c1 = {value}"
    return [(label(value), value) for value in order]


def _choices(info: dict) -> list[tuple[str, int]]:
    """The c1 dropdown of the weights in use (``InfoGANService.matched_digits``)."""
    return c1_choices(info["order"], info["metrics"].get("c1_matched_digits"))


def describe(lang: str, info: dict) -> str:
    """Which weights are in use, what their codes were measured to mean, and the matched-digit table."""
    m = info["metrics"]
    source = text("common.user" if info["source"] == "user" else "common.shipped", lang)
    lines = [text("infogan.status", lang, source=source, command=info["command"], created=info["created"])]
    if "category_agreement" not in m and "slant_monotonic" not in m:
        return "\n\n".join([*lines, text("infogan.not_measured", lang)])
    lines.append(text("infogan.measured", lang, agreement=_percent(m.get("category_agreement")),
                      slant_code=m.get("slant_code", "?"), slant=_percent(m.get("slant_monotonic")),
                      thickness_code=m.get("thickness_code", "?"), thickness=_percent(m.get("thickness_monotonic")),
                      fid=m.get("fid", "?"), floor=m.get("fid_real_floor", "?")))
    matched = m.get("c1_matched_digits")
    if matched:
        header = f"| {text('infogan.table_c1', lang)} | " + " | ".join(str(v) for v in range(len(matched))) + " |"
        rule = "|---|" + "---|" * len(matched)
        row = f"| {text('infogan.table_digit', lang)} | " + " | ".join(str(d) for d in matched) + " |"
        lines.append("\n".join([header, rule, row]))
    return "\n\n".join(lines)


def create_part(ctx: TabContext, service, parent: SubTabs) -> list[tab_kit.TabRefresh]:
    """Build the InfoGAN sub-tab inside its parent's ``gr.Tabs`` (``parent``, where links to its pictures
    open); ``service`` is an InfoGANService."""
    tr, lang = ctx.tr, ctx.lang
    low, high = CODE_RANGE
    with tr.make(gr.Tab, {"label": "infogan.tab"}, id="infogan"):
        tr.make(gr.Markdown, {"value": "infogan.intro"})
        with gr.Row():
            with gr.Column(scale=2):
                first = _choices(service.matched_digits())
                c1 = tr.make(gr.Dropdown, {"label": "infogan.c1"}, choices=first, value=first[0][1])
                c2 = tr.make(gr.Slider, {"label": "infogan.c2"}, minimum=low, maximum=high, step=CODE_STEP, value=0)
                c3 = tr.make(gr.Slider, {"label": "infogan.c3"}, minimum=low, maximum=high, step=CODE_STEP, value=0)
                seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
            live = tr.make(gr.Image, {"label": "infogan.live"}, type="numpy", format="png", interactive=False,
                           scale=1, elem_id="infogan-live")
        with gr.Row():
            code = tr.make(gr.Radio, {"label": "infogan.grid_code"}, choices=["c2", "c3"], value="c2")
            grid_btn = tr.make(gr.Button, {"value": "infogan.grid_btn"}, variant="primary")
        grid = tr.make(gr.Image, {"label": "infogan.grid"}, type="numpy", format="png", interactive=False)
        gif = tr.make(gr.File, {"label": "common.gif"}, interactive=False, height=80)
        panel = _training_panel(ctx, service) if ctx.allow_training else None
        status = tab_kit.about_weights(tr)

    # One picture for the codes: each move answers at once (< 100 ms a sample).
    @exports.reproducible("infogan.live", models=("infogan",))
    def live_picture(c1, c2, c3, seed):
        return service.live(c1, c2, c3, seed)

    @guarded
    def answer(c1, c2, c3, seed):
        return live_picture(c1, c2, c3, seed)

    live_inputs = [c1, c2, c3, seed]
    c1.change(answer, live_inputs, live, api_name="infogan_live", show_progress="hidden", trigger_mode="always_last")
    gr.on([c2.change, c3.change, seed.submit], answer, live_inputs, live, show_progress="hidden",
          trigger_mode="always_last", **tab_kit.HIDDEN)

    # Fig. 10-11: one continuous code swept from -2 to 2, a row per c1 value, and its GIF.
    @exports.reproducible("infogan.grid", models=("infogan",))
    def grid_picture(code, seed):
        return service.code_grid(code, seed)

    @guarded
    def draw_grid(code, seed):
        picture, frames = grid_picture(code, seed)
        loop = [*frames, *frames[-2:0:-1]]  # -2 -> 2 and back, without repeating the ends
        return picture, exports.gif(loop, f"infogan_{code}_{int(seed)}", picture, duration_ms=150, scale=3)

    grid_btn.click(draw_grid, [code, seed], [grid, gif], api_name="infogan_grid")
    code.change(draw_grid, [code, seed], [grid, gif], **tab_kit.HIDDEN)

    # Links to its pictures open on this sub-tab with their codes and seed.
    ctx.link("infogan.live", parent.tab, {"c1": c1, "c2": c2, "c3": c3, "seed": seed}, [live],
             lambda lang, c1, c2, c3, seed: answer(c1, c2, c3, seed),
             sub_tabs=parent.tabs, sub_tab="infogan")
    ctx.link("infogan.grid", parent.tab, {"code": code, "seed": seed}, [grid, gif],
             lambda lang, code, seed: draw_grid(code, seed), sub_tabs=parent.tabs, sub_tab="infogan")

    @guarded
    def refresh(lang, c1_value, c2_value, c3_value, seed_value, code_value):
        info = service.matched_digits()  # one read of the bundle for the words and the choices
        return (describe(lang, info), gr.update(choices=_choices(info)),
                answer(c1_value, c2_value, c3_value, seed_value), *draw_grid(code_value, seed_value))

    refresh_inputs = [lang, c1, c2, c3, seed, code]
    refresh_outputs = [status, c1, live, grid, gif]
    if panel is not None:
        for event in (panel.finished, panel.switched):
            event.then(refresh, refresh_inputs, refresh_outputs, **tab_kit.HIDDEN)
    return [tab_kit.TabRefresh(refresh, refresh_inputs, refresh_outputs)]


def _training_panel(ctx: TabContext, service) -> TrainingPanel:
    """Train InfoGAN (the classroom schedule or the lecture's settings)."""
    hooks = TrainingHooks(job=lambda r: service.training_job(r.epochs, r.keep_on_stop, r.schedule),
                          status=lambda lang, _: describe(lang, service.matched_digits()),
                          use_shipped=lambda _: service.use_shipped())
    return create_training_panel(ctx, hooks, api_prefix="infogan", intro_key="infogan.train_intro", default_epochs=8,
                                 max_epochs=50, classroom_key="infogan.classroom")


def build(ctx: TabContext, parent: SubTabs) -> list[tab_kit.TabRefresh]:
    """The sub-tab with its service, inside ``parent`` (what the declaration names: ``Technique.tab``);
    nothing without InfoGAN weights."""
    service = InfoGANService()
    return create_part(ctx, service, parent) if service.available() else []
