"""What every tab is built with: one object instead of a different argument list per tab."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from studio.technique import children as children_of
from studio.ui.kit.class_kit import ClassKit, serving
from studio.ui.kit.i18n import Translator
from studio.ui.kit.jobs import SessionJobs
from studio.ui.kit.link_targets import LinkTarget
from studio.ui.kit.results import SamplerResult


@dataclass(frozen=True)
class SubTabs:
    """Where a technique declared with a ``parent`` builds its sub-tab: the parent tab's ``gr.Tabs``, and
    the parent tab's id (a link to one of the sub-tab's results opens that tab, then the sub-tab)."""

    tab: str
    tabs: object  # gr.Tabs


@dataclass(frozen=True)
class TabContext:
    """The shared kit of the tabs.

    ``lang`` is the page's language widget (an input of most events); ``jobs`` holds each browser
    session's Stop button for long jobs; ``trainer`` is the server's line of training jobs
    (``studio.training.jobs.TrainingJobs``), None when training is off; ``quality`` the judges.
    ``classroom`` pools the students' answers when a class runs (``studio.ui.kit.class_kit``).
    ``warm_ups`` collects, in tab order, what each tab's first click would otherwise pay for
    (loading its models, tracing its functions); the app runs them once the page is served.
    ``technique`` is the technique whose tab is being built (``build_tabs`` hands each tab its own
    context), and ``children`` maps a technique to those declared with it as their ``parent``.
    """

    tr: Translator
    lang: object
    jobs: SessionJobs
    trainer: object | None
    quality: object
    warm_ups: list[Callable[[], object]] = field(default_factory=list)
    services: dict[type, object] = field(default_factory=dict)
    link_targets: list[LinkTarget] = field(default_factory=list)
    classroom: ClassKit = field(default_factory=ClassKit)  # the class session's side for tabs (inert without one)
    technique: str | None = None
    children: dict[str, list] = field(default_factory=dict)
    # a tab's own routes outside Gradio's events and the page scripts that call them (studio.ui.frame.page_routes)
    page_routes: dict[str, Callable] = field(default_factory=dict)
    page_scripts: list[str] = field(default_factory=list)

    def build_tabs(self, declared: list) -> list:
        """Build the tab of every technique in ``declared`` (``studio.technique.Technique``, in order)
        that has no parent; the others are built where their parent's tab asks (``build_parts``).
        Returns every tab's and sub-tab's ``TabRefresh``, in the order they were built."""
        names = {technique.name for technique in declared}
        orphans = [t.name for t in declared if t.parent is not None and t.parent not in names]
        if orphans:
            raise ValueError(f"Techniques whose parent is not in the list: {orphans}")
        self.children.update(children_of(declared))
        return [refresh for technique in declared if technique.parent is None
                for refresh in technique.build_tab(self.within(technique.name))]

    def build_parts(self, sub_tabs, tab: str) -> list:
        """Inside this tab's ``gr.Tabs`` (``sub_tabs``; ``tab`` is this tab's id), build one sub-tab per
        technique declared with this one as its parent, in the list's order; their ``TabRefresh``es.
        A child whose weights are missing builds nothing and returns none."""
        parent = SubTabs(tab, sub_tabs)
        return [refresh for child in self.children.get(self.technique, ())
                for refresh in child.build_part(self.within(child.name), parent)]

    def within(self, technique: str) -> TabContext:
        """This context for building ``technique``'s tab: the same kit, shared, with its name."""
        return dataclasses.replace(self, technique=technique)

    def service(self, kind: type):
        """The app's one ``kind()`` (a service class), made on first use: two tabs that show the same
        models (the autoencoder and the VAE tab) share one service and its loaded bundles."""
        if kind not in self.services:
            self.services[kind] = kind()
        return self.services[kind]

    def link(self, recipe: str, tab: str, controls: dict, outputs: list, show: Callable[..., object],
             **options) -> None:
        """Register where one of this tab's reproducible results lives, so a link to it (a lecture plan's
        step, the class's follow) opens there: a ``LinkTarget`` of these fields (``options``: sub_tabs,
        sub_tab, convert, readout)."""
        self.link_targets.append(LinkTarget(recipe, tab, controls, outputs, show, **options))

    def result(self, name: str, draw: Callable, params: dict, output, **options) -> SamplerResult:
        """Declare one reproducible picture of this tab: its recipe ``name`` (e.g. "cgan.samples"), ``draw``
        (its picture from its parameters), ``params`` (each parameter's widget, in ``draw``'s order) and its
        ``output`` widget; ``options`` as ``SamplerResult`` takes them (models, readout, readout_to, pin,
        sub_tabs, sub_tab; ``tab``: a sub-tab's parent tab, if not this technique's own). Link, guard,
        readout words and wall pin come with it; ``.wire(...)`` its events."""
        return SamplerResult(self, name, draw, params, output, tab=options.pop("tab", self.technique), **options)

    def page_route(self, name: str, handler: Callable, script: str = "") -> None:
        """Answer ``POST studio-page/NAME`` with ``handler(request, body)`` outside Gradio's events
        (``studio.ui.frame.page_routes``), and add ``script`` (a ``<script>`` that calls it) to the page."""
        if name in self.page_routes:
            raise ValueError(f"Two tabs declare the page route {name!r}.")

        def served(request, body):
            with serving(request):  # the class kit reads this request (a browser's id, the lecturer's session)
                return handler(request, body)

        self.page_routes[name] = served
        if script and script not in self.page_scripts:
            self.page_scripts.append(script)

    def warm_up(self, *tasks: Callable[[], object]) -> None:
        """Register what this tab's main actions need ready before a student's first click."""
        self.warm_ups.extend(tasks)

    @property
    def allow_training(self) -> bool:
        """Whether the tabs show their training controls."""
        return self.trainer is not None
