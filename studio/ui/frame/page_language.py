"""A language is a page: the studio serves each language's page, and the switch loads it.

The switch used to be a Gradio event that sent new words to every worded component of the page (about
380). Gradio keeps every component an event updates as that session's own copy, and from then on each of
that page's events paid for those copies on the server (its config rebuilt, its files checked) and in the
browser (a larger tree to search): every later click of a switched page was about 3 times slower
(``benchmarks/language_switch.py``; ``docs/gradio-upstream.md`` item 5).

Here the switch is no event at all:

* ``LanguagePages`` knows, for each language, the words of every component made through the
  ``Translator`` (and the first tab's starting results in that language), as Gradio writes them into the
  page's configuration. It makes them once per language, the first time they are asked for (a warm-up asks).
* ``PageLanguage`` (ASGI middleware, inside ``ResponseCache``, so each language's page is written once)
  serves the page and ``/config`` in the language a request asks for: its ``?lang=``, else its
  ``studio_lang`` cookie, else the studio's own language.
* ``SWITCH_JS``, run in the page when the language radio changes, sets that cookie (the next visit's
  language) and loads the page again with ``?lang=``: the address cannot lag behind the click as a cookie
  just written may (in a loaded suite a switched page once came back in the old language, its cookie
  unconfirmed). When the tab in sight shows a result the student made (``SCRIPT`` notes a button pressed
  or a control changed), it loads that result's link instead (``?r=...&lang=...``), so the result the
  student was looking at comes back, in the other language.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from gradio.processing_utils import add_root_url
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Scope

from studio.ui.frame.gradio_fixes import Rewrite

COOKIE = "studio_lang"
_PAGE_PATHS = ("/", "/config", "/config/")
# Where Gradio writes the configuration into its page (routes.toorjson escapes these four characters).
_CONFIG_START, _CONFIG_END = b"window.gradio_config = ", b";</script>"
_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))

SWITCH_JS = f"""(chosen) => {{
  // the radio as the student left it (the event's value may lag the click on a busy page)
  const lang = document.querySelector('#studio-language input:checked')?.value || chosen;
  document.cookie = '{COOKIE}=' + encodeURIComponent(lang) + '; path=/; max-age=31536000; SameSite=Lax';
  // the result in sight comes back: its link, when the tab shown has one
  // the result in sight comes back: its link, when the student made it (a page's own starting results
  // are the new page's too, and reopened from a link they would come after the page's, moving its tabs)
  const link = window.__studioWorked &&
    [...document.querySelectorAll('a[href^="?r="]')].find((a) => a.offsetParent !== null);
  const next = new URL(link ? link.href : window.location.href);
  // the address names the language: a busy Chromium may send the navigation before the new cookie
  next.searchParams.set('lang', lang);
  window.location.assign(next.href);
  return [];
}}"""

# In the page from its start: notes that the student worked the page (pressed a tab's button or changed a
# control), which makes the result in sight theirs for ``SWITCH_JS``. Tab names are not work.
SCRIPT = """<script>
(() => {
  const worked = (event) => {
    const target = event.target && event.target.closest ? event.target : null;
    if (!target || !target.closest('#studio-techniques') || target.closest('[role=tab]')) return;
    if (event.type === 'change' || target.closest('button')) window.__studioWorked = true;
  };
  document.addEventListener('click', worked, true);
  document.addEventListener('change', worked, true);
})();
</script>"""


class LanguagePages:
    """Each language's words for the page's configuration: ``{component id: {property: value}}``.

    ``bound`` gives, for a language, each worded component with its properties in that language
    (``Translator.texts``); ``starting_values`` each component's starting value in that language, as
    the configuration holds it (the first tab's results, ``PageResults.starting_config_values``).
    ``built`` is the language the app was built in: its page is Gradio's own.
    """

    def __init__(self, built: str, languages, bound: Callable[[str], list],
                 starting_values: Callable[[str], dict] | None = None) -> None:
        self.built = built
        self.languages = tuple(languages)
        self._bound = bound
        self._starting_values = starting_values
        self._props: dict[str, dict[int, dict]] = {}
        self._lock = threading.Lock()

    def chosen(self, scope: Scope) -> str:
        """The language a request asks for: ``?lang=``, else the cookie, else the built one."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = (query.get("lang") or [None])[0]
        if asked not in self.languages:
            asked = _cookie(Headers(scope=scope).get("cookie"))
        return asked if asked in self.languages else self.built

    def props(self, lang: str) -> dict[int, dict]:
        """The properties that differ by language, for every component that has any, in ``lang``."""
        with self._lock:  # made once: about 400 components, a second or two of the server's time
            if lang not in self._props:
                self._props[lang] = self._make(lang)
            return self._props[lang]

    def warm(self) -> None:
        """Make the other languages' properties now (a warm-up), so that no page waits for them (the built
        language's page is Gradio's own and needs none)."""
        for lang in self.languages:
            if lang != self.built:
                self.props(lang)

    def translate(self, config: dict, lang: str) -> dict:
        """``config`` (Gradio's page configuration) with its words and starting values in ``lang``; the
        starting values' files under the page's root, as Gradio writes its own (``update_root_in_config``)."""
        props, root = self.props(lang), config.get("root")
        for component in config.get("components", []):
            changed = props.get(component.get("id"))
            if changed:
                changed = copy.deepcopy(changed)  # the next page's root may differ
                component["props"].update(add_root_url(changed, root, None) if root else changed)
        return config

    def _make(self, lang: str) -> dict[int, dict]:
        made: dict[int, dict] = {}
        for component, texts in self._bound(lang):
            made.setdefault(component._id, {}).update(_config_props(component, texts))
        if self._starting_values is not None:
            for component, value in self._starting_values(lang).items():
                made.setdefault(component._id, {})["value"] = value
        return made


def _config_props(component, texts: dict) -> dict:
    """``texts`` (property -> value in a language) as Gradio writes them into a page's configuration: the
    component made anew with them, as Gradio makes one for an update (``Blocks.postprocess_data``)."""
    kwargs = {**component.constructor_args, **texts, "render": False}
    made = component.__class__(**kwargs).get_config()
    return {name: made.get(name) for name in texts}


def _cookie(header: str | None) -> str | None:
    if not header:
        return None
    try:
        morsel = SimpleCookie(header).get(COOKIE)
    except CookieError:
        return None
    return morsel.value if morsel is not None else None


class PageLanguage(Rewrite):
    """ASGI middleware: the page (and ``/config``) in the language its request asks for
    (``LanguagePages.chosen``); the built language's page, and every other answer, pass untouched."""

    def __init__(self, app: ASGIApp, pages: LanguagePages) -> None:
        super().__init__(app)
        self.pages = pages

    def wants(self, scope: Scope) -> bool:
        if not (super().wants(scope) and scope.get("path") in _PAGE_PATHS):
            return False
        return self.pages.chosen(scope) != self.pages.built

    def holds(self, start: Message, headers: MutableHeaders) -> bool:
        kind = headers.get("content-type", "")
        return (start.get("status") == 200 and "content-encoding" not in headers
                and kind.startswith(("text/html", "application/json")))

    def rewrite(self, body: bytes, scope: Scope) -> bytes:
        lang = self.pages.chosen(scope)
        if body.lstrip().startswith(b"{"):  # /config
            return json.dumps(self.pages.translate(json.loads(body), lang)).encode()
        start = body.find(_CONFIG_START)
        end = body.find(_CONFIG_END, start)
        if start < 0 or end < 0:  # not Gradio's page as this module knows it: served as it is
            return body
        start += len(_CONFIG_START)
        config = self.pages.translate(json.loads(body[start:end]), lang)
        written = json.dumps(config, ensure_ascii=False, separators=(",", ":"))
        for char, escaped in _HTML_ESCAPES:
            written = written.replace(char, escaped)
        return body[:start] + written.encode() + body[end:]
