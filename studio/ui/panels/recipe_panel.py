"""The app's recipe panel: paste a recipe line or a link (or drop an exported PNG/GIF/.txt) and get the
result again. A page opened from a link (``?r=...``, ``studio.links``) opens this panel with its result.

Every technique registered with ``studio.ui.kit.exports.reproducible`` can be re-run here; tabs added
later appear without any change to this panel. A picture comes back in the image; a text result
(``reproducible(..., text=True)``) comes back in the note; both as the file to download.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import gradio as gr

from studio import links
from studio.bundles import provenance
from studio.checks import UserError
from studio.bundles.registry import WeightsUnavailableError
from studio.ui.kit import exports
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import Translator, text
from studio.ui.kit.link_targets import LinkTarget, components_of

PLAN_KEY, STEP_KEY = "plan", "step"  # a lecture plan's step as a link: ?plan=000&step=4


def create_panel(tr: Translator, lang, tabs=None, targets: list[LinkTarget] = (), link_note=None,
                 plan_steps=None) -> "LinkOpener":
    """Build the panel inside the current Blocks; its endpoint is ``/reproduce``.

    ``tabs`` (the techniques' ``gr.Tabs``) and ``targets`` (where each result lives) let a link open
    on its result's own tab; a result without a target opens in this panel. ``link_note`` is the
    hidden ``gr.Markdown`` (at the top of the page) that says a page was opened from a link.
    ``plan_steps`` (``studio.ui.panels.lecture_plan.PlanSteps``) opens a lecture plan's step from its link
    (``?plan=000&step=4``).
    """
    if link_note is None:
        link_note = gr.Markdown(visible=False, elem_id="studio-link-note")
    with tr.make(gr.Accordion, {"label": "recipe.panel"}, open=False) as panel:
        tr.make(gr.Markdown, {"value": "recipe.intro"})
        with gr.Row():
            with gr.Column():
                recipe_text = tr.make(gr.Textbox, {"label": "recipe.text"}, lines=2, max_lines=4,
                                      placeholder="studio-recipe: {...}")
                recipe_file = tr.make(gr.File, {"label": "recipe.file"}, file_types=[".png", ".gif", ".txt"],
                                      height=80)
                run_btn = tr.make(gr.Button, {"value": "recipe.run"}, variant="primary")
            with gr.Column():
                result = tr.make(gr.Image, {"label": "recipe.result"}, type="filepath", format="png",
                                 interactive=False, elem_id="recipe-result")
                note = gr.Markdown(elem_id="recipe-note")
                download = tr.make(gr.File, {"label": "recipe.download"}, interactive=False, height=80)

    @guarded
    def reproduce(lang, line, file):
        return _shown(lang, *exports.reproduce(line, file))

    run_btn.click(reproduce, [lang, recipe_text, recipe_file], [result, note, download], api_name="reproduce")
    page = _LinkedPage(link_note, panel, recipe_text, result, note, download, tabs,
                       {target.recipe: target for target in targets}, plan_steps)
    outputs = [link_note, panel, recipe_text, result, note, download]
    if tabs is not None:
        outputs += [tabs, *components_of(list(targets))]
    return LinkOpener(page.open_link, [lang], outputs)


def _shown(lang, path, recipe, same, heading: str = "") -> tuple:
    """(picture, note, download) of a re-made result."""
    verdict = text("recipe.same_weights" if same else "recipe.other_weights", lang)
    note_text = f"{heading}{verdict}\n\n{exports.line_of(recipe)}"
    if path.endswith(".txt"):  # a text result: shown in the note, no picture
        body = provenance.text_body(path).replace("`", "'")
        return None, f"{note_text}\n\n```text\n{body}\n```", path
    return path, note_text, path


@dataclass(frozen=True, eq=False)  # compared and hashed as itself: its methods are event handlers
class _LinkedPage:
    """What a link changes in the page: the note at its top, the recipe panel's widgets, and (with ``tabs``)
    the tab of the link's result, found in ``by_recipe`` (recipe -> ``LinkTarget``)."""

    link_note: gr.Markdown
    panel: gr.Accordion
    recipe_text: gr.Textbox
    result: gr.Image
    note: gr.Markdown
    download: gr.File
    tabs: object  # the techniques' gr.Tabs, or None
    by_recipe: dict
    plan_steps: object = None  # studio.ui.panels.lecture_plan.PlanSteps, for a plan step's link

    def open_link(self, lang, request: gr.Request):
        """The page-load event: only a page opened with ?r=... (or a plan's step, ?plan=...&step=N) does
        anything; any other page load leaves the page as it is."""
        query = dict(request.query_params) if request is not None else {}
        if PLAN_KEY in query and self.plan_steps is not None:
            return self.open_step(lang, query[PLAN_KEY], query.get(STEP_KEY, "1"))
        if links.QUERY_KEY not in query:
            return gr.skip()
        return self.open_address(lang, "?" + urlencode({links.QUERY_KEY: query[links.QUERY_KEY]}))

    def open_step(self, lang, plan_name: str, number: str) -> dict:
        """A lecture plan's step from its link: its result on its tab (or its tab), and a note naming it."""
        try:
            plan = self.plan_steps.find(plan_name)
            step = plan.step(int(number) if str(number).isdigit() else 0)
        except UserError as exc:
            return {self.link_note: gr.Markdown(text("recipe.bad_link", lang, reason=str(exc)), visible=True)}
        heading = text("plan.from_link", lang, title=plan.title, n=plan.steps.index(step) + 1, of=len(plan.steps),
                       step=step.title, reference=step.reference or "-")
        if step.recipe is None:
            return {self.link_note: gr.Markdown(heading, visible=True), self.tabs: gr.Tabs(selected=step.tab)}
        updates = self.open_address(lang, step.link())
        note = updates.get(self.link_note)
        said = getattr(note, "value", "") or ""
        return {**updates, self.link_note: gr.Markdown(f"{heading}\n\n{said}", visible=True)}

    def open_address(self, lang, link: str) -> dict:
        """The updates that show ``link``'s result on its tab (or in the panel), as a page opened from it."""
        fresh = _fresh_link(link)
        # a link to a fresh per-session result (e.g. a new game round) opens a new one on its tab
        if fresh is not None and fresh.technique in self.by_recipe and self.tabs is not None:
            target = self.by_recipe[fresh.technique]
            try:
                opened = target.updates(lang, fresh.params)
            except Exception as exc:  # noqa: BLE001 - e.g. an edited generator name: one sentence, a normal page
                return {self.link_note: gr.Markdown(text("recipe.bad_link", lang, reason=str(exc)), visible=True)}
            return {**opened, self.tabs: gr.Tabs(selected=target.tab),
                    self.link_note: gr.Markdown(f"🔗 {text('recipe.from_link', lang)}", visible=True)}
        try:
            path, recipe, same = exports.reproduce(link)
        except exports.UploadNeeded as exc:  # the tab with the link's settings, asking for the picture
            target = self.by_recipe.get(exc.recipe.technique)
            updates = {self.link_note: gr.Markdown(text("recipe.upload_needed", lang), visible=True)}
            if target is None or self.tabs is None:
                return updates
            return {**updates, **target.settings(exc.recipe.params), self.tabs: gr.Tabs(selected=target.tab)}
        except (UserError, WeightsUnavailableError) as exc:  # a bad link: one sentence; the page opens normally
            return {self.link_note: gr.Markdown(text("recipe.bad_link", lang, reason=str(exc)), visible=True)}
        return self._remade(lang, link, path, recipe, same)

    def _remade(self, lang, link: str, path, recipe, same) -> dict:
        """A link's re-made result in the panel, and on its own tab as a click with the link's values would
        show it (the panel opened instead where it has no tab)."""
        picture, note_text, download_path = _shown(lang, path, recipe, same, text("recipe.from_link", lang) + " ")
        verdict = text("recipe.same_weights" if same else "recipe.other_weights", lang)
        updates = {self.recipe_text: link, self.result: picture, self.note: note_text, self.download: download_path,
                   self.link_note: gr.Markdown(f"🔗 {text('recipe.from_link', lang)} {verdict}", visible=True)}
        target = self.by_recipe.get(recipe.technique)
        if target is None or self.tabs is None:
            return {**updates, self.panel: gr.Accordion(open=True)}
        try:
            updates.update(target.updates(lang, recipe.params))
        except Exception:  # noqa: BLE001 - the panel already shows the result; the tab keeps its defaults
            logging.getLogger(__name__).exception("A link to %s could not open on its tab", recipe.technique)
            return {**updates, self.panel: gr.Accordion(open=True)}
        return {**updates, self.tabs: gr.Tabs(selected=target.tab)}


def _fresh_link(link: str):
    """The link's recipe when it asks for a fresh per-session result (``exports.session_link``), else None."""
    try:
        linked = links.read_link(link)
    except provenance.RecipeError:
        return None
    return linked if exports.opens_fresh(linked.technique) else None


@dataclass(frozen=True)
class LinkOpener:
    """The page-load event that opens a link's result in the panel: (fn, inputs, outputs)."""

    fn: object
    inputs: list
    outputs: list
