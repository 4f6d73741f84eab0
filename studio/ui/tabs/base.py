"""What every tab module hands back to the app."""

from __future__ import annotations

from dataclasses import dataclass, field


# The CSS class of each tab's main button (one per tab: what a first-time visitor presses), so the
# browser test can press every tab's main action in any language.
MAIN_ACTION = ["studio-main-action"]


@dataclass
class TabRefresh:
    """What the app runs when the page loads and after a language switch.

    ``followups`` are (fn, inputs, outputs) run after ``fn``: slower extras such as the judge's
    readout, so the main pictures never wait for them. ``reword``, when given, replaces ``fn`` after
    a language switch: the same inputs and outputs, but only the outputs with words in them are
    made again (the others answer ``gr.skip()``), so switching language re-words the page rather
    than recomputing it.
    """

    fn: object
    inputs: list
    outputs: list
    followups: list = field(default_factory=list)
    reword: object = None
