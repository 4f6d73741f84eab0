"""The studio's single ``gr.Blocks``: header, language switch, and one tab per working technique.

The tabs come from ``studio.techniques`` in lecture order; this module names none of them. Each
technique's tab builds its own widgets, and the services load models lazily on the first request,
so the page is up in seconds.
"""

from __future__ import annotations

import logging
import os

import gradio as gr
from starlette.middleware import Middleware

from studio import __version__, techniques
from studio.serving import runtime
from studio.classroom.web import ClassRoutes
from studio.judge.quality import QualityService
from studio.training.jobs import TrainingJobs
from studio.ui.frame import forwarded, gradio_fixes, gradio_speedups, link_button, page_language
from studio.ui.kit import exports, i18n
from studio.ui.panels import class_panel, lecture_plan, projector
from studio.ui.kit.class_kit import ClassKit, quietly
from studio.ui.kit.context import TabContext
from studio.ui.frame.input_guards import guard_inputs
from studio.ui.kit.jobs import SessionJobs
from studio.ui.frame.page_language import SWITCH_JS, LanguagePages, PageLanguage
from studio.ui.frame.page_load import PageResults
from studio.ui.frame.page_routes import PageRoutes
from studio.ui.panels.recipe_panel import create_panel as create_recipe_panel
from studio.ui.frame.response_cache import ResponseCache

log = logging.getLogger("studio")

