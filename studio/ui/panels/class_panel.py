"""The class in the page: the lecturer's panel (QR code, pooled answers) and the students' following.

* Every page runs ``SCRIPT``: it asks ``studio-class/state`` once a second (``studio.classroom.web``) and
  shows a small bar (following the lecturer, or exploring alone, and one button to switch). When the
  lecturer shows something new, a following page selects the lecturer's tabs itself (no event to the
  server), and for a result presses that result's hidden button (``#studio-follow-<technique>``), whose
  event sends the result's controls and outputs as plain values. The lecturer's state is a link: the same
  recipe, checked the same way, computed once for the class.
* The lecturer is known by the HttpOnly cookie the lecturer's address set. Their tab clicks (the page
  posts ``studio-class/move``) and results (``ClassKit.lecturer_made``) become the class state on the
  server; no page can send a state of its own.
* Only the lecturer's page shows the panel: its script presses ``#studio-class-open``, and the server
  answers with the panel only for the lecturer's cookie. Pause, reset and download check it again.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from pathlib import Path

import gradio as gr
from PIL import Image

from studio import links, paths
from studio.classroom import join, polls, pools
from studio.classroom.polls import ClassPoll
from studio.bundles.provenance import RecipeError
from studio.ui.kit import exports
from studio.ui.panels import lecture_plan, projector
from studio.ui.kit.class_kit import ClassKit, quietly
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import Translator, text
from studio.ui.kit.link_targets import placement, tab_containers

log = logging.getLogger("studio")

POLL_INTERVAL_MS = 800  # a page refused a stream asks this often (a streaming page hears each change at once)

SCRIPT = f"""<script>
(() => {{
  const code = new URLSearchParams(location.search).get('class') || '';
  const S = window.studioClass = {{following: sessionStorage.getItem('studioFollow') !== '0', seen: -1,
                                   shown: null, ready: false, opened: false}};
  let bar = null;
  const words = {{
    follow: '📡 선생님 화면을 따라가는 중 · Following the lecturer',
    alone: '🧭 혼자 둘러보는 중 · Exploring alone',
    leave: '혼자 둘러보기 · Explore alone', back: '선생님 따라가기 · Follow the lecturer',
    away: '선생님 화면이 닫혀 있습니다. 이 페이지는 그대로 쓸 수 있고, 선생님이 돌아오면 수업이 이어집니다. · ' +
          "The lecturer's page is closed: keep using yours; the class goes on when the lecturer is back.",
    lost: '스튜디오에 연결할 수 없습니다(재시작 중일 수 있음). 이 페이지는 그대로 남습니다. · ' +
          'The studio cannot be reached (it may be restarting); your page stays as it is.',
  }};
  const render = (state) => {{
    if (!document.body) return;
    if (!bar) {{
      bar = document.createElement('div');
      bar.id = 'studio-class-bar';
      document.body.appendChild(bar);
    }}
    bar.replaceChildren();
    const line = document.createElement('span');
    line.className = 'studio-class-line';
    if (state && state.lecturer) {{
      line.textContent = `🎓 강의자 · Lecturer — 접속 ${{state.connected}}명 · connected ${{state.connected}}, ` +
                         `따라오는 중 ${{state.following}} · following ${{state.following}}`;
      bar.append(line);
      return;
    }}
    line.textContent = !state ? words.lost : state.problem ? state.problem
      : !state.lecturer_online ? words.away : (S.following ? words.follow : words.alone);
    const step = window.studioPlan && window.studioPlan.studentLine(state, S.following);  // a lecture plan's step
    if (step) bar.append(step);
    const toggle = document.createElement('button');
    toggle.id = 'studio-class-toggle';
    toggle.type = 'button';
    toggle.textContent = S.following ? words.leave : words.back;
    toggle.addEventListener('click', () => {{ setFollowing(!S.following); }});
    bar.append(line, ' ', toggle);
  }};
  const setFollowing = (on) => {{
    S.following = on;
    sessionStorage.setItem('studioFollow', on ? '1' : '0');
    if (on) S.seen = -1;  // take the lecturer's state again at once
    render(S.state);
    apply();
    relisten();  // the studio counts who follows from the stream's address
  }};
  // Select each of ``tabs`` (container -> tab id) by clicking its button as a person would (untrusted, so it
  // is not "exploring alone"; and a tab click is no event for the server). A sub-tab's button is drawn once
  // its tab shows: tried again every 50 ms, for 3 s at most; then ``done``. Only the newest selection goes on
  // (and calls ``done``): an older one still waiting for a sub-tab's button would click its own tabs again over
  // the newer state's (a lecturer stepping fast saw the page go back a step).
  let selecting = 0;
  const selectTabs = (tabs, done) => {{
    const wanted = Object.values(tabs || {{}});
    const mine = ++selecting;
    let tries = 0;
    const step = () => {{
      if (mine !== selecting) return;
      let waiting = 0;
      for (const id of wanted) {{
        // the tab bar's button, and on a narrow page (a phone) the overflow menu's, hidden or not
        const buttons = [...document.querySelectorAll(`#studio-techniques [data-tab-id="${{CSS.escape(String(id))}}"]`)];
        if (buttons.some((b) => b.getAttribute('aria-selected') === 'true')) continue;
        waiting += 1;
        if (buttons.length) buttons[0].click();
      }}
      if (waiting && ++tries < 60) setTimeout(step, 50); else done();
    }};
    step();
  }};
  const followId = (result) => 'studio-follow-' + String(result).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  // Show ``shown`` ({{tabs, link, result}}) in this page: its tabs, then its result through that result's own
  // button, whose event fills that result alone (``still()``: whether it is still wanted once the tabs show).
  S.show = (shown, still = () => true) => {{
    selectTabs(shown.tabs, () => {{
      if (!shown.link || !shown.result || !still()) return;
      S.shown = shown;  // the follow event reads the link from here
      const button = document.getElementById(followId(shown.result));
      if (button) button.click();
    }});
  }};
  const apply = () => {{
    const shown = S.state;
    if (!S.ready || !S.following || !shown || shown.lecturer || shown.problem || shown.version === S.seen) return;
    S.seen = shown.version;
    S.show(shown, () => S.seen === shown.version && S.following);
  }};
  const openPanel = () => {{  // the lecturer's panel, once the page is drawn and the state says "lecturer"
    if (!S.state || !S.state.lecturer || !S.ready || S.opened) return;
    const open = document.getElementById('studio-class-open');
    if (open) {{ S.opened = true; open.click(); }}
  }};
  const take = (state) => {{
    S.state = state;
    if (window.studioPlan) window.studioPlan.take(state);  // first: the bar below says the step
    openPanel();
    render(S.state);
    apply();
  }};
  S.render = () => render(S.state);
  const address = (route) => `studio-class/${{route}}?follow=${{S.following ? 1 : 0}}&class=${{encodeURIComponent(code)}}`;
  // One stream for the state (the studio pushes each change) once the page has its id from an ask; asking
  // every {POLL_INTERVAL_MS} ms again when a stream is refused (a full studio, an old proxy), for 30 s.
  let stream = null, lostTimer = null;
  const listen = () => {{
    stream = new EventSource(address('stream'), {{withCredentials: true}});
    stream.onmessage = (event) => {{
      clearTimeout(lostTimer); lostTimer = null;
      try {{ take(JSON.parse(event.data)); }} catch (error) {{ /* a torn event: the next one comes */ }}
    }};
    stream.onerror = () => {{
      if (stream.readyState === EventSource.CLOSED) {{
        stream = null; S.streamAfter = Date.now() + 30000;
        setTimeout(ask, {POLL_INTERVAL_MS});
      }} else if (lostTimer === null) {{  // reconnecting by itself: "cannot be reached" only if it stays so
        lostTimer = setTimeout(() => {{ S.state = null; render(null); }}, 3000);
      }}
    }};
  }};
  const relisten = () => {{ if (stream) {{ stream.close(); listen(); }} }};
  const ask = async () => {{
    try {{
      const answer = await fetch(address('state'), {{credentials: 'same-origin', cache: 'no-store'}});
      if (!answer.ok) throw new Error(String(answer.status));
      take(await answer.json());
    }} catch (error) {{
      S.state = null;
      render(null);
    }}
    if (S.state && window.EventSource && Date.now() >= (S.streamAfter || 0)) listen();
    else setTimeout(ask, {POLL_INTERVAL_MS});
  }};
  // A tab a person picks (pointer or keyboard: a trusted click). On the lecturer's page it moves the class
  // (``studio-class/move``); on a student's it means exploring alone, until "Follow the lecturer".
  const picked = (event) => {{
    const button = event.isTrusted && event.target.closest && event.target.closest('#studio-techniques button[role="tab"]');
    if (!button || !S.state || button.getAttribute('aria-selected') === 'true') return;
    if (S.state.lecturer) {{
      fetch(`studio-class/move?tab=${{encodeURIComponent(button.dataset.tabId)}}`,
            {{method: 'POST', credentials: 'same-origin'}}).catch(() => {{}});
    }} else if (S.following) {{
      setFollowing(false);
    }}
  }};
  document.addEventListener('click', picked, true);
  window.studioClassReady = () => {{ S.ready = true; openPanel(); apply(); }};
  ask();
}})();
</script>"""

CSS = """
#studio-class-bar { position: fixed; bottom: 0.6em; right: 0.6em; z-index: 1000; max-width: min(46em, 92vw);
  background: var(--background-fill-primary); border: 1px solid var(--color-accent); border-radius: 8px;
  padding: 0.3em 0.7em; font-size: 0.85em; box-shadow: 0 1px 6px rgba(0,0,0,0.15); }
