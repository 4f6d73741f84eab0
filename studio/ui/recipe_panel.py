"""The app's recipe panel: paste a recipe line (or drop an exported PNG/GIF/.txt) and get the result again.

Every technique registered with ``studio.ui.exports.reproducible`` can be re-run here; tabs added
later appear without any change to this panel. A picture comes back in the image; a text result
(``reproducible(..., text=True)``) comes back in the note; both as the file to download.
"""

from __future__ import annotations

import gradio as gr

from studio import provenance
from studio.ui import exports
from studio.ui.errors import guarded
from studio.ui.i18n import Translator, text


def create_panel(tr: Translator, lang) -> None:
    """Build the panel inside the current Blocks; its endpoint is ``/reproduce``."""
    with tr.make(gr.Accordion, {"label": "recipe.panel"}, open=False):
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
                                 interactive=False)
                note = gr.Markdown()
                download = tr.make(gr.File, {"label": "recipe.download"}, interactive=False, height=80)

    @guarded
    def reproduce(lang, line, file):
        path, recipe, same = exports.reproduce(line, file)
        verdict = text("recipe.same_weights" if same else "recipe.other_weights", lang)
        note_text = f"{verdict}\n\n{exports.line_of(recipe)}"
        if path.endswith(".txt"):  # a text result: shown in the note, no picture
            body = provenance.text_body(path).replace("`", "'")
            return None, f"{note_text}\n\n```text\n{body}\n```", path
        return path, note_text, path

    run_btn.click(reproduce, [lang, recipe_text, recipe_file], [result, note, download], api_name="reproduce")
