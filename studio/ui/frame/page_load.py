"""Every tab's page-load results in one event, computed once for the whole class.

A page load used to fire each tab's refresh and its follow-ups as separate events (18 of them), and
each computed its pictures, readouts, figures and GIFs again, although every page asks for the same
ones: the starting values are the same, the seeds are fixed, the weights are the same. Here:

* one event fills every tab (``load``);
* each tab's part of it is a shared result (``studio.serving.results.SHARED``), keyed by the tab's step, its
  inputs (language included) and ``registry.weights_version()``; the first page, or the warm-up before
  it, computes it, and every later page gets the same values (the same files: Gradio does not encode
  a picture again);
* a tab whose refresh fails shows nothing new and does not hold up the others.

A page's language is its own page (``studio.ui.frame.page_language``): its load sends that language, and
the first tab's results in each language are written into that language's page (``starting_config_values``).

Only results that are functions of their inputs go through here: a refresh must not read or write
per-session state (``gr.State``), and ``PageResults`` refuses one that does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import gradio as gr
from gradio.data_classes import BaseModel
from gradio.processing_utils import move_files_to_cache
from gradio_client import utils as client_utils
import numpy as np
from PIL import Image

from studio.media import imaging
from studio.bundles import registry
from studio.serving.results import SHARED, SharedResults, fingerprint

log = logging.getLogger("studio")


@dataclass(frozen=True)
class _Step:
    """One function of the page load: a tab's refresh or a follow-up."""

    name: str
    fn: Callable
    inputs: tuple
    outputs: tuple


