"""Lecture plans in the page: checked against this studio, stepped by the lecturer, followed by the class.

``studio.classroom.plans`` reads a plan file; here a plan meets the page:

* ``PlanSteps.check_step``: a step's recipe is a result this page can show and follow (it has a
  ``LinkTarget``), with parameters its function takes and the weights this studio has; a step's tab, poll
  and training panel exist. One sentence otherwise (``LecturePlan.check`` adds the step and its title).
* ``PlanSteps.go``: the lecturer's clicker (``studio-class/step?to=N``, ``studio.classroom.web``) makes step
  N the class state, as a click on its result would: the tabs it is on, its link, and the step's title and
  number, which every following page shows. A step's poll opens.
* ``PlanSteps.public``: the plan as a page needs it (each step's title, reference, link and tabs; the notes
  only for the lecturer's page), so that a student exploring alone can open an earlier step.
* ``create_plan_tab``: the lecturer panel's tab to start a plan (shipped, or a file of their own), and to
  record one: every result the lecturer makes becomes a step, and the recording downloads as a plan file.
"""

from __future__ import annotations

import logging
import re
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import tomli_w

from studio import links
from studio.checks import UserError, quoted
from studio.classroom import plans, polls
from studio.classroom.plans import LecturePlan, PlanError, PlanStep
from studio.classroom.store import StoreBusy
from studio.bundles.provenance import RecipeError
from studio.training.schedules import SCHEDULES
from studio.ui.kit import exports
from studio.ui.kit.class_kit import quietly
from studio.ui.kit.errors import guarded
from studio.ui.kit.i18n import Translator, text
from studio.ui.kit.link_targets import placement, tab_containers

log = logging.getLogger("studio")

RECORDED_NAME = "recorded"


