"""The training panel every trainable tab reuses: epochs, Train / Stop, live preview and loss curve.

A tab supplies ``job(epochs, keep_on_stop, *extra) -> JobSpec``: the ``python -m studio.train``
command its Train button stands for. The panel puts it in the server's line of training jobs
(``studio.training_jobs``), which runs it in a worker process, so training never holds up anyone's
inference. While the job waits the panel shows its place in the line and an estimate (Stop leaves
the line); while it runs it streams the progress line with the time left, the latest preview and
the loss curves; at the end it says in one sentence how the job ended.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import gradio as gr

from studio import plots
from studio.training import CancelToken
from studio.training_jobs import FINAL_EVENTS, JobSpec, TrainingFailed, TrainingJobs
from studio.ui.context import TabContext
from studio.ui.errors import guarded
from studio.ui.i18n import text

_REFRESH_SECONDS = 0.5  # at most two screen updates a second while training
TRAINING_STREAMS = "training"  # the concurrency group of every panel's Train event
WAITING_LIMIT = 16  # Train streams (one running job, the rest waiting in line) served at once


def _minutes(seconds: float | None, lang: str) -> str:
    """'about 6 min' / '약 6분', or '' when nothing is known."""
    if seconds is None:
        return ""
    if seconds < 60:
        return text("train.about_seconds", lang, n=max(1, round(seconds)))
    return text("train.about_minutes", lang, n=round(seconds / 60))


def _ordinal(place: int, lang: str) -> str:
    if lang != "en":
        return str(place)
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"


def waiting_line(trainer: TrainingJobs, ticket, lang: str) -> str:
    """'You are 2nd in line, about 6 min' for a waiting job (or 'starting' once it is its turn)."""
    place = trainer.place(ticket)
    if not place:
        return text("train.starting", lang)
    return text("train.queued", lang, place=_ordinal(place + 1, lang), eta=_minutes(trainer.wait_estimate(ticket), lang))


def follow_job(trainer: TrainingJobs, spec: JobSpec, token: CancelToken) -> Iterator[tuple]:
    """Put ``spec`` in ``trainer``'s line and yield what happens until it ends.

    Yields ``("submitted", ticket)`` first, then the job's events (``("progress", f, message)``,
    ``("epoch", epoch, logs, preview)``),
    ``("waiting", place, ticket)`` or ``("tick", ticket)`` about every half second while nothing
    else happens, and its final ``("done", ...)``, ``("stopped", saved)`` or ``("left",)``. A failed
    or crashed job raises ``TrainingFailed`` with its one-sentence message. Setting ``token`` (the
    session's Stop button) stops the job or takes it out of the line; so does closing the
    generator early (the browser went away).
    """
    ticket = trainer.submit(spec)
    ended = False
    try:
        yield ("submitted", ticket)
        while True:
            if token.cancelled and not ticket.cancel_requested.is_set():
                trainer.leave(ticket)
            try:
                event = ticket.events.get(timeout=_REFRESH_SECONDS)
            except queue.Empty:
                place = trainer.place(ticket)
                yield ("waiting", place, ticket) if ticket.state == "waiting" and place else ("tick", ticket)
                continue
            if event[0] in ("failed", "crashed"):
                ended = True
                raise TrainingFailed(event[1])
            if event[0] in FINAL_EVENTS:
                ended = True
                yield event
                return
            yield event
    finally:
        if not ended:
            trainer.leave(ticket)


@dataclass
class TrainingPanel:
    """The panel's parts a tab wires further (e.g. refresh its pictures once training ends)."""

    finished: object  # the train event; chain ``.then(...)`` on it
    switched: object  # the "return to shipped weights" event
    status: gr.Markdown


def create_training_panel(ctx: TabContext, job: Callable[..., JobSpec], status_text: Callable,
                          use_shipped: Callable, api_prefix: str, default_epochs: int, max_epochs: int,
                          intro_key: str, make_extra_inputs: Callable[[], list] | None = None,
                          curves: Callable[..., object] = plots.loss_curves,
                          epochs_key: str = "train.epochs", classroom_key: str | None = None) -> TrainingPanel:
    """Build the panel inside the current layout.

    ``make_extra_inputs()`` builds widgets inside the panel (e.g. which variant to train); their
    values are passed to ``job`` after its standard arguments, and to ``status_text(lang, *extra)``
    (a description of the weights in use) and ``use_shipped(*extra)`` (the switch back to the
    shipped weights). ``curves(history, lang=...)`` draws the loss history (default: one curve per logged
    value, per epoch); ``epochs_key`` labels the slider (a GAN counts rounds of steps rather than epochs).
    ``classroom_key`` (the text naming a tab's quick preset) adds a choice between that preset, the
    default, and the lecture's settings: ``job`` then gets ``preset="classroom"|"lecture"``, and the
    length slider shows only for the lecture's settings (the preset has its own length).
    """
    tr, lang, jobs, trainer = ctx.tr, ctx.lang, ctx.jobs, ctx.trainer
    with tr.make(gr.Accordion, {"label": "common.training"}, open=False):
        tr.make(gr.Markdown, {"value": intro_key})
        extra_inputs = make_extra_inputs() if make_extra_inputs else []
        preset_inputs = []
        if classroom_key:
            preset_inputs = [tr.make(gr.Radio, {"label": "train.settings", "choices": lambda lang: [
                (text(classroom_key, lang), "classroom"), (text("train.lecture_settings", lang), "lecture")]},
                value="classroom")]
        with gr.Row():
            epochs = tr.make(gr.Slider, {"label": epochs_key}, minimum=1, maximum=max_epochs, step=1,
                             value=default_epochs, visible=not classroom_key)
            keep = tr.make(gr.Checkbox, {"label": "train.keep_on_stop"}, value=False)
        if classroom_key:
            preset_inputs[0].change(lambda preset: gr.update(visible=preset != "classroom"), preset_inputs, epochs,
                                    queue=False, api_visibility="private")
        with gr.Row():
            train_btn = tr.make(gr.Button, {"value": "common.train"}, variant="primary")
            stop_btn = tr.make(gr.Button, {"value": "common.stop"}, variant="stop")
            shipped_btn = tr.make(gr.Button, {"value": "common.use_shipped"})
        progress_md = gr.Markdown()
        with gr.Row():
            preview = tr.make(gr.Image, {"label": "train.preview"}, type="numpy", format="png",
                              interactive=False, height=220)
            curve = tr.make(gr.Image, {"label": "train.curve"}, type="numpy", format="png",
                            interactive=False, height=220)
    status = gr.Markdown()

    def running_line(lang, ticket, message: str) -> str:
        """'**40%** · the recipe's message · 1:05 elapsed · time left, about 2 min'."""
        elapsed = time.monotonic() - (ticket.started_at or time.monotonic())
        line = (f"**{ticket.fraction:.0%}** · {message} · "
                + text("train.elapsed", lang, elapsed=f"{int(elapsed) // 60}:{int(elapsed) % 60:02d}"))
        left = ticket.remaining_s()
        if left is not None and ticket.fraction >= 0.02:  # before that the pace says little
            line += " · " + text("train.left", lang, eta=_minutes(left, lang))
        return line

    def train_stream(lang, n_epochs, keep_on_stop, values: tuple, request: gr.Request):
        extra = values[:len(extra_inputs)]  # the tab's own inputs; then the preset choice, if offered
        preset = {"preset": values[len(extra_inputs)]} if preset_inputs else {}
        spec = job(int(n_epochs), bool(keep_on_stop), *extra, **preset)  # may refuse bad input before anything waits
        token = jobs.start(request.session_hash)
        history: dict[str, list[float]] = {}
        latest_preview = None
        message = text("train.starting", lang)
        last_yield = 0.0
        ticket = None
        try:
            for kind, *payload in follow_job(trainer, spec, token):
                fresh = False  # a new epoch: a new preview and curve point to draw
                if kind == "submitted":
                    ticket = payload[0]
                elif kind == "progress":
                    message = payload[1]
                elif kind == "epoch":
                    _, logs, image = payload
                    for name, value in logs.items():
                        history.setdefault(name, []).append(float(value))
                    latest_preview = image if image is not None else latest_preview
                    fresh = True
                elif kind in ("done", "stopped", "left"):
                    key = {"done": "train.done", "left": "train.left_line"}.get(kind) or \
                        ("train.stopped_saved" if payload[0] else "train.stopped")
                    yield (text(key, lang), latest_preview, curves(history, lang=lang) if history else None,
                           status_text(lang, *extra))
                    return
                now = time.monotonic()
                if fresh or now - last_yield >= _REFRESH_SECONDS:
                    last_yield = now
                    line = waiting_line(trainer, ticket, lang) if ticket.state == "waiting" else \
                        running_line(lang, ticket, message)
                    # pictures only when they change: a curve is a Matplotlib drawing, not free
                    yield (line, latest_preview if fresh and latest_preview is not None else gr.skip(),
                           curves(history, lang=lang) if fresh else gr.skip(), gr.skip())
        finally:
            jobs.finish(request.session_hash, token)

    def stop(lang, request: gr.Request):
        if jobs.cancel(request.session_hash):
            gr.Info(text("train.stopping", lang))

    @guarded
    def switch_back(lang, *extra):
        use_shipped(*extra)
        return status_text(lang, *extra)

    # Gradio finds the gr.Request parameter by its position, which *args would hide: one signature
    # per arity (a tab's one extra input at most, and the preset choice).
    if len(extra_inputs) > 1:
        raise ValueError("The training panel takes at most one extra input.")
    arity = len(extra_inputs) + len(preset_inputs)
    if arity == 2:
        def train(lang, n_epochs, keep_on_stop, first, second, request: gr.Request):
            yield from train_stream(lang, n_epochs, keep_on_stop, (first, second), request)
    elif arity == 1:
        def train(lang, n_epochs, keep_on_stop, first, request: gr.Request):
            yield from train_stream(lang, n_epochs, keep_on_stop, (first,), request)
    else:
        def train(lang, n_epochs, keep_on_stop, request: gr.Request):
            yield from train_stream(lang, n_epochs, keep_on_stop, (), request)

    # Many may click Train at once: the line of training jobs (not Gradio's queue) makes them wait
    # their turn, with their place shown; this limit only bounds the waiting streams.
    finished = train_btn.click(guarded(train), [lang, epochs, keep, *extra_inputs, *preset_inputs],
                               [progress_md, preview, curve, status], api_name=f"{api_prefix}_train",
                               concurrency_limit=WAITING_LIMIT, concurrency_id=TRAINING_STREAMS)
    stop_btn.click(stop, [lang], None, queue=False, api_visibility="private")
    switched = shipped_btn.click(switch_back, [lang, *extra_inputs], status, api_name=f"{api_prefix}_use_shipped")
    return TrainingPanel(finished, switched, status)
