"""One training run, typed: what a Train click sends the training worker and what a recipe reads.

A recipe declares its options once, as a frozen dataclass (``Options``) whose fields are made with
``option(...)``. Everything else is made from that declaration:
- the command line ``python -m studio.train NAME --steps 1000`` (``parser``, ``from_argv``);
- a checked request from a Train click (``request("gan", steps=1000)``): an unknown option, a value
  outside its choices or of the wrong type is refused with one sentence before a job waits in line;
- the exact command of a request (``TrainingRequest.command``), which every bundle records and which
  parses back to the same request.

A recipe's ``run(request, ctx)`` reads ``request.options.steps``, typed: a type checker sees the field.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import shlex
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from studio.training import recipes
from studio.bundles import registry

Options = TypeVar("Options")


def option(default: Any = None, help: str = "", *, choices: Sequence | None = None, required: bool = False) -> Any:
    """A field of a recipe's ``Options`` dataclass: its default, its help line for the terminal, the values
    it may take (``choices``) and whether the command line must give it (``required``)."""
    return dataclasses.field(default=default, metadata={"help": help, "choices": choices, "required": required})


@dataclass(frozen=True)
class OptionSpec:
    """One option as the command line sees it, read from a field of an ``Options`` dataclass."""

    name: str  # the field: ``batch_size``
    kind: type  # int, float, str or bool
    many: bool  # a tuple of values (``nargs="+"``)
    default: Any
    help: str
    choices: Sequence | None
    required: bool

    @property
    def flag(self) -> str:
        """``--batch-size``."""
        return "--" + self.name.replace("_", "-")

    def checked(self, recipe: str, value):
        """``value`` converted to the option's type and checked against its choices (ValueError, one sentence)."""
        if value is None:
            return None
        if self.kind is not bool:
            try:
                value = tuple(self.kind(v) for v in value) if self.many else self.kind(value)
            except (TypeError, ValueError):
                raise ValueError(f"The {recipe} recipe's option {self.name!r} cannot be {value!r}.") from None
        if self.choices is not None:
            for item in value if self.many else [value]:
                if item not in self.choices:
                    raise ValueError(f"The {recipe} recipe's option {self.name!r} cannot be {item!r}; choose one of "
                                     f"{', '.join(map(str, self.choices))}.")
        return value


@functools.lru_cache(maxsize=64)
def specs(options_class: type) -> tuple[OptionSpec, ...]:
    """The options of a recipe's ``Options`` dataclass, in the order of its fields."""
    hints = typing.get_type_hints(options_class)
    found = []
    for f in sorted(dataclasses.fields(options_class), key=lambda f: -_declared_at(options_class, f.name)):
        kind, many = hints[f.name], False
        if isinstance(kind, types.UnionType):  # ``int | None``: the option's value may be left out
            kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        if typing.get_origin(kind) is tuple:  # ``tuple[str, ...]``: one or more values
            kind, many = typing.get_args(kind)[0], True
        found.append(OptionSpec(f.name, kind, many, f.default, f.metadata.get("help", ""),
                                f.metadata.get("choices"), f.metadata.get("required", False)))
    return tuple(found)


def _declared_at(options_class: type, name: str) -> int:
    # How far down the class tree an option was first declared: a recipe's own options come first, then
    # those it inherits (``--batch-size --seed --limit``), each group in field order (``sorted`` is stable).
    classes = list(reversed(options_class.__mro__))
    return next(depth for depth, cls in enumerate(classes) if name in vars(cls).get("__annotations__", {}))


@dataclass(frozen=True)
class TrainingRequest(Generic[Options]):
    """A recipe and its options' values (its ``Options`` dataclass), with where the bundle goes
    (``source``) and the data folder."""

    recipe: str
    options: Options
    source: str = registry.SHIPPED
    data_dir: str | None = None

    def argv(self) -> tuple[str, ...]:
        """The equivalent ``python -m studio.train`` arguments: the options that differ from their defaults."""
        words = [self.recipe]
        for spec in specs(type(self.options)):
            value = getattr(self.options, spec.name)
            if value == spec.default:
                continue
            if spec.kind is bool:
                words.append(spec.flag)
            elif spec.many:
                words += [spec.flag, *(str(v) for v in value)]
            else:
                words += [spec.flag, str(value)]
        if self.data_dir:
            words += ["--data-dir", str(self.data_dir)]
        if self.source != registry.SHIPPED:
            words += ["--to", self.source]
        return tuple(words)

    def command(self) -> str:
        """The terminal command that runs this request."""
        return "python -m studio.train " + " ".join(shlex.quote(word) for word in self.argv())

    def with_options(self, **changes) -> TrainingRequest[Options]:
        """The same request with some options changed (``variant="dense_mnist"`` for one of "all")."""
        return dataclasses.replace(self, options=dataclasses.replace(self.options, **changes))


