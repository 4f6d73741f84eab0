"""The training panel every trainable tab reuses: epochs, Train / Stop, live preview and loss curve.

A tab supplies ``run(epochs, keep_on_stop, on_progress, on_epoch, cancel)``, which trains, saves
through the registry and returns a status dict. The panel runs it in a worker thread and streams
what it reports: a progress line, the latest preview image and the loss curves. Training is queued
with a concurrency limit of one for the whole studio ("training" concurrency id).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from studio import plots
from studio.training import TrainingCancelled
from studio.ui.errors import guarded
from studio.ui.i18n import Translator, text
from studio.ui.jobs import SessionJobs

TRAINING_QUEUE = "training"  # one training at a time across the studio
_REFRESH_SECONDS = 0.5  # at most two screen updates a second while training


@dataclass
class TrainingPanel:
    """The panel's parts a tab wires further (e.g. refresh its pictures once training ends)."""

    finished: object  # the train event; chain ``.then(...)`` on it
    switched: object  # the "return to shipped weights" event
    status: gr.Markdown


def create_training_panel(tr: Translator, lang, jobs: SessionJobs, run: Callable, status_text: Callable,
                          use_shipped: Callable, api_prefix: str, default_epochs: int, max_epochs: int,
                          intro_key: str, make_extra_inputs: Callable[[], list] | None = None,
                          curves: Callable[[dict], object] = plots.loss_curves,
                          epochs_key: str = "train.epochs") -> TrainingPanel:
    """Build the panel inside the current layout.

    ``make_extra_inputs()`` builds widgets inside the panel (e.g. which variant to train); their
    values are passed to ``run`` after its standard
    arguments, and to ``status_text(lang, *extra)`` (a description of the weights in use) and
    ``use_shipped(*extra)`` (the switch back to the shipped weights). ``curves(history)`` draws the
    loss history (default: one curve per logged value, per epoch); ``epochs_key`` labels the slider
    (a GAN counts rounds of steps rather than epochs).
    """
    with tr.make(gr.Accordion, {"label": "common.training"}, open=False):
        tr.make(gr.Markdown, {"value": intro_key})
        extra_inputs = make_extra_inputs() if make_extra_inputs else []
        with gr.Row():
            epochs = tr.make(gr.Slider, {"label": epochs_key}, minimum=1, maximum=max_epochs, step=1,
                             value=default_epochs)
            keep = tr.make(gr.Checkbox, {"label": "train.keep_on_stop"}, value=False)
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

    def train_stream(lang, n_epochs, keep_on_stop, extra: tuple, request: gr.Request):
        token = jobs.start(request.session_hash)
        events: queue.Queue = queue.Queue()
        history: dict[str, list[float]] = {}
        latest_preview = None
        line = text("train.starting", lang)

        def on_epoch(epoch, logs, image):
            events.put(("epoch", logs, image))

        def work():
            try:
                events.put(("done", run(int(n_epochs), bool(keep_on_stop),
                                        lambda f, m: events.put(("progress", f, m)), on_epoch, token, *extra)))
            except BaseException as exc:  # handed to the generator, which reports it
                events.put(("error", exc))

        worker = threading.Thread(target=work, name="studio-training", daemon=True)
        worker.start()
        last_yield = 0.0
        try:
            while True:
                kind, *payload = events.get()
                if kind == "progress":
                    fraction, message = payload
                    line = f"**{fraction:.0%}** · {message}"
                elif kind == "epoch":
                    logs, image = payload
                    for name, value in logs.items():
                        history.setdefault(name, []).append(float(value))
                    latest_preview = image if image is not None else latest_preview
                elif kind == "done":
                    yield (text("train.done", lang), latest_preview, curves(history),
                           status_text(lang, *extra))
                    return
                else:  # error
                    exc = payload[0]
                    if isinstance(exc, TrainingCancelled):
                        yield (text("train.stopped", lang), latest_preview,
                               curves(history) if history else None, status_text(lang, *extra))
                        return
                    raise exc
                now = time.monotonic()
                if kind == "epoch" or now - last_yield >= _REFRESH_SECONDS:
                    last_yield = now
                    yield (line, latest_preview, curves(history) if history else gr.skip(),
                           gr.skip())
        finally:
            token.cancel()  # the browser went away or an error escaped: stop the worker too
            jobs.finish(request.session_hash, token)

    def stop(lang, request: gr.Request):
        if jobs.cancel(request.session_hash):
            gr.Info(text("train.stopping", lang))

    @guarded
    def switch_back(lang, *extra):
        use_shipped(*extra)
        return status_text(lang, *extra)

    # Gradio finds the gr.Request parameter by its position, which *args would hide: one signature
    # per arity (the panels of this studio have no or one extra input).
    if extra_inputs:
        def train(lang, n_epochs, keep_on_stop, extra, request: gr.Request):
            yield from train_stream(lang, n_epochs, keep_on_stop, (extra,), request)
    else:
        def train(lang, n_epochs, keep_on_stop, request: gr.Request):
            yield from train_stream(lang, n_epochs, keep_on_stop, (), request)
    if len(extra_inputs) > 1:
        raise ValueError("The training panel takes at most one extra input.")

    finished = train_btn.click(guarded(train), [lang, epochs, keep, *extra_inputs],
                               [progress_md, preview, curve, status], api_name=f"{api_prefix}_train",
                               concurrency_limit=1, concurrency_id=TRAINING_QUEUE)
    stop_btn.click(stop, [lang], None, queue=False, api_visibility="private")
    switched = shipped_btn.click(switch_back, [lang, *extra_inputs], status, api_name=f"{api_prefix}_use_shipped")
    return TrainingPanel(finished, switched, status)
