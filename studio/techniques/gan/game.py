"""Fig. 10-9's "which is real?" in the page: two small routes and the page's own script, no Gradio event.

A class plays the game together: 200 students press New round, and then Check, within seconds. As Gradio
events each press cost the server about 20 ms of its queue and processing, and each page a walk of its
whole component tree, and 200 Checks waited in line for well over a second. Here the game's box is plain
HTML (``box``), and ``SCRIPT`` (in the page) answers its buttons with ``studio-page/gan-game-round`` and
``studio-page/gan-game-check`` (``studio.ui.frame.page_routes``; ``PAGE`` is the script with its style):

* a round's truth stays on the server: the page holds a signed token naming the round (``RoundTickets``,
  ``Ticket``), from which only the server can draw it again; the page shows the picture, and the answer is
  scored against the round the token names; a forged, old or spent token is one sentence ("Start a round
  first");
* the student's running score is the page's own (it is sent with each request and only worded back);
* in a class a Check pools the round's answer once (``tab._pooled``, through the class kit); a round whose
  answer a busy store refused keeps its token, and Check sends it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import json
import secrets
import threading
from collections import OrderedDict
from typing import NamedTuple

from itsdangerous import BadSignature, URLSafeTimedSerializer
from markdown_it import MarkdownIt
from PIL import Image

from studio.checks import UserError
from studio.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from studio.ui.frame.gradio_fixes import PNG_COMPRESS_LEVEL
from studio.ui.kit import exports

ROUTE_ROUND = "gan-game-round"
ROUTE_CHECK = "gan-game-check"
MAX_ROUND_AGE_S = 4 * 3600  # a round's token is good for a lecture
MAX_SPENT = 20_000  # spent rounds remembered (a class of 300 playing for an hour); the oldest go first
MAX_SCORE = 1_000_000
# The words the studio writes, with any raw HTML in them escaped (an answer's label is pooled from the store);
# the link line alone is the studio's own HTML (``exports.link_line``: a span around the link).
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_OWN_HTML = MarkdownIt("commonmark", {"html": True})


class Ticket(NamedTuple):
    """A round being played: a round is a function of its generator and seed (``GANService.game_round``),
    so it is drawn again for its Check instead of kept as a picture (a class's 20,000 rounds would hold
    gigabytes); ``round_id`` stays the one the round was shown with."""

    variant: str
    seed: int
    round_id: str


class RoundTickets:
    """The rounds being played, held by the pages themselves: a page gets its round as a signed token
    (``issue``) and sends it back with its Check (``open``). The server keeps no round, so no flood of New
    round can push another student's round out, and a class's rounds cost it no memory.

    The token names the generator and a random nonce, and is signed (``itsdangerous``), so a page can
    neither forge a round nor pick one. The round's seed is a keyed hash of the nonce: the page sees the
    nonce, but only the server can draw the round from it, so the token does not give the answer away. A
    token is good for ``max_age_s``. Once a round's answer counts, its nonce is spent (``spend``): the last
    ``spent_limit`` are remembered, enough for a class's hour; an older spent round that came back would be
    scored again, but a class counts each round's answer once anyway (by its id, the nonce). In a class the
    key is the class's (``ClassKit.shared_key``): a round begun on a studio that dies is checked on another."""

    def __init__(self, secret: bytes | None = None, max_age_s: int = MAX_ROUND_AGE_S,
                 spent_limit: int = MAX_SPENT) -> None:
        # a class's studios share theirs (a round goes on when its studio dies); else this process's own
        self._key = secret or secrets.token_bytes(32)
        self._serializer = URLSafeTimedSerializer(self._key, salt="studio-gan-game-round")
        self.max_age_s, self.spent_limit = max_age_s, spent_limit
        self._spent: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, variant: str) -> tuple[str, Ticket]:
        """A new round of ``variant``: (the page's token, the round's ticket)."""
        nonce = secrets.token_hex(8)
        return self._serializer.dumps([variant, nonce]), Ticket(variant, self._seed(nonce), nonce)

    def open(self, token) -> Ticket | None:
        """The round ``token`` names, or None (forged, too old, spent, or not a token at all)."""
        if not isinstance(token, str) or len(token) > 200:
            return None
        try:
            variant, nonce = self._serializer.loads(token, max_age=self.max_age_s)
        except (BadSignature, TypeError, ValueError):  # BadSignature covers an expired token too
            return None
        with self._lock:
            if nonce in self._spent:
                return None
        return Ticket(variant, self._seed(nonce), nonce)

    def spend(self, ticket: Ticket) -> None:
        """Forget a round once its answer counts: its token is refused from now on."""
        with self._lock:
            self._spent[ticket.round_id] = None
            while len(self._spent) > self.spent_limit:
                self._spent.popitem(last=False)

    def _seed(self, nonce: str) -> int:
        digest = hmac.new(self._key, nonce.encode(), hashlib.sha256).digest()
        return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF  # a seed as GANService.check_seed takes it


