"""The text tab (Keras book 12.1): widgets and events only."""

from __future__ import annotations

import html
import secrets
import time

import gradio as gr

from studio.checks import UserError
from studio.techniques.text_lm import TEMPERATURE_POLL
from studio.techniques.text_lm.poll import handed_temperature, temperature_rows
from studio.techniques.text_lm.service import OwnTextService, TextService
from studio.ui.kit import exports, tab_kit
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.panels.training_panel import TrainingHooks, create_training_panel

TEMPERATURE_CHOICES = ["greedy", "0.2", "0.5", "0.7", "1.0", "1.5", "2.0"]
BOOK_CHOICES = ["0.2", "0.5", "0.7", "1.0", "1.5"]
DEFAULT_PROMPT = "This movie"
DEFAULT_PREFIX = "This movie was"


def generation_cards(rows, lang: str) -> str:
    """The generations side by side as HTML cards: temperature, prompt in grey, new words, repetition."""
    cards = []
    for row in rows:
        title = text("text.card_greedy", lang) if row.temperature == 0 else f"T = {row.temperature:g}"
        stats = text("text.card_stats", lang, share=row.repeated_3grams, distinct=row.distinct_words)
        cards.append(
            "<div style='flex:1 1 200px;min-width:200px;border:1px solid #c7cbe0;border-radius:8px;padding:8px'>"
            f"<b>{html.escape(title)}</b><br><span style='opacity:.55'>{html.escape(row.prompt)}</span> "
            f"{html.escape(row.text)}<br><small style='opacity:.75'>{html.escape(stats)}</small></div>")
    return f"<div style='display:flex;gap:8px;flex-wrap:wrap'>{''.join(cards)}</div>"


def generations_text(rows) -> str:
    """The generations as plain text for the download: one block per temperature, the prompt, then the
    new words. Language-neutral on purpose: the same recipe must give the same bytes in any UI language."""
    blocks = []
    for row in rows:
        title = "greedy" if row.temperature == 0 else f"T = {row.temperature:g}"
        blocks.append(f"[{title}] repeated 3-grams {row.repeated_3grams:.0%}, distinct words {row.distinct_words}\n"
                      f"{row.prompt} {row.text}\n")
    return "\n".join(blocks)


def status_text(service, lang: str) -> str:
    """Which weights the IMDB model uses and its perplexity (beside the bigram baseline's)."""
    try:
        status = service.status()
    except Exception as exc:  # noqa: BLE001 - missing weights: the message says how to train them
        return str(exc)
    m = status["metrics"]
    source = text("text.user" if status["source"] == "user" else "text.shipped", lang)
    return text("text.status", lang, source=source, command=status["command"], created=status["created"],
                ppl=m.get("val_perplexity", "?"), bigram=m.get("bigram_val_perplexity", "?"))


def own_status(own, lang: str) -> str:
    """Whether the student's own model exists, and its perplexity."""
    if not own.trained():
        return text("text.own_none", lang)
    m = own.status()["metrics"]
    return text("text.own_status", lang, command=own.status()["command"], ppl=m.get("val_perplexity", "?"))


