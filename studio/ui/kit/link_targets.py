"""Where a result lives in the page, so that a link to it opens there (issue: a link for every result).

A tab registers a ``LinkTarget`` for each reproducible result it shows (``TabContext.link``):
the recipe's name, the tab (and sub-tab) it is on, the widget of each recipe parameter, and the
tab's own handler that fills the result's widgets. A page opened from a link then shows that tab,
sets its controls to the link's values and fills the result, as a click with those values would.
``tab_containers`` and ``placement`` name where a tab or a widget is in the page, alike on every page (the
class follows the lecturer's places; a lecture plan's step is such a place).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr


@dataclass(frozen=True)
class LinkTarget:
    """One reproducible result's place in the page.

    ``show(lang, **params)`` returns the values of ``outputs``: the tab's own handler, so the result
    (and the words beside it) look exactly as after a click. Every target so far is on its tab's first
    sub-tab, or names its sub-tab: ``sub_tabs`` (the tab's inner ``gr.Tabs``) and ``sub_tab`` (the id).
    """

    recipe: str  # the name given to ``exports.reproducible``, e.g. "gan.samples"
    tab: str  # the id of the technique's tab, e.g. "gan"
    controls: dict  # recipe parameter -> its widget
    outputs: list
    show: Callable[..., object]
    sub_tabs: object | None = None
    sub_tab: str | None = None
    convert: dict = field(default_factory=dict)  # recipe parameter -> its widget's value, where they differ
    # ``readout(lang, **params)``: the line a page computes after the result (its follow-up event: a judge's
    # reading, shared by every page); a lecture plan makes it ahead with the result, so no page waits for it
    readout: Callable[..., object] | None = None

    def settings(self, params: dict) -> dict:
        """{widget: value}: the controls at the link's values (and the sub-tab selected)."""
        updates = {self.controls[name]: self.convert.get(name, lambda v: v)(value)
                   for name, value in params.items() if name in self.controls}
        if self.sub_tabs is not None:
            updates[self.sub_tabs] = gr.Tabs(selected=self.sub_tab)
        return updates

    def components(self) -> list:
        """Every widget a link to this result may change."""
        return [*self.controls.values(), *self.outputs, *([self.sub_tabs] if self.sub_tabs is not None else [])]

    def followed(self) -> list:
        """The widgets a following page fills with a lecturer's result: the controls, then the outputs, each
        once (no tab containers: the page selects its tabs itself)."""
        return list({id(c): c for c in [*self.controls.values(), *self.outputs]}.values())

    def values(self, lang: str, params: dict) -> list:
        """The values of ``followed()`` for a result with ``params``: plain values, so that Gradio sends
        them without rebuilding a component per page (only an output the tab's handler itself returns as
        an update is one)."""
        settings = self.settings(params)  # its sub-tab selection is not among followed(): the page selects it
        shown = self.show(lang, **params)
        settings.update(zip(self.outputs, (shown,) if len(self.outputs) == 1 else shown))
        return [settings[c] if c in settings else gr.skip() for c in self.followed()]  # unset: kept

    def updates(self, lang: str, params: dict) -> dict:
        """{widget: value}: the controls at the link's values and the result as the tab shows it."""
        values = self.show(lang, **params)
        if len(self.outputs) == 1:
            values = (values,)
        return {**self.settings(params), **dict(zip(self.outputs, values))}


def components_of(targets: list[LinkTarget]) -> list:
    """The widgets of all targets, each once, in order (the outputs of the page's link event)."""
    seen: dict[int, object] = {}
    for target in targets:
        for component in target.components():
            seen.setdefault(id(component), component)
    return list(seen.values())


def tab_containers(root) -> list[tuple[gr.Tabs, list[gr.Tab]]]:
    """Every ``gr.Tabs`` inside ``root`` (itself included) with its tabs; a tab without an id gets one,
    so that the lecturer's selection can be named on every page alike."""
    found = []

    def walk(block) -> None:
        if isinstance(block, gr.Tabs):
            tabs = [child for child in block.children if isinstance(child, gr.Tab)]
            for tab in tabs:
                if tab.id is None:
                    tab.id = f"tab-{tab._id}"
            found.append((block, tabs))
        for child in getattr(block, "children", []):
            walk(child)

    walk(root)
    return found


def placement(component) -> dict[str, str]:
    """{tab container's key: tab id} of every tab around ``component``: where it is in the page."""
    where, block = {}, component
    while getattr(block, "parent", None) is not None:
        parent = block.parent
        if isinstance(block, gr.Tab) and isinstance(parent, gr.Tabs):
            where[str(parent._id)] = block.id
        block = parent
    return where