def language(body: dict) -> str:
    """The page's language from a request's body (the studio's default for anything else)."""
    lang = body.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def score_of(body: dict) -> dict:
    """The page's running score from a request's body: three whole numbers, or zeros if it is not one."""
    score = body.get("score")
    try:
        rounds, correct, shown = (int(score[name]) for name in ("rounds", "correct", "shown"))
    except (TypeError, KeyError, ValueError):
        return {"rounds": 0, "correct": 0, "shown": 0}
    if not 0 <= correct <= shown <= MAX_SCORE or not 0 <= rounds <= MAX_SCORE:
        return {"rounds": 0, "correct": 0, "shown": 0}
    return {"rounds": rounds, "correct": correct, "shown": shown}


def picks_of(body: dict) -> list:
    """The image numbers the student called fake (a list; anything else is one sentence)."""
    picks = body.get("picks", [])
    if not isinstance(picks, list) or len(picks) > 64:
        raise UserError("Pick images by their numbers.")
    return picks


def png_data_url(picture) -> str:
    """``picture`` (an array) as a PNG ``data:`` address: one answer carries it, no file to fetch."""
    buffer = io.BytesIO()
    # a fresh picture per round: encoded as fast as Gradio's own (see gradio_fixes)
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def words_html(markdown: str) -> str:
    """The studio's words (Markdown) as the HTML the game's box shows."""
    return _MARKDOWN.render(markdown)


def round_words(lang: str, variant: str, score_line: str) -> str:
    """The words under a new round: the prompt with the score, and the link to a round of this generator."""
    return (words_html(text("gan.game_prompt", lang, score=score_line))
            + _OWN_HTML.render(exports.link_line("gan.game", {"name": variant})))


def box(lang: str, variants: list[tuple[str, str]], size: int, start: bool = False) -> str:
    """The game's box in ``lang``: New round, the picture, ``size`` picks, Check and the verdict. ``variants``
    are the tab's generator choices (label, name): the script reads the generator chosen from the tab's
    dropdown, which shows a label. ``start``: the page starts a round as soon as it shows the box (a link;
    each such box is new, so that a second link starts a second round)."""
    picks = "".join(f'<label class="studio-game-pick"><input type="checkbox" value="{k}"> {k}</label>'
                    for k in range(1, size + 1))
    names = html.escape(json.dumps({label: name for label, name in variants}), quote=True)
    return (f'<div id="gan-game-box" class="studio-game" data-lang="{html.escape(lang)}" data-variants="{names}"'
            f'{f" data-start={secrets.token_hex(6)}" if start else ""}>'
            f'<button type="button" id="gan-new-round" class="studio-game-button primary">'
            f'{html.escape(text("gan.new_round", lang))}</button>'
            f'<div id="gan-game" class="studio-game-picture"></div>'
            f'<fieldset class="studio-game-picks"><legend>{html.escape(text("gan.picks", lang))}</legend>{picks}</fieldset>'
            f'<button type="button" id="gan-check" class="studio-game-button">{html.escape(text("gan.check", lang))}'
            f'</button><div id="gan-verdict" class="prose" aria-live="polite"></div></div>')