#studio-class-bar button { border: 1px solid var(--color-accent); border-radius: 6px; padding: 0.1em 0.6em;
  margin-left: 0.4em; cursor: pointer; background: var(--color-accent-soft); }
#studio-class-qr img { image-rendering: pixelated; }
#studio-class-address { font-size: 1.5em; word-break: break-all; }
"""
READY_JS = "() => { window.studioClassReady && window.studioClassReady(); }"


def follow_id(technique: str) -> str:
    """The element id of the hidden button a following page presses for a lecturer's result of ``technique``
    (the page's script makes the same id: ``followId``)."""
    return "studio-follow-" + re.sub(r"[^a-z0-9]+", "-", technique.lower())


def create_following(kit: ClassKit, lang, technique_tabs, link_targets) -> None:
    """Where each tab and result lives, for the lecturer's moves; one hidden button per linkable result,
    which a following page presses to show the lecturer's result of that kind.

    A follower's tab move is no event at all: its page selects the tabs itself (``SCRIPT``). A result's event
    has only that result's controls and outputs as outputs and answers plain values, so Gradio sends them
    without rebuilding components for the page (an update, or a ``gr.skip()`` for an output left alone,
    costs a component built anew per page: docs/gradio-upstream.md)."""
    for container, tabs in tab_containers(technique_tabs):
        for tab in tabs:
            if kit.tab_places.setdefault(str(tab.id), str(container._id)) != str(container._id):
                raise ValueError(f"Two tabs of the page have the id {tab.id!r}: the class could not tell them apart.")
    # Where each result lives: its first output's tabs (a result on a sub-tab brings the class there).
    where_of = {target.recipe: placement(target.outputs[0]) for target in link_targets if target.outputs}
    kit.shows.append(where_of.get)
    state_box = gr.Textbox(visible=True, elem_classes=["studio-hidden"], container=False)  # values come from js
    shown_js = "(lang) => [lang, JSON.stringify(window.studioClass ? window.studioClass.shown : {})]"
    for target in link_targets:
        button = gr.Button("follow", elem_id=follow_id(target.recipe), elem_classes=["studio-hidden"])
        event = button.click(_follower(target), [lang, state_box], target.followed(), js=shown_js, queue=False,
                             show_progress="hidden", api_visibility="private")
        if not exports.opens_fresh(target.recipe):  # a shared recipe: every page gets the same answer
            kit.shared_events.add(event["id"])


def _follower(target):
    """The event of ``target``'s hidden follow button: the lecturer's result (the class state's link) as plain
    values of its controls and outputs; nothing changes for a state that is not a result of this kind."""

    @quietly  # the class's pages making the lecturer's result are not the lecturer showing it again
    def follow(lang, shown: str):
        try:
            state = json.loads(shown or "{}")
            linked = links.read_link(state.get("link") or "")
        except (ValueError, AttributeError, RecipeError):
            return gr.skip()
        if linked.technique != target.recipe:
            return gr.skip()
        try:
            return target.values(lang, linked.params)
        except Exception:  # noqa: BLE001 - e.g. weights being replaced: the page keeps what it shows
            log.exception("A follower could not show the lecturer's %s", target.recipe)
            return gr.skip()

    return follow


def create_lecturer_panel(kit: ClassKit, tr: Translator, lang, launch_info: dict, plan: str | None = None) -> None:
    """The lecturer's panel at the top of the page: the QR code students scan, the address (which the
    lecturer can correct), the class's controls, a tab per poll with its live picture, pause, reset and
    download, and the lecture plan's tab (``plan``: the one ``--plan`` chose). Hidden on every page but the lecturer's. ``launch_info`` is filled by ``launch``: host, port,
    the share link (known only once served) and the public address (``--public-url``)."""
    with tr.make(gr.Accordion, {"label": "class.panel"}, open=True, visible=False) as panel:
        with gr.Row():
            qr = gr.Image(type="numpy", format="png", interactive=False, show_label=False, height=320,
                          elem_id="studio-class-qr", scale=1)
            with gr.Column(scale=2):
                address = gr.Markdown(elem_id="studio-class-address")
                tr.make(gr.Markdown, {"value": "class.how"})
                with gr.Row():
                    typed = tr.make(gr.Textbox, {"label": "class.address_fix"}, elem_id="studio-class-address-fix",
                                    scale=3)
                    use = tr.make(gr.Button, {"value": "class.use_address"}, size="sm", scale=1)
        with gr.Tabs():
            for poll in polls.declared():
                _poll_tab(kit, tr, lang, poll)
            lecture_plan.create_plan_tab(kit, tr, lang, plan)  # a lecture plan: start it, or record one
        _class_controls(kit, tr, lang)
    kit.projector = projector.Projector(kit)  # the poll boxes' pictures, asked by the page (studio-class/projector)
    open_btn = gr.Button("class", elem_id="studio-class-open", elem_classes=["studio-hidden"])

    @guarded
    def open_panel(lg, request: gr.Request):
        if not kit.is_lecturer(request):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        picture, line, url = _join_view(kit, launch_info, lg, request)
        return gr.Accordion(visible=True), picture, line, url

    @guarded
    def use_address(lg, url, request: gr.Request):
        kit.session.set_join_url(kit.lecturer_token(request), join.checked_url(url) if url.strip() else None)
        picture, line, _ = _join_view(kit, launch_info, lg, request)
        return picture, line

    open_btn.click(open_panel, [lang], [panel, qr, address, typed], queue=False, show_progress="hidden",
                   api_visibility="private")
    use.click(use_address, [lang, typed], [qr, address], queue=False, api_visibility="private")


def _join_view(kit: ClassKit, launch_info: dict, lang: str, request) -> tuple:
    """(QR picture update, the address line, the address) for the lecturer's page behind ``request``."""
    session = kit.session
    page = _page_address(request)
    place = join.student_address(launch_info.get("host", "127.0.0.1"), launch_info.get("port", 7860),
                                 session.code, launch_info.get("share_url"),
                                 public_url=session.join_url() or launch_info.get("public_url"), page=page)
    if place.url is None:  # no QR code to scan: the one sentence says what fixes it
        return gr.Image(visible=False), text("class.unreachable", lang, problem=place.problem), ""
    return gr.Image(join.qr_picture(place.url), visible=True), \
        text("class.address", lang, url=place.url, code=session.code), place.url.split("?")[0]


def _page_address(request) -> tuple[str, str]:
    """(scheme, host[:port]) that the page behind ``request`` was opened at: X-Forwarded-Host and the
    scheme come from a trusted proxy only (``studio.ui.frame.forwarded`` removed anyone else's)."""
    starlette_request = getattr(request, "request", request)  # a gr.Request wraps starlette's
    headers = getattr(starlette_request, "headers", None) or {}
    host = (headers.get("x-forwarded-host") or headers.get("host") or "").split(",")[0].strip()
    url = getattr(starlette_request, "url", None)
    return (getattr(url, "scheme", None) or "http", host)


# "Leave lecturer mode": the page asks the server to end its lecturer session (its cookie is HttpOnly), then
# opens the plain address as a student's page would.
LEAVE_JS = ("() => { fetch('studio-class/leave', {method: 'POST', credentials: 'same-origin'})"
            ".finally(() => location.assign(location.pathname)); }")


def _class_controls(kit: ClassKit, tr: Translator, lang) -> None:
    """The class's own controls: leave lecturer mode, a new lecturer key (answers kept), end the class."""
    session = kit.session
    with gr.Row():
        leave = tr.make(gr.Button, {"value": "class.leave"}, size="sm", elem_id="studio-class-leave")
        rotate = tr.make(gr.Button, {"value": "class.rotate_key"}, size="sm", elem_id="studio-class-rotate")
        end = tr.make(gr.Button, {"value": "class.end_class"}, size="sm", variant="stop", elem_id="studio-class-end")
    said = gr.Markdown(elem_id="studio-class-said")

    @guarded
    def new_key(lg, request: gr.Request):
        key = session.rotate_key(kit.lecturer_token(request))
        print(f"\nA new lecturer key for class {session.code}: the lecturer's address is now\n    /?key={key}\n"
              "(after the studio's address; the old key no longer works)\n", flush=True)
        return text("class.new_key", lg)

    @guarded
    def end_class(lg, request: gr.Request):
        if not lg:  # the lecturer answered "no" to the page's question
            return gr.skip()
        folder, code = session.end_class(kit.lecturer_token(request), paths.user_cache_dir() / "class-archive")
        return text("class.ended", lg, folder=str(folder), code=code)

    leave.click(None, js=LEAVE_JS)
    rotate.click(new_key, [lang], said, api_visibility="private")
    end.click(end_class, [lang], said, api_visibility="private",
              js="(lang) => confirm('End the class? Its answers are archived. / 수업을 끝낼까요? 답은 보관됩니다.') ? lang : ''")


def _poll_tab(kit: ClassKit, tr: Translator, lang, poll: ClassPoll) -> None:
    """One poll's tab of the lecturer's panel: its box on the projector (``projector.box``), its pause, reset
    and download, and its switch, if the poll declares one."""
    session, name = kit.session, poll.name
    with tr.make(gr.Tab, {"label": poll.label}):
        projector.box(poll)  # its picture and summary line, which the lecturer's page asks for
        with gr.Row():
            paused = tr.make(gr.Checkbox, {"label": "class.pause"}, value=False)
            reset = tr.make(gr.Button, {"value": "class.reset"}, variant="stop", size="sm")
            download = tr.make(gr.Button, {"value": "class.download"}, size="sm")
        files = gr.File(interactive=False, file_count="multiple", height=80, show_label=False,
                        visible=False)
        if poll.switch is not None:
            switch = tr.make(gr.Checkbox, {"label": poll.switch}, value=False, elem_id=f"studio-class-{name}-switch")

            @guarded
            def turn(on, request: gr.Request):
                session.set_switch(kit.lecturer_token(request), name, on)

            switch.input(turn, switch, None, api_visibility="private")

    @guarded
    def pause(on, request: gr.Request):
        session.pause(kit.lecturer_token(request), name, on)

    @guarded
    def clear(request: gr.Request):
        session.reset(kit.lecturer_token(request), name)

    @guarded
    def export(lg, request: gr.Request):
        session.require_lecturer(kit.lecturer_token(request))
        return gr.File(_export(kit, poll, lg), visible=True)

    paused.input(pause, paused, None, api_visibility="private")
    reset.click(clear, None, None, api_visibility="private")
    download.click(export, [lang], files, api_visibility="private")


def _export(kit: ClassKit, poll: ClassPoll, lang: str) -> list[str]:
    """The poll's answers as CSV and its picture as PNG, in a new temporary folder."""
    answers = kit.session.answers(poll.name, with_lecturer=True)  # the lecturer's rounds too, marked
    folder = Path(tempfile.mkdtemp(prefix="studio-class-"))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    csv_path = folder / f"class-{poll.name}-{stamp}.csv"
    csv_path.write_text(pools.csv_of(answers), encoding="utf-8")
    paths = [str(csv_path)]
    picture, _ = projector.poll_view(kit, poll, kit.session.answers(poll.name), lang)
    if picture is not None:
        png = folder / f"class-{poll.name}-{stamp}.png"
        Image.fromarray(picture).save(png)
        paths.append(str(png))
    return paths
