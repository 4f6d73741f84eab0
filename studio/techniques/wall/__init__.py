"""The class wall: each student's Generate on a sampler tab, pinned for the projector. A technique with no
tab of its own, only a class poll (``poll.py``), which takes every sampler tab's pins."""

from studio.classroom.polls import ClassPoll
from studio.technique import Technique

WALL_POLL = ClassPoll("wall", label="class.wall", view=f"{__name__}.poll:view",
                      topic=f"{__name__}.poll:shown_technique", last=True, pins=True)
TECHNIQUE = Technique("wall", polls=(WALL_POLL,))
