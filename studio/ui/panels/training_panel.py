"""The training panel every trainable tab reuses: epochs, Train / Stop, live preview and loss curve.

A tab supplies ``TrainingHooks``; their ``job(TrainRequest) -> JobSpec`` is the ``python -m
studio.train`` command its Train button stands for. The panel puts it in the server's line of
training jobs (``studio.training.jobs``), which runs it in a worker process, so training never holds
up anyone's inference. While the job waits the panel shows its place in the line and an estimate
(Stop leaves the line); while it runs it streams the progress line with the time left, the latest
preview and the loss curves; at the end it says in one sentence how the job ended.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import gradio as gr

from studio.media import plots
from studio.training import CancelToken
from studio.training.jobs import FINAL_EVENTS, JobSpec, TrainingFailed, TrainingJobs
from studio.ui.kit.context import TabContext
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text

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


@dataclass(frozen=True)
class TrainRequest:
    """A Train click, as the panel hands it to the technique: the length, whether a stopped run keeps
    what it learnt, the tab's own choice (which variant, which file; None without one) and the
    settings ("classroom" or "lecture"; "lecture" where the tab offers no schedule)."""

    epochs: int
    keep_on_stop: bool
    choice: object = None
    schedule: str = "lecture"


@dataclass(frozen=True)
class TrainingHooks:
    """What a tab's training panel asks of its technique, by name.

    ``job(request)`` turns a ``TrainRequest`` into the ``JobSpec`` of its Train button (and refuses
    bad input with a ``UserError`` before anything waits); ``status(lang, choice)`` describes the
    weights in use; ``use_shipped(choice)`` switches back to the shipped weights.
    """

    job: Callable[[TrainRequest], JobSpec]
    status: Callable[[str, object], str]
    use_shipped: Callable[[object], object]

    @classmethod
    def of_variants(cls, service, status: Callable[[str, object], str],
                    takes_schedule: bool = False) -> "TrainingHooks":
        """The hooks of a service that trains the variant chosen in the panel:
        ``training_job(variant, epochs, keep_on_stop[, schedule])`` (the schedule, "lecture" or
        "classroom", when ``takes_schedule``) and ``use_shipped(variant)``."""
        def job(r: TrainRequest) -> JobSpec:
            extra = (r.schedule,) if takes_schedule else ()
            return service.training_job(r.choice, r.epochs, r.keep_on_stop, *extra)

        return cls(job=job, status=status, use_shipped=service.use_shipped)


def create_training_panel(ctx: TabContext, hooks: TrainingHooks, *, api_prefix: str, intro_key: str,
                          default_epochs: int, max_epochs: int, make_choice: Callable[[], object] | None = None,
                          classroom_key: str | None = None, epochs_key: str = "train.epochs",
                          curves: Callable[..., object] = plots.loss_curves) -> TrainingPanel:
    """Build the panel inside the current layout.

    ``make_choice()`` builds the one widget of the tab's own (e.g. which variant to train) inside the
    panel; its value is the request's ``choice``. ``classroom_key`` (the text naming a tab's quick
    schedule) adds a choice between that schedule, the default, and the lecture's settings; the length
    slider then shows only for the lecture's settings (the schedule has its own length).
    ``curves(history, lang=...)`` draws the loss history; ``epochs_key`` labels the length slider (a
    GAN counts rounds of steps rather than epochs).
    """
    tr, lang, jobs, trainer = ctx.tr, ctx.lang, ctx.jobs, ctx.trainer
    with tr.make(gr.Accordion, {"label": "common.training"}, open=False, elem_id=f"{api_prefix}-training"):
        tr.make(gr.Markdown, {"value": intro_key})
        # Every panel's Train event has the same inputs: a tab without a choice or a schedule holds a
        # constant in their place, so one handler signature serves every tab.
        choice = make_choice() if make_choice else gr.State(None)
        schedule, epochs, keep = _settings(tr, classroom_key, epochs_key, default_epochs, max_epochs)
        with gr.Row():
            train_btn = tr.make(gr.Button, {"value": "common.train"}, variant="primary", elem_id=f"{api_prefix}-train")
            stop_btn = tr.make(gr.Button, {"value": "common.stop"}, variant="stop", elem_id=f"{api_prefix}-stop")
            shipped_btn = tr.make(gr.Button, {"value": "common.use_shipped"})
        ctx.classroom.train_buttons[api_prefix] = train_btn  # a lecture plan's step may start this training
        progress_md = gr.Markdown()
        with gr.Row():
            preview = tr.make(gr.Image, {"label": "train.preview"}, type="numpy", format="png",
                              interactive=False, height=220, elem_id=f"{api_prefix}-train-preview")
            curve = tr.make(gr.Image, {"label": "train.curve"}, type="numpy", format="png",
                            interactive=False, height=220)
    status = gr.Markdown()

    def train(lang, n_epochs, keep_on_stop, chosen, settings, request: gr.Request):
        # may refuse bad input before anything waits
        spec = hooks.job(TrainRequest(int(n_epochs), bool(keep_on_stop), chosen, settings))
        token = jobs.start(request.session_hash)
        try:
            yield from _job_updates(trainer, spec, token, lang, curves, lambda: hooks.status(lang, chosen))
        finally:
            jobs.finish(request.session_hash, token)

    # Many may click Train at once: the line of training jobs (not Gradio's queue) makes them wait
    # their turn, with their place shown; this limit only bounds the waiting streams.
    finished = train_btn.click(guarded(train), [lang, epochs, keep, choice, schedule],
                               [progress_md, preview, curve, status], api_name=f"{api_prefix}_train",
                               concurrency_limit=WAITING_LIMIT, concurrency_id=TRAINING_STREAMS)

    def stop(lang, request: gr.Request):
        if jobs.cancel(request.session_hash):
            gr.Info(text("train.stopping", lang))

    stop_btn.click(stop, [lang], None, queue=False, api_visibility="private")

    @guarded
    def switch_back(lang, chosen):
        hooks.use_shipped(chosen)
        return hooks.status(lang, chosen)

    switched = shipped_btn.click(switch_back, [lang, choice], status, api_name=f"{api_prefix}_use_shipped")
    return TrainingPanel(finished, switched, status)


def variants_training_panel(ctx: TabContext, service, status: Callable[[str, object], str], *,
                            takes_schedule: bool = False, **panel) -> TrainingPanel:
    """``create_training_panel`` for a service that trains the variant chosen in the panel
    (``TrainingHooks.of_variants``): ``status(lang, variant)`` describes the weights in use; ``panel`` are
    ``create_training_panel``'s settings (``make_choice`` builds the variant's widget)."""
    return create_training_panel(ctx, TrainingHooks.of_variants(service, status, takes_schedule), **panel)


def _settings(tr, classroom_key: str | None, epochs_key: str, default_epochs: int, max_epochs: int) -> tuple:
    """The panel's settings: (schedule, length slider, keep-on-stop box). With a ``classroom_key`` the
    schedule is a choice, and the slider shows only for the lecture's settings; without one it is the
    constant "lecture"."""
    if classroom_key:
        schedule = tr.make(gr.Radio, {"label": "train.settings", "choices": lambda lang: [
            (text(classroom_key, lang), "classroom"), (text("train.lecture_settings", lang), "lecture")]},
            value="classroom")
    else:
        schedule = gr.State("lecture")
    with gr.Row():
        epochs = tr.make(gr.Slider, {"label": epochs_key}, minimum=1, maximum=max_epochs, step=1,
                         value=default_epochs, visible=not classroom_key)
        keep = tr.make(gr.Checkbox, {"label": "train.keep_on_stop"}, value=False)
    if classroom_key:
        schedule.change(lambda chosen: gr.update(visible=chosen != "classroom"), schedule, epochs,
                        queue=False, api_visibility="private")
    return schedule, epochs, keep


def _job_updates(trainer: TrainingJobs, spec: JobSpec, token: CancelToken, lang: str,
                 curves: Callable[..., object], final_status: Callable[[], str]) -> Iterator[tuple]:
    """(progress line, preview, loss curve, status) of one Train click while its job waits and runs, at
    most every ``_REFRESH_SECONDS`` and at each new epoch; the last one says how the job ended, with
    ``final_status()`` (the weights now in use)."""
    history: dict[str, list[float]] = {}
    latest_preview = None
    message = text("train.starting", lang)
    last_yield = 0.0
    ticket = None
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
            yield (text(key, lang), latest_preview, curves(history, lang=lang) if history else None, final_status())
            return
        now = time.monotonic()
        if fresh or now - last_yield >= _REFRESH_SECONDS:
            last_yield = now
            line = waiting_line(trainer, ticket, lang) if ticket.state == "waiting" else \
                _running_line(ticket, message, lang)
            # pictures only when they change: a curve is a Matplotlib drawing, not free
            yield (line, latest_preview if fresh and latest_preview is not None else gr.skip(),
                   curves(history, lang=lang) if fresh else gr.skip(), gr.skip())


def _running_line(ticket, message: str, lang: str) -> str:
    """'**40%** · the recipe's message · 1:05 elapsed · time left, about 2 min'."""
    elapsed = time.monotonic() - (ticket.started_at or time.monotonic())
    line = (f"**{ticket.fraction:.0%}** · {message} · "
            + text("train.elapsed", lang, elapsed=f"{int(elapsed) // 60}:{int(elapsed) % 60:02d}"))
    left = ticket.remaining_s()
    if left is not None and ticket.fraction >= 0.02:  # before that the pace says little
        line += " · " + text("train.left", lang, eta=_minutes(left, lang))
    return line