def request(recipe: str, *, to: str = registry.USER, data_dir: str | None = None, **options) -> TrainingRequest:
    """A checked request for ``recipe`` with ``options`` (the rest at the recipe's defaults), written to
    ``to`` (the user cache unless told). Raises ValueError, in one sentence, for an unknown recipe or
    option, a value outside the option's choices, one of the wrong type, or a required option left out."""
    _, options_class, _ = recipes.find(recipe).load()
    known = {spec.name: spec for spec in specs(options_class)}
    for name, value in options.items():
        if name not in known:
            raise ValueError(f"The {recipe} recipe has no option {name!r}; it has: {', '.join(sorted(known))}.")
        options[name] = known[name].checked(recipe, value)
    missing = [spec.flag for spec in known.values() if spec.required and options.get(spec.name) is None]
    if missing:
        raise ValueError(f"The {recipe} recipe needs {', '.join(missing)}.")
    return TrainingRequest(recipe, options_class(**options), to, data_dir)


def add_arguments(parser: argparse.ArgumentParser, options_class: type) -> None:
    """The command-line options of a recipe's ``Options`` dataclass."""
    for spec in specs(options_class):
        if spec.kind is bool:
            parser.add_argument(spec.flag, action="store_true", help=spec.help)
            continue
        parser.add_argument(spec.flag, type=spec.kind, default=spec.default, help=spec.help or None,
                            choices=spec.choices, required=spec.required, nargs="+" if spec.many else None)


@functools.lru_cache(maxsize=4)
def _parser_of(found: tuple) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m studio.train",
        description="Retrain a technique of Generative Studio and write its bundle "
                    "(pretrained/NAME/ by default).")
    # Options every technique takes, accepted after NAME: they say where, not what.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="folder with mnist.npz, fashion_mnist.npz ... "
                                           "(default: $STUDIO_DATA_DIR, then Keras's cache or download)")
    common.add_argument("--to", choices=[registry.SHIPPED, registry.USER], default=registry.SHIPPED,
                        help="write to pretrained/ (shipped, default) or to your user cache (user)")
    sub = parser.add_subparsers(dest="name", required=True, metavar="NAME")
    for recipe in found:
        help_text, options_class, _ = recipe.load()
        add_arguments(sub.add_parser(recipe.name, parents=[common], help=help_text), options_class)
    return parser


def parser() -> argparse.ArgumentParser:
    """The command line's parser: one sub-command per recipe, each with its ``Options`` (built once per
    list of recipes)."""
    return _parser_of(tuple(recipes.recipes().values()))


def from_namespace(args: argparse.Namespace) -> TrainingRequest:
    """The request of a parsed command line (``parser()``)."""
    _, options_class, _ = recipes.find(args.name).load()
    values = {spec.name: getattr(args, spec.name) for spec in specs(options_class)}
    values = {name: tuple(value) if isinstance(value, list) else value for name, value in values.items()}
    return TrainingRequest(args.name, options_class(**values), args.to, args.data_dir)


def from_argv(argv: Sequence[str]) -> TrainingRequest:
    """The request of a command line ``NAME [options]``, as ``python -m studio.train`` reads it (argparse
    exits with its usage on a bad one)."""
    return from_namespace(parser().parse_args(list(argv)))


def from_command(command: str) -> TrainingRequest:
    """The request of a recorded command ``python -m studio.train NAME [options]`` (metadata.json's)."""
    words = shlex.split(command)
    if words[:3] != ["python", "-m", "studio.train"]:
        raise ValueError(f"Not a training command: {command!r}.")
    return from_argv(words[3:])