class PlanSteps:
    """A page's lecture plans (see the module's docstring).

    ``targets``: recipe -> its ``LinkTarget``; ``result_places``: recipe -> {tab container: tab id} of its
    result; ``tab_places``: tab id -> the same for a tab (and the tabs around it); ``train_panels``: a
    training panel's name (its ``api_prefix``) -> the tab places of its Train button. ``kit`` is the class
    (``ClassKit``; inactive without ``--class``: plans then only open as links)."""

    def __init__(self, kit, targets: dict, result_places: dict[str, dict], tab_places: dict[str, dict],
                 train_panels: dict[str, dict]) -> None:
        self.kit, self.targets, self.result_places = kit, targets, result_places
        self.tab_places, self.train_panels = tab_places, train_panels

    # --- a plan against this studio ----------------------------------------------------------------------
    def check_step(self, step: PlanStep) -> None:
        """Raise a ``UserError`` sentence (the field, what is wrong) when this page cannot show ``step``."""
        if step.recipe is not None:
            self._check_recipe(step)
        elif step.tab not in self.tab_places:
            raise UserError(f"the field 'tab' names {quoted(step.tab)}, which is not a tab of this studio "
                            f"(its tabs: {', '.join(sorted(self.tab_places))}).")
        if step.poll is not None:
            polls.find(step.poll, UserError)
        if step.train is not None:
            panel, schedule = step.train["technique"], step.train["schedule"]
            if schedule not in SCHEDULES:
                raise UserError(f"the field 'train' asks for the schedule {quoted(schedule)}; the schedules are "
                                f"{', '.join(SCHEDULES)}.")
            if self.train_panels and panel not in self.train_panels:
                raise UserError(f"the field 'train' names {quoted(panel)}, which has no training panel here "
                                f"(those that have one: {', '.join(sorted(self.train_panels))}).")

    def _check_recipe(self, step: PlanStep) -> None:
        if step.recipe not in self.targets:
            raise UserError(f"the field 'recipe' names {quoted(step.recipe)}, which is not a result this studio "
                            f"shows (its results: {', '.join(sorted(self.targets))}).")
        if not exports.reruns(step.recipe):  # a fresh game round, or a picture from the examples: its tab decides
            return
        try:
            made = exports.recipe_of(step.recipe, step.params)
        except TypeError as exc:
            raise UserError(f"the field 'params' does not fit {step.recipe} ({exc}); its parameters are "
                            f"{', '.join(exports.parameters_of(step.recipe))}.") from None
        now = links.weights_digest(made.models)
        if step.weights != now:
            raise UserError(f"the field 'weights' says {step.weights}, but this studio's weights for {step.recipe} "
                            f"are {now}: the step was made with other weights. Record it again (or run "
                            "python studio.py --restamp-plan FILE to take this studio's weights).")

    def load(self, source: str | Path) -> LecturePlan:
        """A plan by name (shipped) or path, checked against this page; a ``PlanError`` sentence otherwise."""
        return plans.load(source).check(self.check_step)

    def parse(self, text: str | bytes, name: str) -> LecturePlan:
        """A plan file's contents, checked against this page."""
        return plans.parse(text, name).check(self.check_step)

    def find(self, name: str) -> LecturePlan:
        """The plan a step's link names: the class's own plan of that name, else a shipped one."""
        if self.kit.active:
            try:
                current = self.kit.session.plan()
            except StoreBusy:
                current = None
            if current is not None and current.name == name:
                return current
        return self.load(plans.checked_name(name))

    # --- where a step shows ------------------------------------------------------------------------------
    def shown_of(self, step: PlanStep) -> dict:
        """The class state of ``step`` (``ClassSession.show``'s tabs, link and result)."""
        if step.recipe is not None:
            return {"tabs": self.result_places.get(step.recipe, {}), "link": step.link(), "result": step.recipe}
        return {"tabs": self.tab_places[step.tab]}

    def go(self, token: str | None, number: int) -> dict:
        """Make step ``number`` of the class's plan what the class is shown (lecturer only): the new state."""
        session = self.kit.session
        session.require_lecturer(token)
        plan = session.plan()
        if plan is None:
            raise UserError("No lecture plan is running: choose one in the class panel's 'Lecture plan' tab.")
        step = plan.step(number)
        marker = {"plan": plan.name, "id": plan.digest, "n": number, "of": len(plan.steps), "title": step.title}
        shown = session.show(token, **self.shown_of(step), step=marker)
        if step.poll is not None:
            session.open_poll(token, step.poll)
        return shown

    def public(self, plan: LecturePlan, lecturer: bool) -> dict:
        """The plan as a page shows it: titles, references, each step's state; notes for the lecturer."""
        steps = []
        for step in plan.steps:
            shown = {"title": step.title, "reference": step.reference, **self.shown_of(step)}
            if lecturer:
                shown.update(notes_ko=step.notes_ko, notes_en=step.notes_en, poll=step.poll,
                             train={**step.train, "here": step.train["technique"] in self.train_panels}
                             if step.train else None)
            steps.append(shown)
        return {"name": plan.name, "id": plan.digest, "title": plan.title, "steps": steps}

    def warm(self, plan: LecturePlan, lang: str) -> None:
        """Make every result step of ``plan`` once, as a following page asks for it, with its readout (a model's
        or a judge's first use loads it, and both are then shared): a step then reaches the class at once, not
        after a load (the ankle boots' step took 18 s on 2 cores, the Fashion-MNIST judge's first reading). A
        step that fails is logged; it says its own sentence when shown."""
        for number, step in enumerate(plan.steps, 1):
            if step.recipe is None or not exports.reruns(step.recipe):
                continue
            target = self.targets[step.recipe]
            try:
                target.values(lang, step.params)
                if target.readout is not None:
                    target.readout(lang, **exports.recipe_of(step.recipe, step.params).params)
            except Exception as exc:  # noqa: BLE001 - one step must not keep the next ones cold
                log.warning("Step %d of the plan %s could not be made ahead: %s", number, plan.name, exc)

    def warm_in_background(self, plan: LecturePlan, lang: str) -> threading.Thread:
        """``warm`` in a daemon thread (a plan started from the panel: its step 1 is shown meanwhile)."""
        thread = threading.Thread(target=quietly(self.warm), args=(plan, lang), name="studio-plan-warm-up",
                                  daemon=True)
        thread.start()
        return thread

    # --- recording -------------------------------------------------------------------------------------
    def recorded_step(self, technique: str, link: str) -> PlanStep | None:
        """The step a lecturer's result makes in a recording (None for a result no page can follow)."""
        if technique not in self.targets:
            return None
        try:
            linked = links.read_link(link)
        except RecipeError:
            return None
        return PlanStep(title=technique, recipe=technique, params=linked.params, weights=linked.weights)