class PageResults:
    """The page-load results of ``refreshes`` (``studio.ui.kit.tab_kit.TabRefresh``).

    ``inputs`` and ``outputs`` are the union of the steps' widgets, for one Gradio event each.
    ``language`` is the page's language widget (an input of most steps), which ``warm`` varies.
    """

    def __init__(self, refreshes: Sequence, language, results: SharedResults = SHARED) -> None:
        self.language = language
        self.results = results
        steps = []
        for index, refresh in enumerate(refreshes):
            name = f"{index}:{getattr(refresh.fn, '__module__', '?')}"
            steps.append(_Step(name, refresh.fn, tuple(refresh.inputs), tuple(refresh.outputs)))
            for k, (fn, inputs, outputs) in enumerate(refresh.followups):
                steps.append(_Step(f"{name}/{k}", fn, tuple(inputs), tuple(outputs)))
        for step in steps:
            if any(isinstance(c, gr.State) for c in (*step.inputs, *step.outputs)):
                raise ValueError(f"The page load of {step.name} uses per-session state; it cannot be shared.")
        self._use(steps)

    def _use(self, steps: list[_Step]) -> None:
        self.steps = steps
        self.inputs = _unique(c for step in steps for c in step.inputs)
        self.outputs = _unique(c for step in steps for c in step.outputs)
        self._input_index = {id(c): k for k, c in enumerate(self.inputs)}

    def split(self) -> tuple[PageResults, PageResults]:
        """(the first tab's refresh, everything else): a page shows its first tab's pictures before the
        browser has applied the other tabs' dozens of results (on a slow phone that took 0.6 s). Both
        parts keep their steps' names, so they share the results this page computes or warms."""
        parts = []
        # The first tab's own refresh ("0:module"); its follow-ups ("0:module/k": a judge's readout, which
        # loads TensorFlow) come with the other tabs.
        first = (lambda step: step.name.startswith("0:") and "/" not in step.name)
        for keep in (first, lambda step: not first(step)):
            part = PageResults.__new__(PageResults)
            part.language, part.results = self.language, self.results
            part._use([step for step in self.steps if keep(step)])
            parts.append(part)
        return parts[0], parts[1]

    def show_at_once(self, lang: str) -> None:
        """Make these steps' page-load results the starting values of their widgets, in ``lang``: the page
        then carries them, and a phone draws the first tab's pictures as it draws the page, before its
        page-load event has even been sent. The event still runs (the shared results make it cheap), so
        a page with newer weights gets its own."""
        for component, initial in self.starting_config_values(lang).items():
            component.value = initial

    def starting_config_values(self, lang: str) -> dict:
        """{widget: its page-load result in ``lang``, as a page's configuration holds it} (the pictures as
        files in Gradio's cache, kept there): what ``show_at_once`` writes into the page of each language."""
        values = {}
        for component, value in zip(self.outputs, self.load(*self.starting_values(lang))):
            if isinstance(value, dict) and value.get("__type__") == "update":
                continue  # gr.skip() or an update of properties: not a value
            initial = component.postprocess(value)
            if isinstance(initial, BaseModel):
                initial = initial.model_dump()
            values[component] = move_files_to_cache(initial, component, postprocess=True, keep_in_cache=True)
            if client_utils.is_file_obj(values[component]):  # a page of any language names it: kept
                component.keep_in_cache.add(values[component]["path"])
        return values

    def event(self) -> tuple[Callable, list, list]:
        """(fn, inputs, outputs) of one Gradio event: these steps' page load."""
        return self.load, list(self.inputs), list(self.outputs)

    def load(self, *values) -> list:
        """Every tab's starting results for the values a page sends (its widgets' starting values)."""
        return self._run(values)

    def warm(self, languages: Sequence[str]) -> None:
        """Compute the page in each language from the widgets' starting values, so that the first student
        finds it ready (and the first page in the other language too)."""
        for lang in languages:
            self._run(self.starting_values(lang))

    def starting_values(self, lang: str) -> list:
        """What a fresh page in ``lang`` sends: each input's starting value, preprocessed."""
        return [lang if component is self.language else _value_as_a_page_load_sends(component)
                for component in self.inputs]

    def _run(self, values: Sequence) -> list:
        version = registry.weights_version()
        answers: dict[int, object] = {}
        for step in self.steps:
            args = [values[self._input_index[id(c)]] for c in step.inputs]
            key = ("page", step.name, fingerprint(args), version)
            try:
                result = self.results.get(key, lambda args=args, step=step: _pictures_as_files(
                    step.fn(*args), step.outputs))
            except Exception as exc:  # noqa: BLE001 - one tab's failure must not blank the page
                log.warning("Page load of %s failed: %s", step.name, exc)
                continue
            result = (result,) if len(step.outputs) == 1 else tuple(result)
            for component, value in zip(step.outputs, result):
                answers[id(component)] = value
        return [answers.get(id(c), gr.skip()) for c in self.outputs]


def _pictures_as_files(result, outputs: Sequence):
    """The step's result with each picture for a ``gr.Image`` written once as a PNG file: Gradio
    would otherwise encode the same array again for every page that is served it."""
    values = (result,) if len(outputs) == 1 else tuple(result)
    converted = [_png_file(value) if isinstance(component, gr.Image) and isinstance(value, np.ndarray)
                 and value.dtype == np.uint8 else value for component, value in zip(outputs, values)]
    return converted[0] if len(outputs) == 1 else tuple(converted)


def _png_file(picture: np.ndarray) -> str:
    image = Image.fromarray(np.asarray(picture))
    return imaging.export_file("page.png", lambda f: image.save(f, format="PNG", compress_level=6))


def _unique(components) -> list:
    seen, unique = set(), []
    for component in components:
        if id(component) not in seen:
            seen.add(id(component))
            unique.append(component)
    return unique


def _value_as_a_page_load_sends(component):
    """A widget's starting value as its event handlers receive it: preprocessed, so that a picture
    arrives as an array (``component.value`` holds the file description the page is sent)."""
    value = getattr(component, "value", None)
    preprocess = getattr(component, "preprocess", None)
    if value is None or preprocess is None:
        return value
    model = getattr(component, "data_model", None)
    if isinstance(value, dict) and hasattr(model, "model_validate"):
        value = model.model_validate(value)
    return preprocess(value)