# Local font stacks only: a classroom may be offline, so no web fonts are fetched.
THEME = gr.themes.Soft(primary_hue="indigo", secondary_hue="sky", neutral_hue="slate",
                       font=["Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "ui-sans-serif",
                             "system-ui", "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])
# The page presses its hidden "open link" button only when its address carries a result.
OPEN_LINK_JS = ("() => { const q = new URLSearchParams(window.location.search); if (q.has('r') || q.has('plan')) "
                "document.querySelector('#studio-open-link')?.click(); }")
CSS = """
.studio-hidden { display: none !important; }
#studio-header h1 { margin-bottom: 0.1em; }
#studio-device { opacity: 0.8; font-size: 0.9em; }
.gradio-container { max-width: 1280px !important; margin: auto; }
.studio-link { font-size: 0.85em; }
button.studio-copy-link { font-size: 0.8em; padding: 0 0.5em; border: 1px solid var(--border-color-primary);
  border-radius: 4px; cursor: pointer; }
input.studio-link-address { width: 100%; font-size: 0.75em; margin-top: 0.3em; }
details.studio-recipe > summary { cursor: pointer; font-size: 0.8em; opacity: 0.7; }
details.studio-recipe pre { font-size: 0.75em; white-space: pre-wrap; word-break: break-all; }
/* A picture's label sits above it instead of floating over its top-left corner, where it covered the
   first digits and the captions drawn into the picture (a long label covered a third of a row). */
.block.auto-margin > label[data-testid="block-label"].float { position: static; margin: var(--block-label-margin); width: fit-content; }
/* A phone: the technique tabs' names are one row that scrolls sideways (ten names took eight lines of the
   screen), and the page keeps its width: the row's width does not count towards the page's (width 0,
   min-width 100%). Sub-tabs keep Gradio's own overflow menu. Gradio scopes these rules inside its
   container, so they name the tabs, not .gradio-container. */
@media (max-width: 640px) {
  #studio-techniques > .tab-wrapper, #studio-techniques > .tab-wrapper > .tab-container {
    flex-wrap: nowrap !important; height: auto; }
  #studio-techniques > .tab-wrapper > .tab-container { width: 0; min-width: 100%; overflow-x: auto;
    overflow-y: hidden; scrollbar-width: thin; }
  #studio-techniques > .tab-wrapper > .tab-container > button { flex: 0 0 auto; white-space: nowrap; }
  /* A sub-tab row counts no width either, so Gradio's menu takes the sub-tabs that do not fit. */
  .tab-wrapper { min-width: 0; }
  .tab-wrapper > .tab-container[role=tablist] { width: 0; min-width: 100%; }
  /* Pix2Pix's gallery: four thumbnails a row (its eight columns of 100 px widened the page to 937 px). */
  #p2p-gallery .grid-container { grid-template-columns: repeat(4, minmax(0, 1fr)) !important; }
  /* A long command or file name in a sentence breaks where it must, instead of widening the page. */
  .prose :not(pre) > code, .prose p, .prose li, .prose td { overflow-wrap: anywhere; white-space: normal; }
}
"""

# Uploads beyond this are refused by Gradio with a message; anything smaller is shrunk before use.
MAX_UPLOAD = "20mb"

# The device line waits at most this long for the tabs' warm-up before it shows anyway.
WARM_UP_WAIT_S = 120

# Light work (sampling, sliders) may run this many requests at once; heavy jobs set their own limit.
LIGHT_CONCURRENCY = 4


def _header(tr: i18n.Translator) -> tuple[gr.Markdown, gr.Radio]:
    """The title, the device line (filled once the tabs are warm) and the language switch."""
    with gr.Row(elem_id="studio-header"):
        with gr.Column(scale=4):
            tr.make(gr.Markdown, {"value": lambda lg: f"# {i18n.text('app.title', lg)}\n"
                                                      f"{i18n.text('app.subtitle', lg)}"})
            device = tr.make(gr.Markdown, {"value": "app.device_pending"}, elem_id="studio-device")
        with gr.Column(scale=1, min_width=180):
            language = gr.Radio([(name, code) for code, name in i18n.LANGUAGES.items()],
                                value=tr.lang, label="언어 / Language", elem_id="studio-language")
    return device, language


def build_app(lang: str = i18n.DEFAULT_LANGUAGE, allow_training: bool = True,
              training_note: bool = False, classroom=None, plan: str | None = None) -> gr.Blocks:
    """Build the studio.

    ``allow_training`` shows the training controls; ``training_note`` tells users why they are
    hidden (a share link without ``--allow-training``). ``classroom`` is the class session
    (``studio.classroom.session.ClassSession``) of ``python studio.py --class``, or None; ``plan`` the
    lecture plan it starts with (a shipped plan's name or a file's path; a ``PlanError`` if it cannot be used).
    """
    gradio_fixes.install()
    gradio_speedups.install()  # a class's pages cost Gradio less per student
    tr = i18n.Translator(lang)
    with gr.Blocks(title="Generative Studio · 생성 모델 스튜디오") as demo:
        device, language = _header(tr)
        if training_note:
            tr.make(gr.Markdown, {"value": "app.training_off"})

        # One kit for every tab; the line of training jobs exists only where training is allowed.
        quality = QualityService()  # the judges, shared by every tab that generates images
        kit = ClassKit(classroom, quality)
        ctx = TabContext(tr, language, SessionJobs(), TrainingJobs() if allow_training else None, quality,
                         classroom=kit)
        launch_info: dict = {}  # host, port and share link, filled by launch(): the address students join
        declared = techniques.load()  # and their class polls, which the lecturer's panel shows
        if kit.active:  # the lecturer's panel, on the lecturer's page only
            class_panel.create_lecturer_panel(kit, tr, language, launch_info, plan)
        # "wrap": every technique in sight on a projector or a laptop, in the lecture order, rather
        # than the last ones hidden behind Gradio's overflow menu (its default).
        link_note = gr.Markdown(visible=False, elem_id="studio-link-note")  # "Opened from a link", when it was
        with gr.Tabs(overflow_behavior="wrap", elem_id="studio-techniques") as technique_tabs:
            refreshes = ctx.build_tabs(declared)  # a sub-tab's technique is built by its parent's tab
        # lecture plans: checked against these tabs, stepped by the lecturer, opened from a step's link
        kit.plan_steps = lecture_plan.plan_steps_for(kit, technique_tabs, ctx.link_targets)
        if plan is not None and kit.active:
            _start_with_plan(kit, plan, tr.lang, ctx.warm_ups)
        # re-runs any tab's exported result from its recipe; a link opens on its result's own tab
        link_opener = create_recipe_panel(tr, language, technique_tabs, ctx.link_targets, link_note, kit.plan_steps)
        gr.Markdown(f"<small>Generative Studio {__version__}</small>")
        # Pressed by the page itself when its address carries a result (?r=...): see OPEN_LINK_JS.
        open_link = gr.Button("open link", elem_id="studio-open-link", elem_classes=["studio-hidden"])
        loaded, languages = _page_results(demo, tr, refreshes, language, device, ctx.warm_ups)
        # A page opened from a link to a result (?r=...) shows that result on its tab, with the link's
        # values in the controls: after the page's own results, so that they do not overwrite the
        # link's, and outside the queue. Only such a page runs the event: its outputs are every linkable
        # control and result of every tab (about a hundred), and an event's status messages make the
        # browser walk all of its outputs, so a plain page load must not fire it (measured: ten pages
        # at once took 21.5 s with it on every page, against the 20 s target).
        open_link.click(quietly(link_opener.fn), link_opener.inputs, link_opener.outputs, api_visibility="private",
                        queue=False, show_progress="hidden")
        loaded.then(None, js=OPEN_LINK_JS)
        if kit.active:  # students' pages follow the lecturer's tabs and results, once their own are in
            class_panel.create_following(kit, language, technique_tabs, ctx.link_targets)
            exports.RESULT_LISTENERS[:] = [kit.lecturer_made]  # one class per process
            loaded.then(None, js=class_panel.READY_JS)
    demo.warm_ups = ctx.warm_ups  # run by launch() once the page is served
    demo.page_languages = languages  # each language's page, served by launch()
    demo.page_routes, demo.page_scripts = ctx.page_routes, ctx.page_scripts  # the tabs' own routes and scripts
    demo.link_targets = ctx.link_targets  # where each linkable result lives (for the tests)
    demo.classroom = kit
    demo.launch_info = launch_info
    guard_inputs(demo, [tr.texts(lg) for lg in i18n.LANGUAGES])  # every tab's uploads and numbers, present and future
    demo.queue(default_concurrency_limit=LIGHT_CONCURRENCY)
    return demo


def _start_with_plan(kit: ClassKit, plan: str, lang: str, warm_ups: list) -> None:
    """``--plan``: the class's lecture plan from the start (a ``PlanError`` sentence if this page cannot show
    it), each of its result steps made once among the warm-ups, so that no step waits for a model's load."""
    lecture = kit.plan_steps.load(plan)
    kit.session.adopt_plan(lecture)
    warm_ups.append(quietly(lambda: kit.plan_steps.warm(lecture, lang)))


def _page_results(demo: gr.Blocks, tr: i18n.Translator, refreshes: list, language, device, warm_ups: list):
    """Wire every tab's page-load results, the language switch and the device line. Returns the event after
    which a page's own results are in (what a link or the class's following waits for), and each language's
    page (``LanguagePages``, served by ``launch``)."""

    def describe_device(lg: str) -> str:
        # Shown once every tab is warm (or after a minute): from then on first clicks are fast.
        runtime.wait_until_warm(timeout=WARM_UP_WAIT_S)
        return i18n.text("app.device", lg, device=runtime.device_info().label())

    # One event fills every tab on page load; its results are shared by every page
    # (studio.ui.frame.page_load), so a class costs one computation.
    page = PageResults(refreshes, language)
    first_tab, other_tabs = page.split()
    first_tab.show_at_once(tr.lang)
    # No loading animation: a class's browsers share the lecturer's cores while the page arrives,
    # and each animated placeholder is drawn at 60 frames a second until its result lands. The first
    # tab's results come first, on their own: a phone shows them before it works through the rest.
    fn, inputs, outputs = first_tab.event()
    first_loaded = demo.load(quietly(fn), inputs, outputs, api_visibility="private", show_progress="hidden")
    fn, inputs, outputs = other_tabs.event()
    loaded = first_loaded.then(quietly(fn), inputs, outputs, api_visibility="private", show_progress="hidden")
    # No concurrency limit: page loads waiting here for the warm-up must not hold the light queue.
    demo.load(describe_device, language, device, api_name="device", concurrency_limit=None,
              show_progress="hidden")
    # A switch loads the other language's page (studio.ui.frame.page_language): no event reaches the server.
    languages = LanguagePages(tr.lang, i18n.LANGUAGES, tr.texts,
                              starting_values=lambda lg: {language: lg, **first_tab.starting_config_values(lg)})
    language.change(None, language, None, js=SWITCH_JS)
    # The page's results first, then the tabs' own warm-ups, then the other languages' pages and results.
    warm_ups.insert(0, lambda: page.warm([tr.lang]))
    warm_ups.append(lambda: page.warm([lg for lg in i18n.LANGUAGES if lg != tr.lang]))
    warm_ups.append(languages.warm)
    return loaded, languages


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           auth: tuple[str, str] | None = None, public_url: str | None = None,
           forwarded_allow_ips: str | None = None, **kwargs) -> None:
    """Serve ``demo`` with the studio's theme; blocks until the server stops.

    ``public_url``: the address students use (behind a proxy, in a container): the page names it as its
    own, whatever a request says. ``forwarded_allow_ips``: the proxies whose forwarded headers are believed
    (``studio.ui.frame.forwarded``; by default ``$FORWARDED_ALLOW_IPS``, else this machine)."""
    # The page and the frontend's files are the same for every student: built and compressed once.
    scripts = (gradio_fixes.EARLY_SCRIPT + link_button.SCRIPT + page_language.SCRIPT
               + "".join(getattr(demo, "page_scripts", ())))
    trusted = forwarded_allow_ips or forwarded.trusted_from_environment()
    os.environ["FORWARDED_ALLOW_IPS"] = ""  # uvicorn's own copy trusts nobody: TrustedProxies decides (its docstring)
    kit = getattr(demo, "classroom", None)
    shared = kit.shared_events if kit is not None and kit.active else None  # the class's follow answers
    middleware = [Middleware(forwarded.TrustedProxies, trusted=trusted),
                  Middleware(PageRoutes, routes=getattr(demo, "page_routes", {})),
                  Middleware(ResponseCache, shared_events=shared)]
    css = CSS
    if kit is not None and kit.active:  # the lecturer's address, and the state every page asks for
        scripts += class_panel.SCRIPT + projector.SCRIPT + lecture_plan.SCRIPT
        css += class_panel.CSS + projector.CSS + lecture_plan.CSS
        # before the cache: /?key= is never kept
        middleware.insert(2, Middleware(ClassRoutes, session=kit.session, places=kit.tab_places,
                                        plan_steps=kit.plan_steps, projector=kit.projector))
    languages = getattr(demo, "page_languages", None)
    if languages is not None:  # inside the cache: each language's page is written once
        middleware.append(Middleware(PageLanguage, pages=languages))
    middleware.append(Middleware(gradio_fixes.EarlyScript, script=scripts))
    middleware.append(Middleware(gradio_fixes.ClientPatch))  # errors outside the queue reach the student
    if public_url:  # Gradio takes a full URL as the page's root, for every request
        kwargs["root_path"] = public_url.rstrip("/")
    demo.launch(server_name=host, server_port=port, share=share, auth=auth, theme=THEME, css=css,
                footer_links=["api", "settings"], show_error=True, prevent_thread_lock=True,
                max_file_size=MAX_UPLOAD, app_kwargs={"middleware": middleware}, **kwargs)
    getattr(demo, "launch_info", {}).update(host=host, port=port, share_url=getattr(demo, "share_url", None),
                                            public_url=public_url)
    # Only now, with the page already served, pay TensorFlow's import and every tab's first click.
    runtime.warm_up_in_background(getattr(demo, "warm_ups", ()))
    demo.block_thread()