def create_tab(ctx: TabContext, service, own) -> list[tab_kit.TabRefresh]:
    """Build the tab; ``service`` is a TextService (IMDB), ``own`` an OwnTextService (the student's text)."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "text.tab"}, id="text"):
        tr.make(gr.Markdown, {"value": "text.intro"})
        with gr.Tabs():  # the first two sub-tabs give back their parts of the page's refresh
            generate_part, (top_k, top_p) = _side_by_side_subtab(ctx, service)
            distribution_part = _distribution_subtab(ctx, service, top_k, top_p)
            if ctx.classroom.active:
                _create_poll(ctx, service)
            if ctx.allow_training:
                _own_text_subtab(ctx, own)
        status = tab_kit.about_weights(tr)
    return [tab_kit.combined(generate_part, distribution_part,
                             (lambda lang: status_text(service, lang), [lang], [status]))]


def _side_by_side_subtab(ctx: TabContext, service):
    """Generations at several temperatures side by side (code 12-9), downloadable with their recipe.
    Returns (its refresh part, the top-k and top-p sliders)."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "text.side_tab"}):
        with gr.Row():
            prompt = tr.make(gr.Textbox, {"label": "text.prompt"}, value=DEFAULT_PROMPT, max_lines=3, scale=3)
            length = tr.make(gr.Slider, {"label": "text.length"}, minimum=1, maximum=200, step=1, value=50)
            seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0, elem_id="text-seed")
        temperatures = tr.make(gr.CheckboxGroup, {"label": "text.temperatures"}, choices=TEMPERATURE_CHOICES,
                               value=BOOK_CHOICES)
        with tr.make(gr.Accordion, {"label": "text.beyond"}, open=False), gr.Row():
            top_k = tr.make(gr.Slider, {"label": "text.top_k"}, minimum=0, maximum=200, step=1, value=0)
            top_p = tr.make(gr.Slider, {"label": "text.top_p"}, minimum=0.05, maximum=1.0, step=0.05, value=1.0)
        generate_btn = tr.make(gr.Button, {"value": "text.generate"}, variant="primary",
                               elem_classes=tab_kit.MAIN_ACTION, elem_id="text-generate")
        cards = gr.HTML(elem_id="text-cards")
        cards_md = gr.Markdown()
        cards_file = tr.make(gr.File, {"label": "text.download"}, interactive=False, height=80)
        tr.make(gr.Markdown, {"value": "text.greedy_vs_stochastic"})

    # The generations download as a .txt headed by their recipe (prompt, length, temperatures, seed,
    # top-k/top-p, the model's sha256); the recipe panel regenerates them byte for byte.
    @exports.reproducible("text.generate", models=[service.name], text=True)
    def generations_file(prompt, length, temperatures, seed, top_k, top_p):
        checked, rows = service.generate(prompt, length, temperatures, seed, top_k, top_p)
        return generations_text(rows), checked, rows

    @guarded
    def generate(lang, prompt_text, n, chosen, seed_value, k, p):
        start = time.perf_counter()
        path, checked, rows = generations_file(prompt_text, n, chosen, seed_value, k, p)
        notes = [text("text.same_seed", lang, count=len(rows), ms=1000 * (time.perf_counter() - start))]
        if checked.unknown:
            notes.append(text("text.unknown_words", lang, words=", ".join(checked.unknown[:10])))
        if checked.truncated:
            notes.append(text("text.truncated", lang, n=checked.truncated))
        notes.append(exports.line_of(path))
        return generation_cards(rows, lang), "\n\n".join(notes), path

    inputs, outputs = [lang, prompt, length, temperatures, seed, top_k, top_p], [cards, cards_md, cards_file]
    ctx.link(
        "text.generate", "text",
        {"prompt": prompt, "length": length, "temperatures": temperatures, "seed": seed, "top_k": top_k,
         "top_p": top_p}, outputs,
        lambda lang, prompt, length, temperatures, seed, top_k, top_p: generate(lang, prompt, length, temperatures,
                                                                                seed, top_k, top_p))
    gr.on([generate_btn.click, prompt.submit], generate, inputs, outputs, api_name="text_generate")
    return (generate, inputs, outputs), (top_k, top_p)


def _distribution_subtab(ctx: TabContext, service, top_k, top_p):
    """The next-word distribution before and after reweighting, and the prompt grown one sampled word at
    a time (with the first sub-tab's top-k and top-p); its refresh part."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "text.dist_tab"}):
        tr.make(gr.Markdown, {"value": "text.dist_intro"})
        with gr.Row():
            prefix = tr.make(gr.Textbox, {"label": "text.prefix"}, value=DEFAULT_PREFIX, max_lines=4, scale=3)
            temperature = tr.make(gr.Slider, {"label": "text.temperature"}, minimum=0.05, maximum=3.0, step=0.05,
                                  value=0.7)
            top = tr.make(gr.Slider, {"label": "text.top_words"}, minimum=2, maximum=30, step=1, value=15)
        with gr.Row():
            show_btn = tr.make(gr.Button, {"value": "text.show"}, variant="primary")
            word_btn = tr.make(gr.Button, {"value": "text.one_word"})
            reset_btn = tr.make(gr.Button, {"value": "text.reset"})
            step_seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
        bars = tr.make(gr.Image, {"label": "text.bars"}, type="numpy", format="png", interactive=False,
                       show_label=False)
        bars_md = gr.Markdown()
        steps = gr.State(0)

    @guarded
    def distribution(lang, prefix_text, t, k):
        result = service.distribution(prefix_text, t, k, lang)
        summary = text("text.dist_summary", lang, before=result["entropy_before"], after=result["entropy_after"],
                       t=f"{float(t):g}", k=int(k), share_before=result["top_share_before"],
                       share_after=result["top_share_after"])
        return result["picture"], summary

    @guarded
    def one_word(lang, prefix_text, t, k, seed_value, step, top_k_value, top_p_value):
        longer = service.next_word(prefix_text, t, seed_value, step, top_k_value, top_p_value)
        return (longer, step + 1, *distribution(lang, longer, t, k))

    def reset(lang, t, k):
        return (DEFAULT_PREFIX, 0, *distribution(lang, DEFAULT_PREFIX, t, k))

    inputs, outputs = [lang, prefix, temperature, top], [bars, bars_md]
    gr.on([show_btn.click, prefix.submit], distribution, inputs, outputs, api_name="text_distribution")
    gr.on([temperature.release, top.release], distribution, inputs, outputs, show_progress="hidden",
          api_visibility="private")
    word_btn.click(one_word, [lang, prefix, temperature, top, step_seed, steps, top_k, top_p],
                   [prefix, steps, bars, bars_md], api_name="text_next_word")
    reset_btn.click(reset, [lang, temperature, top], [prefix, steps, bars, bars_md], api_visibility="private")
    return distribution, inputs, outputs


def _own_text_subtab(ctx: TabContext, own) -> None:
    """Train a character model on the student's own .txt file, then generate from it."""
    tr = ctx.tr
    with tr.make(gr.Tab, {"label": "text.own_tab"}):
        tr.make(gr.Markdown, {"value": "text.own_intro"})

        def own_file():
            return tr.make(gr.File, {"label": "text.own_file"}, file_types=[".txt"], type="filepath", height=90)

        hooks = TrainingHooks(job=lambda r: own.training_job(r.choice, r.epochs, r.keep_on_stop),
                              status=lambda lg, _: own_status(own, lg), use_shipped=lambda _: None)
        create_training_panel(ctx, hooks, api_prefix="text_own", intro_key="text.own_train_intro",
                              default_epochs=10, max_epochs=60, make_choice=own_file)
        with gr.Row():
            own_prompt = tr.make(gr.Textbox, {"label": "text.own_prompt"}, value="", max_lines=2, scale=3)
            own_length = tr.make(gr.Slider, {"label": "text.own_length"}, minimum=1, maximum=200, step=1, value=120)
            own_t = tr.make(gr.Slider, {"label": "text.temperature"}, minimum=0.05, maximum=3.0, step=0.05,
                            value=0.7)
            own_seed = tr.make(gr.Number, {"label": "common.seed"}, value=0, precision=0, minimum=0)
        own_btn = tr.make(gr.Button, {"value": "text.generate"}, variant="primary")
        own_out = tr.make(gr.Textbox, {"label": "text.own_out"}, lines=4, interactive=False)
    own_btn.click(guarded(own.sample), [own_prompt, own_length, own_t, own_seed], own_out,
                  api_name="text_own_generate")


