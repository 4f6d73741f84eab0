"""Every command of ``python -m studio.train``: the core's own recipes (the judges, the backbones, the
test images), then every technique's, in lecture order.

A recipe's module is imported only when it is asked for (none of them imports TensorFlow at import
time): reading the list imports no recipe.
"""

from __future__ import annotations

from studio import techniques
from studio.technique import Recipe

CORE_RECIPES = (Recipe("judge", "studio.judge.recipe"), Recipe("backbones", "studio.backbones.recipe"),
                Recipe("samples", "studio.samples.recipe"))


def recipes() -> dict[str, Recipe]:
    """NAME -> Recipe for every command of ``python -m studio.train``."""
    found = {recipe.name: recipe for recipe in CORE_RECIPES}
    for technique in techniques.load():
        for recipe in technique.recipes:
            if recipe.name in found:
                raise ValueError(f"Two recipes are called {recipe.name!r}")
            found[recipe.name] = recipe
    return found


def find(name: str) -> Recipe:
    """The recipe called ``name``; ValueError, in one sentence, when there is none."""
    found = recipes()
    if name not in found:
        raise ValueError(f"There is no training recipe called {name!r}; there are: {', '.join(found)}.")
    return found[name]