def recorded_plan(steps: list[dict], title: str) -> LecturePlan:
    """The recording's steps as a plan (``plans.parse`` of its records, so it loads back the same)."""
    return plans.parse(tomli_w.dumps({"title": title, "steps": steps}), RECORDED_NAME)


def plan_steps_for(kit, technique_tabs, link_targets: list) -> PlanSteps:
    """The page's ``PlanSteps``: where each linkable result, each tab and each training panel is."""
    tab_places = {str(tab.id): placement(tab) for _, tabs in tab_containers(technique_tabs) for tab in tabs}
    return PlanSteps(kit, {target.recipe: target for target in link_targets},
                     {target.recipe: placement(target.outputs[0]) for target in link_targets if target.outputs},
                     tab_places, {name: placement(button) for name, button in kit.train_buttons.items()})


def create_plan_tab(kit, tr: Translator, lang, start_with: str | None = None) -> None:
    """The lecturer panel's 'Lecture plan' tab: pick a shipped plan or upload one, start it (step 1 goes to
    the class), and record the results you make as a plan to download. ``start_with`` (``--plan``) is the
    plan chosen first. The page's plans (``kit.plan_steps``) are read when a button is pressed: the tabs they
    check against are built after this panel."""
    session = kit.session
    shipped = [(f"{name} · {_title_of(name)}", name) for name in plans.shipped_names()]
    first = start_with if start_with in {name for _, name in shipped} else (shipped[0][1] if shipped else None)
    with tr.make(gr.Tab, {"label": "plan.tab"}):
        tr.make(gr.Markdown, {"value": "plan.how"})
        with gr.Row():
            chosen = tr.make(gr.Dropdown, {"label": "plan.shipped"}, choices=shipped, value=first, scale=2,
                             elem_id="studio-plan-choice")
            upload = tr.make(gr.File, {"label": "plan.own"}, file_types=[".toml"], type="filepath", height=80,
                             scale=2)
            start = tr.make(gr.Button, {"value": "plan.start"}, variant="primary", scale=1,
                            elem_id="studio-plan-start")
        said = gr.Markdown(elem_id="studio-plan-said")
        with gr.Row():
            recording = tr.make(gr.Checkbox, {"label": "plan.record"}, value=False, elem_id="studio-plan-record")
            download = tr.make(gr.Button, {"value": "plan.download"}, size="sm", elem_id="studio-plan-download")
        recorded_file = gr.File(interactive=False, height=80, show_label=False, visible=False,
                                elem_id="studio-plan-file")

    @guarded
    def start_plan(lg, name, path, request: gr.Request):
        token = kit.lecturer_token(request)
        session.require_lecturer(token)
        steps = kit.plan_steps
        plan = steps.parse(Path(path).read_bytes(), _name_of(path)) if path else steps.load(name or "")
        session.set_plan(token, plan)
        steps.go(token, 1)
        steps.warm_in_background(plan, lg)  # the steps to come are made while step 1 is shown
        return text("plan.started", lg, title=plan.title, n=len(plan.steps))

    @guarded
    def record(on, lg, request: gr.Request):
        session.set_recording(kit.lecturer_token(request), on)
        return text("plan.recording" if on else "plan.recording_stopped", lg, n=len(session.recorded()))

    @guarded
    def download_recorded(lg, request: gr.Request):
        session.require_lecturer(kit.lecturer_token(request))
        recorded = session.recorded()
        if not recorded:
            raise UserError(text("plan.nothing_recorded", lg))
        plan = recorded_plan(recorded, text("plan.recorded_title", lg, date=time.strftime("%Y-%m-%d %H:%M")))
        path = Path(tempfile.mkdtemp(prefix="studio-plan-")) / f"plan-{time.strftime('%Y%m%d-%H%M%S')}.toml"
        path.write_text(plan.to_toml(), encoding="utf-8")
        return gr.File(str(path), visible=True)

    start.click(start_plan, [lang, chosen, upload], said, api_visibility="private")
    recording.input(record, [recording, lang], said, api_visibility="private")
    download.click(download_recorded, [lang], recorded_file, api_visibility="private")


