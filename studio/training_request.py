"""One training run, typed: what a Train click sends the training worker and what a recipe reads.

A recipe declares its options once, for its command line (``add_arguments``). A ``TrainingRequest``
holds a recipe's name and the values of those options by name (``variant="dcgan_mnist"``,
``steps=1000``), checked against the same declaration in one place (``request``): unknown options,
values outside ``choices`` and values of the wrong type are refused with one sentence before a job
waits in line. The worker hands the request itself to the recipe's ``run(request, ctx)``, which reads
``request.steps`` as it would read a parsed command line. The command line exists only for the
terminal (``python -m studio.train ...``, parsed into the same request) and in ``metadata.json``
(``argv``).
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from studio import registry

# Options every recipe takes from ``studio.train``'s common parser: they say where, not what.
_COMMON = ("name", "data_dir", "to")


@dataclass(frozen=True)
class TrainingRequest:
    """A recipe and its options' values, with where the bundle goes (``source``) and the data folder."""

    recipe: str
    options: dict = field(default_factory=dict)  # every option of the recipe, defaults included
    source: str = registry.SHIPPED
    data_dir: str | None = None

    def __getattr__(self, name: str):
        # A recipe reads ``request.steps`` as it would read ``args.steps``; the dataclass's own fields
        # are found before this is asked, and dunder lookups (pickling) must not reach ``options``.
        if name.startswith("__") or name == "options":
            raise AttributeError(name)
        try:
            return self.options[name]
        except KeyError:
            raise AttributeError(f"The {self.recipe} recipe has no option {name!r}.") from None

    def argv(self) -> tuple[str, ...]:
        """The equivalent ``python -m studio.train`` arguments: the options that differ from their defaults."""
        parser = _subparser(self.recipe)
        words = [self.recipe]
        for action in parser._actions:
            if action.dest in _COMMON or action.dest not in self.options or not action.option_strings:
                continue
            value = self.options[action.dest]
            if value == action.default:
                continue
            if isinstance(action, argparse._StoreTrueAction):
                words.append(action.option_strings[0])
            elif isinstance(value, (list, tuple)):
                words += [action.option_strings[0], *(str(v) for v in value)]
            else:
                words += [action.option_strings[0], str(value)]
        if self.data_dir:
            words += ["--data-dir", str(self.data_dir)]
        if self.source != registry.SHIPPED:
            words += ["--to", self.source]
        return tuple(words)

    def command(self) -> str:
        """The terminal command that runs this request."""
        return "python -m studio.train " + " ".join(shlex.quote(word) for word in self.argv())


def request(recipe: str, *, to: str = registry.USER, data_dir: str | None = None, **options) -> TrainingRequest:
    """A checked request for ``recipe`` with ``options`` (the rest at the recipe's defaults), written to
    ``to`` (the user cache unless told). Raises ValueError, in one sentence, for an unknown recipe or
    option, a value outside the option's choices, or one of the wrong type."""
    parser = _subparser(recipe)
    actions = {action.dest: action for action in parser._actions if action.dest not in ("help", *_COMMON)}
    values = {dest: action.default for dest, action in actions.items()}
    for name, value in options.items():
        if name not in actions:
            raise ValueError(f"The {recipe} recipe has no option {name!r}; it has: {', '.join(sorted(actions))}.")
        values[name] = _checked(recipe, actions[name], value)
    return TrainingRequest(recipe, values, to, data_dir)


def from_namespace(args: argparse.Namespace) -> TrainingRequest:
    """The request of a parsed command line (``studio.train``'s parser)."""
    values = {k: v for k, v in vars(args).items() if k not in _COMMON}
    return TrainingRequest(args.name, values, args.to, args.data_dir)


def from_argv(argv: Sequence[str]) -> TrainingRequest:
    """The request of a command line ``NAME [options]``, as ``python -m studio.train`` reads it."""
    from studio import train

    return from_namespace(train.parse(argv))


def _checked(recipe: str, action: argparse.Action, value):
    if value is None:
        return None
    if action.type is not None and not isinstance(value, bool):
        try:
            value = [action.type(v) for v in value] if action.nargs in ("+", "*") else action.type(value)
        except (TypeError, ValueError):
            raise ValueError(f"The {recipe} recipe's option {action.dest!r} cannot be {value!r}.") from None
    if action.choices is not None:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item not in action.choices:
                raise ValueError(f"The {recipe} recipe's option {action.dest!r} cannot be {item!r}; choose one of "
                                 f"{', '.join(map(str, action.choices))}.")
    return value


def _subparser(recipe: str) -> argparse.ArgumentParser:
    from studio import train

    subparsers = next(a for a in train.parser()._actions if isinstance(a, argparse._SubParsersAction))
    if recipe not in subparsers.choices:
        raise ValueError(f"There is no training recipe called {recipe!r}.")
    return subparsers.choices[recipe]
