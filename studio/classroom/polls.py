"""The class's polls, as the techniques declare them: the class core names none of them.

A technique that asks the class something ("which is real?", "does this read as English?") declares a
``ClassPoll`` in its ``Technique(polls=...)``. The declaration says everything the class needs from it:
its name (the store's key of its answers), the label of its tab on the lecturer's panel, how its
answers are drawn for the projector (``view``), and optionally one on/off setting the lecturer can give
it (``switch``). The lecturer's panel makes a tab for every declared poll, ``start_new_class`` archives and
clears every declared poll, and ``ClassSession.answer`` takes answers only for a declared poll.

``studio.techniques.load()`` declares the techniques' polls here as it reads their declarations; the
class's wall (pins of any sampler tab) is declared by ``studio.techniques.wall`` the same way. A class
keeps in its store the polls it has had (``"polls"``), so that the operator's ``new-class`` command,
which loads no technique, still archives and clears every one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio.technique import resolve


@dataclass(frozen=True)
class ClassPoll:
    """One poll of the class (see the module's docstring).

    ``view``: ``"module:function"``, called as ``function(kit, answers, lang)`` with the class kit, the
    pooled answers (the lecturer's own left out) and the page's language; it returns (the projector's
    picture or None, its summary line). ``topic``: ``"module:function"``, ``function(kit)``: what else the
    view depends on besides the answers (the wall: which sampler tab it shows); the projector draws again
    only when the answers or this change. ``switch``: the text key of the lecturer's checkbox for this
    poll's one setting (read by the technique with ``ClassSession.switch(poll)``).
    """

    name: str
    label: str
    view: str
    topic: str | None = None
    switch: str | None = None
    last: bool = False  # shown after the techniques' polls (the class's own wall)
    pins: bool = False  # the poll that takes the sampler tabs' pins (``ClassKit.pin``): the wall

    def draw(self, kit, answers: list[dict], lang: str):
        """(picture or None, summary line) of ``answers`` for the projector."""
        return resolve(self.view)(kit, answers, lang)

    def subject(self, kit) -> str:
        """What the view shows besides the answers ("" for most polls)."""
        return resolve(self.topic)(kit) if self.topic else ""


_DECLARED: dict[str, ClassPoll] = {}


def declare(*polls: ClassPoll) -> None:
    """Make ``polls`` the class's (again: a declaration read twice changes nothing)."""
    for poll in polls:
        known = _DECLARED.get(poll.name)
        if known is not None and known != poll:
            raise ValueError(f"Two class polls are named {poll.name!r}: {known.view} and {poll.view}.")
        _DECLARED[poll.name] = poll


def declared() -> list[ClassPoll]:
    """Every declared poll: the techniques' in the order declared (the lectures'), then the class's own."""
    return sorted(_DECLARED.values(), key=lambda poll: poll.last)


def names() -> tuple[str, ...]:
    """The declared polls' names."""
    return tuple(poll.name for poll in declared())


def pinned() -> ClassPoll | None:
    """The poll that takes the sampler tabs' pins, if one is declared."""
    return next((poll for poll in declared() if poll.pins), None)


def find(name: str, unknown: Callable[[str], Exception] | None = None) -> ClassPoll:
    """The poll named ``name``; ``unknown(sentence)`` is raised for any other name (KeyError by default)."""
    try:
        return _DECLARED[name]
    except KeyError:
        sentence = f"There is no poll {name!r}; the polls are: {', '.join(_DECLARED) or 'none'}."
        raise (unknown or KeyError)(sentence) from None
