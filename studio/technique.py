"""What a technique declares about itself, so that the app and ``python -m studio.train`` can iterate
over the techniques without naming any of them.

Each folder ``studio/techniques/NAME/`` declares ``TECHNIQUE = Technique(...)`` in its ``__init__``,
and ``studio.techniques.LECTURE_ORDER`` lists the folders. A declaration names its parts by module
path, so reading it imports neither Gradio nor TensorFlow: the tab and the recipes are imported
only when the app is built or the command line parsed. A technique shown as a sub-tab of another's
tab declares that one as its ``parent``; the parent's tab builds its children without naming them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


def resolve(reference: str):
    """The object named by ``"package.module:attribute"``."""
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


@dataclass(frozen=True)
class Recipe:
    """One command of ``python -m studio.train``: its NAME, and the module that declares its one-line
    help (``HELP``), its options (``Options``: a frozen dataclass of ``training_request.option`` fields,
    from which the command line is made) and how it runs (``run(request, ctx)``: a
    ``TrainingRequest[Options]`` and a ``training.RunContext``)."""

    name: str
    module: str
    help: str = "HELP"
    options: str = "Options"
    run: str = "run"

    def load(self) -> tuple[str, type, Callable]:
        """(help text, options dataclass, run), importing the recipe's module."""
        module = importlib.import_module(self.module)
        return getattr(module, self.help), getattr(module, self.options), getattr(module, self.run)


@dataclass(frozen=True)
class Technique:
    """A technique of the lectures: its name, its training commands, and the function that builds its
    tab, ``"module:function"`` (None for a technique with no tab at all).

    A technique that asks the class something declares its polls (``ClassPoll``): the lecturer's panel,
    the class's archive and its answers take every declared poll, and name none.

    A technique shown inside another's tab names that one as its ``parent``: its function then builds
    one sub-tab inside the parent's ``gr.Tabs``, wherever the parent's tab asks for its parts
    (``TabContext.build_parts``). A tab's function takes the app's ``TabContext``, a sub-tab's takes it
    and the parent's ``SubTabs`` (``studio.ui.kit.context``); both return their list of ``TabRefresh``.
    """

    name: str
    recipes: tuple[Recipe, ...] = ()
    tab: str | None = None
    parent: str | None = None
    polls: tuple = ()  # its class polls (``studio.classroom.polls.ClassPoll``), if it asks the class anything

    def build_tab(self, ctx) -> list:
        """Build the tab inside the app's ``gr.Tabs``; the refreshes the page runs on load."""
        return list(resolve(self.tab)(ctx)) if self.tab else []

    def build_part(self, ctx, parent) -> list:
        """Build the sub-tab inside its parent's ``gr.Tabs`` (``parent``: a ``SubTabs``); its refreshes."""
        return list(resolve(self.tab)(ctx, parent)) if self.tab else []


def children(declared: list[Technique]) -> dict[str, list[Technique]]:
    """Each parent's name -> the techniques that name it as their parent, in the list's order."""
    found: dict[str, list[Technique]] = {}
    for technique in declared:
        if technique.parent is not None:
            found.setdefault(technique.parent, []).append(technique)
    return found
