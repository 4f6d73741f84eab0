"""What a technique declares about itself, so that the app and ``python -m studio.train`` can iterate
over the techniques without naming any of them.

Each folder ``studio/techniques/NAME/`` declares ``TECHNIQUE = Technique(...)`` in its ``__init__``,
and ``studio.techniques.LECTURE_ORDER`` lists the folders. A declaration names its parts by module
path, so reading it imports neither Gradio nor TensorFlow: the tab and the recipes are imported
only when the app is built or the command line parsed.
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
    """One command of ``python -m studio.train``: its NAME, and the module that declares its options
    (``add_arguments``), its one-line help (``help``) and how it runs (``run(request, ctx)``:
    a ``training_request.TrainingRequest`` whose options are read by name, as a parsed command line)."""

    name: str
    module: str
    help: str = "HELP"
    add_arguments: str = "add_arguments"
    run: str = "run"

    def load(self) -> tuple[str, Callable, Callable]:
        """(help text, add_arguments, run), importing the recipe's module."""
        module = importlib.import_module(self.module)
        return getattr(module, self.help), getattr(module, self.add_arguments), getattr(module, self.run)


@dataclass(frozen=True)
class Technique:
    """A technique of the lectures: its name, its training commands, and the function that builds its
    tab, ``"module:function"`` taking the app's ``TabContext`` and returning the tab's list of
    ``TabRefresh`` (None for a technique shown inside another's tab, or with no tab at all)."""

    name: str
    recipes: tuple[Recipe, ...] = ()
    tab: str | None = None

    def build_tab(self, ctx) -> list:
        """Build the tab inside the app's ``gr.Tabs``; the refreshes the page runs on load."""
        return list(resolve(self.tab)(ctx)) if self.tab else []