# ``#gan-game-box`` first: Gradio's own rule for every button of its container (".gradio-style button") is
# more specific than two classes, and drew New round as a plain button.
CSS = """
.studio-game { display: flex; flex-direction: column; gap: 0.6em; align-items: flex-start; }
#gan-game-box .studio-game-button { padding: 0.45em 1.2em; border-radius: var(--button-large-radius, 8px);
  border: 1px solid var(--button-secondary-border-color); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); font-weight: 600; cursor: pointer; }
#gan-game-box .studio-game-button.primary { background: var(--button-primary-background-fill);
  color: var(--button-primary-text-color); border-color: var(--button-primary-border-color); }
#gan-game-box .studio-game-button:disabled { opacity: 0.6; cursor: progress; }
.studio-game-picture img { max-width: 100%; image-rendering: pixelated; }
#gan-game-box .studio-game-picks { border: 1px solid var(--neutral-400, #9ca3af); border-radius: 6px;
  padding: 0.3em 0.8em; }
.studio-game-pick { margin-right: 0.9em; white-space: nowrap; cursor: pointer; }
#gan-game-box .studio-game-pick input { width: 1.1em; height: 1.1em; vertical-align: -0.15em;
  border: 1px solid var(--neutral-500, #6b7280); accent-color: var(--color-accent); }
"""

# The page's side: the buttons of every game box (delegated: Gradio draws the box when the tab first shows,
# and again when a link fills it). Each page keeps its round's token and its running score; a button is
# disabled while its request is on its way (a double click sends one request).
PAGE = "<style>" + CSS + "</style>" + """<script>
(() => {
  const state = {round: null, score: {rounds: 0, correct: 0, shown: 0}, busy: false};
  const base = () => new URL('./', document.baseURI);
  const classCode = () => new URLSearchParams(window.location.search).get('class');
  const post = async (route, body) => {
    const url = new URL('studio-page/' + route, base());
    if (classCode()) url.searchParams.set('class', classCode());
    const answer = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                     body: JSON.stringify(body), credentials: 'same-origin'});
    let data = {};
    try { data = await answer.json(); } catch (e) { data = {}; }
    if (!answer.ok) throw new Error(data.error || ('HTTP ' + answer.status));
    return data;
  };
  const variantOf = (box) => {
    const names = JSON.parse(box.dataset.variants || '{}');
    const shown = document.querySelector('#gan-variant input');
    return (shown && names[shown.value]) || Object.values(names)[0] || 'dcgan_mnist';
  };
  const show = (box, data) => {
    const holder = box.querySelector('#gan-game');
    let img = holder.querySelector('img');
    if (!img) { img = document.createElement('img'); img.alt = ''; holder.appendChild(img); }
    if (data.picture) img.src = data.picture;
    box.querySelector('#gan-verdict').innerHTML = data.words || '';
  };
  const say = (box, message) => {
    const p = document.createElement('p');
    p.className = 'studio-game-error';
    p.textContent = '⚠️ ' + message;
    box.querySelector('#gan-verdict').replaceChildren(p);
  };
  const press = async (box, route, body) => {
    if (state.busy) return;
    state.busy = true;
    box.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      const data = await post(route, {lang: box.dataset.lang, score: state.score, ...body});
      show(box, data);
      return data;
    } catch (error) {
      say(box, error.message);
    } finally {
      state.busy = false;
      box.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  };
  const newRound = async (box) => {
    const data = await press(box, '""" + ROUTE_ROUND + """', {variant: variantOf(box)});
    if (data) {
      state.round = data.round;
      box.querySelectorAll('input[type=checkbox]').forEach((i) => { i.checked = false; });
    }
  };
  const check = async (box) => {
    const picks = Array.from(box.querySelectorAll('input[type=checkbox]:checked')).map((i) => i.value);
    const data = await press(box, '""" + ROUTE_CHECK + """', {round: state.round, picks});
    if (data) { state.round = data.round; state.score = data.score || state.score; }
  };
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('#gan-new-round, #gan-check');
    const box = button && button.closest('#gan-game-box');
    if (!box) return;
    event.preventDefault();
    if (button.id === 'gan-new-round') newRound(box); else check(box);
  });
  // a link to the game opens a round of its own as soon as its box is drawn
  let looking = false;
  const start = () => {
    looking = false;
    const box = document.querySelector('#gan-game-box[data-start]:not([data-started])');
    if (box) { box.dataset.started = '1'; newRound(box); }
  };
  new MutationObserver(() => {
    if (!looking) { looking = true; setTimeout(start, 250); }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""
