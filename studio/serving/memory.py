"""The studio's memory under a class: glibc's malloc arenas capped before the server's threads start.

glibc gives a thread that finds the main arena busy an arena of its own, up to eight per core, and keeps
each arena's freed memory for that arena. A studio's threads (Gradio's workers, the class routes' pool,
TensorFlow's) take turns with the requests of a whole class, so a flood of small requests left memory
spread, unused, across up to sixteen arenas of this 2-core machine: measured with
``benchmarks/class_session.py --hostile``, the studio started 160-200 MB larger with the default and grew
more under the hostile client. ``MALLOC_ARENA_MAX=2`` is the usual cure for a Python server; set here
for ``python studio.py`` (the environment variable is read before Python starts, so ``mallopt`` does it)
and in the image's environment (``deploy/Dockerfile``).
"""

from __future__ import annotations

import ctypes
import os

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas at ``arenas`` for the arenas made from now on; whether it was done. An
    operator's own ``MALLOC_ARENA_MAX`` stands, and a C library other than glibc is left alone."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas) == 1
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl)
        return False
