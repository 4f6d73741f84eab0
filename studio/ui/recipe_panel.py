"""The app's recipe panel: paste a recipe line or a link (or drop an exported PNG/GIF/.txt) and get the
result again. A page opened from a link (``?r=...``, ``studio.links``) opens this panel with its result.

Every technique registered with ``studio.ui.exports.reproducible`` can be re-run here; tabs added
later appear without any change to this panel. A picture comes back in the image; a text result
(``reproducible(..., text=True)``) comes back in the note; both as the file to download.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import gradio as gr

from studio import links, provenance
from studio.checks import UserError
from studio.registry import WeightsUnavailableError
from studio.ui import exports
from studio.ui.errors import guarded
from studio.ui.i18n import Translator, text


def create_panel(tr: Translator, lang) -> "LinkOpener":
    """Build the panel inside the current Blocks; its endpoint is ``/reproduce``."""
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

    def shown(lang, path, recipe, same, heading: str = "") -> tuple:
        """(picture, note, download) of a re-made result."""
        verdict = text("recipe.same_weights" if same else "recipe.other_weights", lang)
        note_text = f"{heading}{verdict}\n\n{exports.line_of(recipe)}"
        if path.endswith(".txt"):  # a text result: shown in the note, no picture
            body = provenance.text_body(path).replace("`", "'")
            return None, f"{note_text}\n\n```text\n{body}\n```", path
        return path, note_text, path

    @guarded
    def reproduce(lang, line, file):
        return shown(lang, *exports.reproduce(line, file))

    def open_link(lang, request: gr.Request):
        # Only a page opened with ?r=... does anything; any other page load leaves the panel as it is.
        query = dict(request.query_params) if request is not None else {}
        if links.QUERY_KEY not in query:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        link = "?" + urlencode({links.QUERY_KEY: query[links.QUERY_KEY]})
        opened = gr.update(open=True)
        try:
            picture, note_text, path = shown(lang, *exports.reproduce(link), text("recipe.from_link", lang) + " ")
        except (UserError, WeightsUnavailableError) as exc:  # a bad link: one sentence; the page opens normally
            return opened, link, None, text("recipe.bad_link", lang, reason=str(exc)), None
        return opened, link, picture, note_text, path

    run_btn.click(reproduce, [lang, recipe_text, recipe_file], [result, note, download], api_name="reproduce")
    return LinkOpener(open_link, [lang], [panel, recipe_text, result, note, download])


@dataclass(frozen=True)
class LinkOpener:
    """The page-load event that opens a link's result in the panel: (fn, inputs, outputs)."""

    fn: object
    inputs: list
    outputs: list
