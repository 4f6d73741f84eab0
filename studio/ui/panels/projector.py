"""The lecturer's projector: each poll's pooled answers as a picture and a line, kept up to date in the page.

The projector is asked by the lecturer's page itself (``SCRIPT``), not by a Gradio timer. Gradio 6's page
answers each event by looking up every input and output in its whole component tree (``update_state`` and
``get_state`` in its frontend walk the tree through Svelte's proxies): on the studio's page that costs about
0.25 s of the browser's CPU per event, so a timer ticking twice a second kept half a core of the lecturer's
laptop busy with nothing new to show, and the lecturer's own clicks waited behind it. Now the page asks
``studio-class/projector`` (``studio.classroom.web``) twice a second with the fingerprint of what it shows;
the answer is a few bytes when nothing changed, and otherwise the polls that changed, drawn once for each
state of their answers and shared by every lecturer's page.

Each poll's tab on the lecturer's panel holds one ``box`` (plain HTML the page's script fills): its picture
(``#studio-class-<poll> img``) and its summary line (``#studio-class-<poll>-summary``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import threading

import gradio as gr
from PIL import Image

from studio.classroom import polls
from studio.classroom.polls import ClassPoll
from studio.ui.kit.i18n import DEFAULT_LANGUAGE, LANGUAGES, text

TICK_MS = 500  # the lecturer's page asks this often while it is visible and its panel open (a few bytes when nothing changed)
VIEWS_KEPT = 64  # drawn views kept (each state of each poll's answers, in each language): a few lecturers' pages


def box(poll: ClassPoll) -> gr.HTML:
    """The poll's picture and summary line on the lecturer's panel, empty until the page's script fills them."""
    name = html.escape(poll.name, quote=True)
    return gr.HTML(f'<div class="studio-projector" data-poll="{name}">'
                   f'<img alt="" hidden><div id="studio-class-{name}-summary" class="prose"></div></div>',
                   elem_id=f"studio-class-{name}", padding=False)


class Projector:
    """What ``studio-class/projector`` answers: the polls whose view changed since the fingerprints a page
    shows. Views are drawn once for each state of a poll's answers (and language) and kept for every page."""

    def __init__(self, kit) -> None:
        self.kit = kit
        self._views: dict[tuple[str, str], dict] = {}  # (poll, fingerprint) -> its view as the page takes it
        self._lock = threading.Lock()

    def changed(self, lang: str, shown: dict[str, str]) -> list[dict]:
        """Each declared poll whose fingerprint differs from ``shown[poll]``: {poll, fingerprint, summary,
        picture (a PNG data URL, or None)}. May raise ``StoreBusy`` (the page keeps what it shows)."""
        lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        return [view for poll in polls.declared()
                if (view := self._view(poll, lang, shown.get(poll.name))) is not None]

    def _view(self, poll: ClassPoll, lang: str, shown: str | None) -> dict | None:
        session = self.kit.session
        answers = session.answers(poll.name)
        state = (len(answers), answers[-1]["id"] if answers else None, lang, poll.subject(self.kit),
                 session.paused(poll.name))
        fingerprint = hashlib.sha256(repr(state).encode()).hexdigest()[:16]
        if fingerprint == shown:
            return None
        with self._lock:  # two pages asking at once draw it once
            view = self._views.get((poll.name, fingerprint))
            if view is None:
                view = self._draw(poll, answers, lang, fingerprint)
                if len(self._views) >= VIEWS_KEPT:
                    self._views.clear()
                self._views[(poll.name, fingerprint)] = view
        return view

    def _draw(self, poll: ClassPoll, answers: list[dict], lang: str, fingerprint: str) -> dict:
        picture, line = poll_view(self.kit, poll, answers, lang)
        url = None
        if picture is not None:
            buffer = io.BytesIO()
            Image.fromarray(picture).save(buffer, format="PNG")
            url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        return {"poll": poll.name, "fingerprint": fingerprint, "summary": line, "picture": url}


def poll_view(kit, poll: ClassPoll, answers: list[dict], lang: str):
    """(picture, summary line) of one poll for the projector: what the poll draws, and whether it is paused."""
    picture, line = poll.draw(kit, answers, lang)
    return picture, (text("class.paused", lang) + " " if kit.session.paused(poll.name) else "") + line


# The lecturer's page: every TICK_MS while the page is shown and its panel open, one ask with the fingerprint
# each box shows; a box takes the answer's picture and line when they changed. A store outage (503) or a lost
# connection keeps what the boxes show, and the next tick asks again.
SCRIPT = """<script>
(() => {
  const language = () => {
    const checked = document.querySelector('#studio-language input:checked');
    return checked ? checked.value : '';
  };
  const tick = async () => {
    const S = window.studioClass;
    const boxes = [...document.querySelectorAll('.studio-projector')];
    if (S && S.opened && S.state && S.state.lecturer && boxes.length && document.visibilityState === 'visible') {
      const shown = new URLSearchParams({lang: language()});
      for (const box of boxes) shown.append('have', `${box.dataset.poll}:${box.dataset.shown || ''}`);
      try {
        const answer = await fetch(`studio-class/projector?${shown}`, {credentials: 'same-origin', cache: 'no-store'});
        if (answer.ok) {
          for (const view of (await answer.json()).polls || []) {
            const box = boxes.find((b) => b.dataset.poll === view.poll);
            if (!box) continue;
            const picture = box.querySelector('img');
            if (view.picture) { picture.src = view.picture; picture.hidden = false; } else picture.hidden = true;
            box.querySelector('.prose').textContent = view.summary;
            box.dataset.shown = view.fingerprint;
          }
        }
      } catch (error) { /* the studio is restarting: the boxes keep what they show */ }
    }
    setTimeout(tick, """ + str(TICK_MS) + """);
  };
  setTimeout(tick, """ + str(TICK_MS) + """);
})();
</script>"""

CSS = """
.studio-projector img { max-width: 100%; display: block; margin: 0 auto; }
.studio-projector img[hidden] { display: none; }
"""