def _title_of(name: str) -> str:
    try:
        return plans.load(name).title
    except PlanError as exc:  # a broken shipped plan still shows, and says why when started
        log.warning("The shipped plan %s cannot be read: %s", name, exc)
        return "?"


def _name_of(path: str) -> str:
    """A plan's name from its file's name (a link names the plan by it): letters, digits, '-' and '_'."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(path).stem)[:40].strip("-")
    return stem or "own"


# The page's side of a plan (with ``class_panel.SCRIPT``, whose ``window.studioClass`` it uses). The lecturer's
# page: PageDown, → and Space step forward, PageUp and ← back (what a presenter's clicker sends), outside any
# field being typed in; a bar shows the step, its notes and the next step's title, and the page shows each
# step it is sent (stepped here, from the panel's Start, or from another device of the lecturer's). A
# student's page: the step's number and title in the class bar, and while exploring alone any step so far.
SCRIPT = """<script>
(() => {
  const P = window.studioPlan = {plan: null, id: null, step: null, shownAt: null, said: null};
  const C = () => window.studioClass || {};
  const esc = (s) => String(s == null ? '' : s);
  const FORWARD = ['PageDown', 'ArrowRight', ' '], BACK = ['PageUp', 'ArrowLeft'];
  let bar = null, fetching = false;
  const fetchPlan = async () => {
    if (fetching) return;
    fetching = true;
    try {
      const answer = await fetch('studio-class/plan', {credentials: 'same-origin', cache: 'no-store'});
      if (answer.ok) { P.plan = (await answer.json()).plan; P.id = P.plan ? P.plan.id : null; }
    } catch (error) { /* asked again with the next state */ }
    fetching = false;
    draw();
    if (C().render) C().render();
  };
  const startTraining = (train) => {  // the lecturer's page presses the step's Train, as the lecturer would
    const panel = document.getElementById(`${train.technique}-training`);
    if (!panel || !train.here) return;
    const label = panel.querySelector('button.label-wrap');
    if (label && !label.classList.contains('open')) label.click();
    setTimeout(() => {
      const choice = panel.querySelector(`input[type="radio"][value="${CSS.escape(train.schedule)}"]`);
      if (choice && !choice.checked) choice.click();
      setTimeout(() => { const go = document.getElementById(`${train.technique}-train`); if (go) go.click(); }, 300);
    }, 300);
  };
  const showStep = (shown) => {  // the lecturer's own page shows a step as its students do
    P.step = shown.step; P.shownAt = shown.step.at;
    C().show(shown);
    const step = P.plan && P.plan.steps[shown.step.n - 1];
    if (step && step.train) setTimeout(() => startTraining(step.train), 1500);
    draw();
  };
  const go = async (n) => {
    try {
      const answer = await fetch(`studio-class/step?to=${n}`, {method: 'POST', credentials: 'same-origin'});
      const body = await answer.json();
      P.said = answer.ok ? null : body.problem;
      // the stream may have brought the step first: it is shown once
      if (answer.ok && body.shown.step.at !== P.shownAt) showStep(body.shown); else draw();
    } catch (error) { P.said = String(error); draw(); }
  };
  P.go = go;
  P.take = (state) => {
    const step = state && state.step && state.step.plan ? state.step : null;
    if (state && !state.problem && (step ? step.id !== P.id : P.id === null && state.lecturer && !P.asked)) {
      P.asked = true;  // the lecturer's page asks once for a plan chosen at start (--plan), before any step
      fetchPlan();
    }
    P.step = step;
    if (state && state.lecturer && step && step.at !== P.shownAt) showStep(state);
    draw();
  };
  P.studentLine = (state, following) => {
    const step = P.step;
    if (!step || !state || state.lecturer) return null;
    const line = document.createElement('span');
    line.className = 'studio-plan-step';
    line.textContent = `📋 단계 ${step.n}/${step.of} · Step ${step.n} of ${step.of}: ${esc(step.title)} `;
    if (following || !P.plan) return line;
    const pick = document.createElement('select');  // exploring alone: any step so far
    pick.id = 'studio-plan-pick';
    pick.append(new Option('이전 단계 열기 · Open a step', ''));
    P.plan.steps.slice(0, step.n).forEach((s, k) => pick.append(new Option(`${k + 1}. ${s.title}`, String(k + 1))));
    pick.addEventListener('change', () => {
      const chosen = P.plan.steps[Number(pick.value) - 1];
      if (chosen) C().show(chosen);
    });
    const both = document.createElement('span');
    both.append(line, pick);
    return both;
  };
  const draw = () => {
    const state = C().state;
    if (!state || !state.lecturer || !P.plan) { if (bar) bar.remove(); bar = null; return; }
    if (!bar) { bar = document.createElement('div'); bar.id = 'studio-plan-bar'; document.body.appendChild(bar); }
    const plan = P.plan, n = P.step && P.step.id === plan.id ? P.step.n : 0;
    const step = plan.steps[n - 1], next = plan.steps[n];
    const part = (cls, text) => { const e = document.createElement('div'); e.className = cls; e.textContent = text; return e; };
    bar.replaceChildren(part('studio-plan-title', `📋 ${plan.title}`));
    if (step) {
      bar.append(part('studio-plan-now', `단계 ${n}/${plan.steps.length} · Step ${n} of ${plan.steps.length}: ${step.title}`
                      + (step.reference ? `  [${step.reference}]` : '')));
      if (step.notes_ko || step.notes_en) {
        const notes = document.createElement('details');
        notes.className = 'studio-plan-notes';
        notes.open = localStorage.getItem('studioPlanNotes') !== '0';
        notes.addEventListener('toggle', () => localStorage.setItem('studioPlanNotes', notes.open ? '1' : '0'));
        const summary = document.createElement('summary');
        summary.textContent = '📝 노트 · Notes';
        notes.append(summary, ...[step.notes_ko, step.notes_en].filter(Boolean).map((t) => part('', t)));
        bar.append(notes);
      }
    } else {
      bar.append(part('studio-plan-now', `PageDown → 단계 1 · Step 1 of ${plan.steps.length}: ${plan.steps[0].title}`));
    }
    if (step) bar.append(part('studio-plan-next', next ? `다음 · Next: ${next.title}` : '마지막 단계 · Last step'));
    if (P.said) bar.append(part('studio-plan-said', P.said));
    const buttons = document.createElement('div');
    [['◀', n - 1, 'studio-plan-back'], ['▶', n + 1, 'studio-plan-forward']].forEach(([label, to, id]) => {
      const b = document.createElement('button');
      b.type = 'button'; b.id = id; b.textContent = label; b.disabled = to < 1 || to > plan.steps.length;
      b.addEventListener('click', () => go(to));
      buttons.append(b);
    });
    bar.append(buttons);
  };
  document.addEventListener('keydown', (event) => {
    const state = C().state;
    if (!state || !state.lecturer || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target || {};
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || '')
        || (event.key === ' ' && target.tagName === 'BUTTON')) return;
    const forward = FORWARD.includes(event.key), back = BACK.includes(event.key);
    if (!forward && !back) return;
    event.preventDefault(); event.stopPropagation();
    const n = P.step ? P.step.n + (forward ? 1 : -1) : 1;
    if (n >= 1 && (!P.step || n <= P.step.of)) go(n);
  }, true);
})();
</script>"""

CSS = """
#studio-plan-bar { position: fixed; bottom: 0.6em; left: 0.6em; z-index: 1000; max-width: min(40em, 52vw);
  background: var(--background-fill-primary); border: 2px solid var(--color-accent); border-radius: 8px;
  padding: 0.4em 0.8em; font-size: 0.95em; box-shadow: 0 1px 8px rgba(0,0,0,0.2); }