POLL_LENGTH = 30  # words: enough to judge whether it reads as English, short enough to read in class


def _create_poll(ctx: TabContext, service) -> None:
    """The class's temperature poll (a sub-tab, only in a class): each student generates at a temperature
    and answers "does this read as English?"; the projector plots the answers against the temperature."""
    tr, lang = ctx.tr, ctx.lang
    with tr.make(gr.Tab, {"label": "text.poll_tab"}, id="text-poll"):
        tr.make(gr.Markdown, {"value": "text.poll_intro"})
        with gr.Row():
            poll_t = tr.make(gr.Slider, {"label": "text.temperature"}, minimum=0.1, maximum=2.5, step=0.1, value=1.0,
                             elem_id="text-poll-temperature")
            poll_btn = tr.make(gr.Button, {"value": "text.poll_generate"}, variant="primary",
                               elem_id="text-poll-generate")
        poll_card = gr.HTML(elem_id="text-poll-card")
        with gr.Row():
            yes_btn = tr.make(gr.Button, {"value": "text.poll_yes"}, elem_id="text-poll-yes")
            no_btn = tr.make(gr.Button, {"value": "text.poll_no"}, elem_id="text-poll-no")
        poll_md = gr.Markdown(elem_id="text-poll-verdict")
        poll_state = gr.State(None)  # this page's text: its id and measured figures (never shared)

    @guarded
    def poll_generate(lg, t):
        handed = handed_temperature(ctx.classroom)  # the lecturer may spread the temperatures over the room
        t = float(t) if handed is None else handed
        _, rows = service.generate(DEFAULT_PROMPT, POLL_LENGTH, [t], secrets.randbelow(2**31))
        row = rows[0]
        state = {"id": secrets.token_hex(8), "temperature": row.temperature,
                 "distinct": row.distinct_words / POLL_LENGTH, "repeated": row.repeated_3grams}
        note = "" if handed is None else text("text.poll_handed", lg, t=handed) + " "
        return generation_cards(rows, lg), state, note + text("text.poll_question", lg), t

    @guarded
    def poll_answer(lg, state, yes):
        if state is None:
            raise UserError(text("text.poll_first", lg))
        figures = {k: v for k, v in state.items() if k != "id"}
        _, line = ctx.classroom.answer(lg, TEMPERATURE_POLL.name, state["id"], {**figures, "yes": bool(yes)})
        rows = temperature_rows(ctx.classroom.answers(TEMPERATURE_POLL.name))
        shown = " · ".join(text("text.class_row", lg, t=r.temperature, yes=r.yes_share, n=r.answers) for r in rows)
        return "\n\n".join(part for part in (line, text("text.class_rows", lg, rows=shown) if shown else "") if part)

    hidden = {"api_visibility": "private"}
    poll_btn.click(poll_generate, [lang, poll_t], [poll_card, poll_state, poll_md, poll_t], **hidden)
    yes_btn.click(lambda lg, state: poll_answer(lg, state, True), [lang, poll_state], poll_md, **hidden)
    no_btn.click(lambda lg, state: poll_answer(lg, state, False), [lang, poll_state], poll_md, **hidden)


def build(ctx: TabContext) -> list[tab_kit.TabRefresh]:
    """The tab with its service: what the technique's declaration names (``Technique.tab``)."""
    return create_tab(ctx, TextService(), OwnTextService())
