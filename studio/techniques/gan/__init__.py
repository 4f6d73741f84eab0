"""GANs (Program 10-4/10-5, lecture 8): DCGAN and the dense GAN; samples, walks, nearest neighbours,
"which is real?" (also a class poll)."""

from studio.classroom.polls import ClassPoll
from studio.technique import Recipe, Technique

GAME_POLL = ClassPoll("game", label="gan.poll", view=f"{__name__}.poll:view")
TECHNIQUE = Technique("gan", recipes=(Recipe("gan", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build",
                      polls=(GAME_POLL,))
