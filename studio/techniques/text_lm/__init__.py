"""Text generation (Keras book 12.1): a language model sampled at a temperature, on IMDB reviews or your own
text; and the class's temperature poll."""

from studio.classroom.polls import ClassPoll
from studio.technique import Recipe, Technique

TEMPERATURE_POLL = ClassPoll("temperature", label="text.class_poll", view=f"{__name__}.poll:view",
                             switch="text.class_hand_out")
TECHNIQUE = Technique("text_lm", tab=f"{__name__}.tab:build", polls=(TEMPERATURE_POLL,), recipes=(
    Recipe("text", f"{__name__}.recipe"),
    Recipe("text-own", f"{__name__}.recipe", help="OWN_HELP", options="OwnOptions", run="run_own"),
))
