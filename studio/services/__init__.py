"""The glue between the UI and the models, one module per technique.

A service loads its bundle through the registry (lazily, cached by the weights' identity), calls the
pure model functions, and turns their arrays into pictures and reports. It knows nothing of Gradio:
it raises ``UserError`` (or data / weights errors) with a sentence for the student, and the app
turns those into ``gr.Error`` pop-ups.
"""


class UserError(ValueError):
    """Bad input from the user; the message is shown as it is."""


def quoted(text: str, limit: int = 40) -> str:
    """``text`` in quotes for an error message, cut to ``limit`` characters (a pasted novel must not
    come back as a 100,000-character pop-up)."""
    text = str(text)
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}…' ({len(text):,} characters)"