#studio-plan-bar .studio-plan-title { font-size: 0.8em; opacity: 0.75; }
#studio-plan-bar .studio-plan-now { font-weight: 600; font-size: 1.1em; }
#studio-plan-bar .studio-plan-notes { font-size: 0.85em; margin: 0.2em 0; white-space: pre-wrap; }
#studio-plan-bar .studio-plan-next { font-size: 0.85em; opacity: 0.8; }
#studio-plan-bar .studio-plan-said { color: var(--error-text-color, #b91c1c); font-size: 0.85em; }
#studio-plan-bar button { border: 1px solid var(--color-accent); border-radius: 6px; padding: 0.05em 0.8em;
  margin: 0.2em 0.4em 0 0; cursor: pointer; background: var(--color-accent-soft); }
#studio-plan-bar button:disabled { opacity: 0.4; cursor: default; }
#studio-class-bar .studio-plan-step { font-weight: 600; }
#studio-plan-pick { max-width: 14em; margin-left: 0.3em; }
"""


def restamp(text: str, digest_of: Callable[[str, dict], str]) -> str:
    """A plan file's text with each result step's ``weights`` set to ``digest_of(recipe, params)`` (this
    studio's weights), written in place of the old line or added after its ``recipe`` line: the rest of
    the file (comments, order, notes) stays as the author wrote it."""
    raw = tomllib.loads(text)
    digests = iter([digest_of(step["recipe"], dict(step.get("params", {})))
                    for step in raw.get("steps", []) if isinstance(step, dict) and "recipe" in step])
    lines, out, pending = text.splitlines(keepends=True), [], None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[[steps]]") and pending is not None:  # a step without a weights line: add it
            out.insert(pending, f'weights = "{next(digests)}"\n')
            pending = None
        if re.match(r'recipe\s*=', stripped):
            pending = len(out) + 1
        elif re.match(r'weights\s*=', stripped) and pending is not None:
            line, pending = f'weights = "{next(digests)}"\n', None
        out.append(line)
    if pending is not None:
        out.insert(pending, f'weights = "{next(digests)}"\n')
    return "".join(out)


def restamp_files(steps: PlanSteps, files: list[str]) -> int:
    """``python studio.py --restamp-plan FILE...``: give each plan file this studio's weights (``steps``: a
    built page's, whose tabs registered their results), then check it as a class would; 0, or 2 and one
    sentence for a file that cannot be used."""
    def digest_of(recipe: str, params: dict) -> str:  # a fresh game round's link names no weights: {}
        return links.weights_digest(exports.recipe_of(recipe, params).models if exports.reruns(recipe) else {})

    for name in files:
        path = Path(name)
        try:
            path.write_text(restamp(path.read_text(encoding="utf-8"), digest_of), encoding="utf-8")
            plan = steps.load(path)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, UserError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
        print(f"{path}: {len(plan.steps)} steps, with this studio's weights")
    return 0
