"""What every tab module hands back to the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr

from studio.ui.kit.errors import guarded

# The CSS class of each tab's main button (one per tab: what a first-time visitor presses), so the
# browser test can press every tab's main action in any language.
MAIN_ACTION = ["studio-main-action"]

# DeepDream and style transfer take turns on one line: each takes both cores for seconds.
PHOTO_QUEUE = "dream"

# Event settings for a sampler's button: outside Gradio's queue, so a click costs its browser two
# status messages instead of four (each makes Gradio's frontend walk the page's components), and
# no queue slot: the clicks that arrive together are drawn in one batch by the service's Coalescer
# (studio.serving.batching), which bounds the work whatever the number of clicks. Its progress is
# "minimal" (a timer in the output's corner): the full overlay redraws the page every frame while the
# click waits, 0.26 cores of a browser against 0.11 (a pending event in headless Chromium), and a class's
# 30 clicks at once wait seconds on every student's device.
SAMPLER = {"queue": False, "show_progress": "minimal"}
# The judge's readouts (a thousand samples each) run outside Gradio's queue, wrapped in
# ``batching.in_readout_line``: one at a time, after the samplers are quiet, so that a burst of them
# never holds up the pictures a class is waiting for. Outside the queue a readout costs the browser
# two status messages instead of four (measured: ten students' Generate clicks took 3.7-4.4 s with
# queued readouts, 2.5 s without). The readout keeps its last words until the new ones come, without
# an animation.
JUDGE = {"queue": False, "show_progress": "hidden"}
# Events of the page itself (refreshes, follow-ups), not offered by the API.
HIDDEN = {"api_visibility": "private"}


@dataclass
class TabRefresh:
    """What the app runs when the page loads (in the page's language).

    ``followups`` are (fn, inputs, outputs) run after ``fn``: slower extras such as the judge's
    readout, so the main pictures never wait for them.
    """

    fn: object
    inputs: list
    outputs: list
    followups: list = field(default_factory=list)


def combined(*parts: tuple[Callable, list, list]) -> TabRefresh:
    """One refresh made of several of a tab's handlers, each given as ``(fn, inputs, outputs)``
    exactly as it is wired to its own event: the refresh's inputs and outputs are theirs, in order,
    so no long argument list has to line up with a list of components by hand."""
    inputs = [component for _, part_inputs, _ in parts for component in part_inputs]
    outputs = [component for _, _, part_outputs in parts for component in part_outputs]

    @guarded
    def refresh(*values):
        results, start = [], 0
        for fn, part_inputs, part_outputs in parts:
            value = fn(*values[start:start + len(part_inputs)])
            start += len(part_inputs)
            results.extend(value if len(part_outputs) > 1 else [value])
        return tuple(results)

    return TabRefresh(refresh, inputs, outputs)


def about_weights(tr) -> gr.Markdown:
    """Where the weights in use come from and what they measured, under a tab's results, folded (a phone
    reaches the controls first): the Markdown to fill, inside a closed "about these weights" accordion."""
    with tr.make(gr.Accordion, {"label": "common.about_weights"}, open=False):
        return gr.Markdown()
