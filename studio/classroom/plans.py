"""Lecture plans: a lecture as a sequence of steps, read from (and written to) a TOML file.

A plan is what a lecturer would otherwise write on paper before class: the lecture's title, then its
steps in order. Each step has a title, the lecture's reference ("Program 10-2(b), experiment 1"), the
lecturer's notes in Korean and English, and what the studio shows:

* a result: ``recipe`` (a reproducible result's name), ``params`` and ``weights`` (the 12-character digest
  of the weights it was made with): exactly what a ``?r=`` link carries (``studio.links``), in words a
  person can edit, so a step reopens byte for byte; or
* a tab: ``tab`` (a tab's id), for a step whose result needs the student's own input (an upload, a drawing);

and optionally a class poll to open (``poll``) and a training run to start with a classroom schedule
(``train = {technique = "...", schedule = "..."}``). Shipped plans live in ``lectures/`` (one per lecture
text, ``000.toml`` to ``004.toml``); a lecturer's own plan is any such file, and one recorded in the studio
(``record``) is written back with ``to_toml``.

This module checks what a file can say by itself: TOML, the fields, their types. Whether a step's recipe
is one this studio has, with these weights, is the page's to check (``studio.ui.panels.lecture_plan``), through
``LecturePlan.check``: the class core names no technique. Every problem is one sentence naming the step and
the field, never a traceback.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w

from studio import links, paths
from studio.checks import UserError, quoted

PLAN_SUFFIX = ".toml"
MAX_PLAN_BYTES = 256_000  # a plan of a hundred steps with long notes is 60 kB; a bigger file is a mistake
MAX_STEPS = 200
_NAME = re.compile(r"[A-Za-z0-9_\-]{1,40}")
_WEIGHTS = re.compile(r"[0-9a-f]{12}")
_TEXT_FIELDS = ("title", "reference", "notes_ko", "notes_en")
_STEP_FIELDS = (*_TEXT_FIELDS, "recipe", "params", "weights", "tab", "poll", "train")


class PlanError(UserError):
    """A plan file that cannot be used: one sentence naming the step and the field."""


@dataclass(frozen=True)
class PlanStep:
    """One step of a lecture: its words, and what the studio shows (a result's recipe, or a tab)."""

    title: str
    reference: str = ""
    notes_ko: str = ""
    notes_en: str = ""
    recipe: str | None = None  # a reproducible result's name, e.g. "ae.noise_walk"
    params: dict = field(default_factory=dict)  # its parameters, as its link carries them
    weights: str | None = None  # studio.links.weights_digest of the weights the result was made with
    tab: str | None = None  # or a tab's id, for a step without a result of its own
    poll: str | None = None  # a class poll to open at this step
    train: dict | None = None  # {"technique": ..., "schedule": ...}: a training run to start

    def link(self) -> str | None:
        """The ``?r=...`` link of this step's result (None for a tab step)."""
        if self.recipe is None:
            return None
        return "?" + links.query_for(self.recipe, self.params, self.weights or "")

    def record(self) -> dict:
        """The step as a plan file writes it: only the fields it uses."""
        return {name: value for name, value in asdict(self).items() if value not in (None, "", {})}


@dataclass(frozen=True)
class LecturePlan:
    """A lecture's steps, in order; ``name`` is what a step's link names it by (``?plan=000&step=4``)."""

    name: str
    title: str
    steps: tuple[PlanStep, ...]
    lecture: str = ""  # the lecture text it follows (shared/seeds/...), as a reference
    # 8 hex characters naming the file it was read from: a page asks for the plan again when it changes
    digest: str = field(default="", compare=False)

    def step(self, number: int) -> PlanStep:
        """Step ``number`` (1-based); a sentence for one the plan does not have."""
        if not 1 <= number <= len(self.steps):
            raise PlanError(f"The plan '{self.name}' has steps 1 to {len(self.steps)}, not step {number}.")
        return self.steps[number - 1]

    def check(self, check_step: Callable[[PlanStep], None]) -> LecturePlan:
        """This plan, after ``check_step`` passed every step; its ``UserError`` comes back as a ``PlanError``
        naming the step (what the page checks: the recipe is known, the weights are the studio's)."""
        for number, step in enumerate(self.steps, 1):
            try:
                check_step(step)
            except UserError as exc:
                raise PlanError(f"{_where(number, step.title)}: {exc}") from None
        return self

    def to_toml(self) -> str:
        """The plan as a file: ``parse(plan.to_toml(), plan.name)`` gives the same plan."""
        head = {"title": self.title, **({"lecture": self.lecture} if self.lecture else {})}
        return tomli_w.dumps({**head, "steps": [step.record() for step in self.steps]})


def parse(text: str | bytes, name: str) -> LecturePlan:
    """The plan in ``text`` (a TOML file's contents); a ``PlanError`` sentence for anything it cannot use."""
    if isinstance(text, bytes):
        if len(text) > MAX_PLAN_BYTES:
            raise PlanError(f"This plan file is {len(text):,} bytes; a lecture plan is at most {MAX_PLAN_BYTES:,}.")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PlanError("This plan file is not text (UTF-8): a lecture plan is a TOML file.") from None
    if len(text) > MAX_PLAN_BYTES:
        raise PlanError(f"This plan file is {len(text):,} characters; a lecture plan is at most {MAX_PLAN_BYTES:,}.")
    try:
        record = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"This plan file is not TOML ({exc}): a lecture plan is a TOML file, see lectures/000.toml.") \
            from None
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PlanError("This plan has no 'title': write a line such as title = \"Lecture 000\" at its top.")
    steps = record.get("steps")
    if not isinstance(steps, list) or not steps:
        raise PlanError("This plan has no steps: each step is a [[steps]] table with at least a 'title'.")
    if len(steps) > MAX_STEPS:
        raise PlanError(f"This plan has {len(steps)} steps; a plan has at most {MAX_STEPS}.")
    lecture = record.get("lecture", "")
    return LecturePlan(checked_name(name), title.strip(), tuple(_step(k, s) for k, s in enumerate(steps, 1)),
                       lecture if isinstance(lecture, str) else "",
                       hashlib.sha256(text.encode("utf-8")).hexdigest()[:8])


