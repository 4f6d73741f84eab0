"""A sampler's result, declared once (``TabContext.result``).

A sampler sub-tab used to spell one result out six times: the recipe (``exports.reproducible``), the input
guard (``guarded``), a click handler that pins the class wall, the events of its button and of the
controls that draw again, the judge's readout line (shared by every page, with its words for a readout
that cannot be made), and the ``LinkTarget`` that links, lecture plans and the class follow. A
``SamplerResult`` is all of it: the recipe's parameters are named once, each with its widget, and mean one
thing everywhere (the recipe, the link, the handler's arguments).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import gradio as gr
import numpy as np

from studio.serving import batching
from studio.serving.results import shared
from studio.ui.kit import exports
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import text
from studio.ui.kit.quality_text import readout_text
from studio.ui.kit.tab_kit import HIDDEN, JUDGE, SAMPLER



@dataclass(frozen=True)
class WallPin:
    """A Generate click put on the class wall (``ClassKit.pin``), each from the click's recipe parameters:
    what the pin keeps (``kept``), its ``caption``, the judge's ``(data set, the class asked for or None)``
    (``judged``); and ``draw(kept)``: the picture the projector shows (the first sample of the student's grid)."""

    kept: Callable[[dict], dict]
    caption: Callable[[dict], str]
    judged: Callable[[dict], tuple[str, int | None]]
    draw: Callable[[dict], np.ndarray]


def _with_lang(draw: Callable, handler: Callable) -> Callable:
    """``handler(lang, **params)`` with the signature ``(lang, <draw's parameters>)``: what a ``LinkTarget``'s
    ``show`` is checked against (``tests/test_links.py``: it takes exactly its recipe's parameters)."""
    parameters = [inspect.Parameter("lang", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                  *inspect.signature(draw).parameters.values()]

    def shown(*args, **kwargs):
        bound = shown.__signature__.bind(*args, **kwargs)
        return handler(**bound.arguments)

    shown.__signature__ = inspect.Signature(parameters)
    return shown


class SamplerResult:
    """One reproducible picture of a tab and what goes with it (see the module's docstring).

    ``draw(**params)`` makes the picture; ``params`` maps each of its parameters to its widget, in the
    order ``draw`` names them; ``readout(**params)``, when given, is the judge's readout of the picture's
    samples (a service's ``readout``, ``studio.judge.quality``), worded under it (``readout_to``).
    ``wire`` connects the events; ``inputs``/``outputs``/``drawn`` and ``judged`` (``(fn, inputs,
    outputs)`` of the readout) are what a tab's refresh combines."""

    def __init__(self, ctx, name: str, draw: Callable, params: dict, output, *, tab: str,
                 models: Sequence[str] | Callable[..., Sequence[str]] = (), readout: Callable | None = None,
                 readout_to=None, pin: WallPin | None = None, sub_tabs=None, sub_tab: str | None = None) -> None:
        names = list(inspect.signature(draw).parameters)
        if names != list(params):
            raise ValueError(f"{name}: the widgets {list(params)} are not draw's parameters {names}, in order")
        self.name, self.names, self.output, self.readout_to = name, names, output, readout_to
        self.inputs = list(params.values())
        self.outputs = [output]
        self.picture = exports.reproducible(name, models=models)(draw)
        self._ctx, self._pin = ctx, pin
        self._technique = name.split(".")[0]  # the wall's pins and drawers are by technique ("gan.samples": "gan")
        self.drawn = guarded(self.picture)  # a control changed, a page loaded, a link opened: no pin
        self.judged = None
        judge = None
        if readout is not None:
            judge = self._judge(readout)
            self.judged = (judge, [ctx.lang, *self.inputs], [readout_to])
        ctx.link(
            name, tab, dict(params), [output], _with_lang(draw, lambda lang, **values: self.drawn(**values)),
            sub_tabs=sub_tabs, sub_tab=sub_tab,
            readout=None if judge is None else _with_lang(draw, lambda lang, **values: judge(
                lang, *(values[n] for n in names))))
        if pin is not None:
            ctx.classroom.wall_drawer(self._technique, pin.draw)

    def _judge(self, readout: Callable) -> Callable:
        """The readout as a page asks for it: shared by everyone asking the same (a failure is not kept),
        made after the class's pictures, and said as unavailable rather than failing the page."""
        names, picture = self.names, self.picture

        @shared(f"{self.name}.readout")
        def line(lang, *values):
            # the model's figures are measured once for everyone; this click only judges its own samples
            worded = readout_text(readout(**dict(zip(names, values))), lang)
            return worded + "\n\n" + exports.line_of(picture.recipe(*values))

        def judge(lang, *values):
            batching.wait_until_samplers_idle()  # a class's pictures first, then the readouts
            try:
                return line(lang, *values)
            except Exception as exc:  # noqa: BLE001 - the readout is optional; the picture is not
                return text("judge.unavailable", lang, reason=str(exc))

        return judge

    def clicked(self, *values):
        """A Generate click: in a class, the student's picture on the wall first (the wall need not wait
        for the grid), then the picture."""
        if self._pin is not None and self._ctx.classroom.active:
            params = dict(zip(self.names, values))
            dataset, asked = self._pin.judged(params)
            self._ctx.classroom.pin(self._technique, self._pin.kept(params), self._pin.caption(params),
                                    dataset, asked)
        return self.drawn(*values)

    def wire(self, button=None, api_name: str | None = None, redraw_on: Sequence = (),
             readout_api: str | None = None) -> None:
        """The events: ``button`` draws (and pins), under ``api_name``; each of ``redraw_on`` (a control's
        event, e.g. ``seed.submit``) draws again, off the API; the readout follows each."""
        def then_readout(event, api: str | None):
            if self.judged is not None:
                judge, inputs, outputs = self.judged
                event.then(batching.in_readout_line(judge), inputs, outputs, **JUDGE,
                           **({"api_name": api} if api else HIDDEN))

        if button is not None:
            then_readout(button.click(guarded(self.clicked), self.inputs, self.outputs, **SAMPLER,
                                      **({"api_name": api_name} if api_name else HIDDEN)), readout_api)
        if redraw_on:
            then_readout(gr.on(list(redraw_on), self.drawn, self.inputs, self.outputs, **SAMPLER, **HIDDEN), None)