def load(source: str | Path, folder: Path | None = None) -> LecturePlan:
    """A plan by its name in ``folder`` (the shipped ``lectures/``: ``"000"``), or from a file's path."""
    folder = lectures_dir() if folder is None else folder
    path = Path(source)
    if path.suffix != PLAN_SUFFIX and _NAME.fullmatch(str(source)):
        path = folder / f"{source}{PLAN_SUFFIX}"
        if not path.is_file():
            raise PlanError(f"There is no lecture plan {quoted(str(source))}: the shipped plans are "
                            f"{', '.join(shipped_names(folder)) or 'none'}, or give a .toml file's path.")
    if not path.is_file():
        raise PlanError(f"There is no plan file at {quoted(str(source), 80)}.")
    return parse(path.read_bytes(), path.stem)


def lectures_dir() -> Path:
    """The shipped plans' folder (``lectures/`` beside the package)."""
    return paths.PROJECT_ROOT / "lectures"


def shipped_names(folder: Path | None = None) -> list[str]:
    """The names of the plans in ``folder`` (the shipped ones by default), sorted."""
    folder = lectures_dir() if folder is None else folder
    return sorted(path.stem for path in folder.glob(f"*{PLAN_SUFFIX}")) if folder.is_dir() else []


def checked_name(name: str) -> str:
    """``name`` as a plan's name (letters, digits, '-' and '_': it goes into links); a sentence otherwise."""
    name = str(name)
    if not _NAME.fullmatch(name):
        raise PlanError(f"A plan's name is letters, digits, '-' or '_' (at most 40), not {quoted(name)}.")
    return name


def _where(number: int, title) -> str:
    return f"Step {number}" + (f" ({quoted(title)})" if isinstance(title, str) and title.strip() else "")


def _step(number: int, raw) -> PlanStep:
    """Step ``number`` of a file, checked field by field."""
    if not isinstance(raw, dict):
        raise PlanError(f"Step {number} is not a table: write each step as a [[steps]] table.")
    where = _where(number, raw.get("title"))
    unknown = sorted(set(raw) - set(_STEP_FIELDS))
    if unknown:
        raise PlanError(f"{where}: the field {quoted(unknown[0])} is not one a step has "
                        f"({', '.join(_STEP_FIELDS)}).")
    if not isinstance(raw.get("title"), str) or not raw["title"].strip():
        raise PlanError(f"{where}: the field 'title' is missing (every step has a title).")
    for name in (*_TEXT_FIELDS, "recipe", "weights", "tab", "poll"):
        if name in raw and not isinstance(raw[name], str):
            raise PlanError(f"{where}: the field {quoted(name)} must be text in quotes.")
    if ("recipe" in raw) == ("tab" in raw):
        raise PlanError(f"{where}: a step shows either a result ('recipe', with 'params' and 'weights') or a "
                        "tab ('tab'); it has " + ("both." if "recipe" in raw else "neither."))
    if "recipe" in raw:
        if not isinstance(raw.get("params", {}), dict):
            raise PlanError(f"{where}: the field 'params' must be a table, e.g. params = {{ seed = 0 }}.")
        if not _WEIGHTS.fullmatch(str(raw.get("weights", ""))):
            raise PlanError(f"{where}: the field 'weights' is missing or is not the 12 characters a result's link "
                            "carries: record the step in the studio again.")
    elif "params" in raw or "weights" in raw:
        raise PlanError(f"{where}: 'params' and 'weights' belong to a result's 'recipe', not to a 'tab' step.")
    train = raw.get("train")
    if train is not None and not (isinstance(train, dict) and set(train) == {"technique", "schedule"}
                                  and all(isinstance(v, str) for v in train.values())):
        raise PlanError(f"{where}: the field 'train' must be {{ technique = \"...\", schedule = \"...\" }}.")
    return PlanStep(title=raw["title"].strip(), reference=raw.get("reference", ""), notes_ko=raw.get("notes_ko", ""),
                    notes_en=raw.get("notes_en", ""), recipe=raw.get("recipe"), params=dict(raw.get("params", {})),
                    weights=raw.get("weights"), tab=raw.get("tab"), poll=raw.get("poll"), train=train)
