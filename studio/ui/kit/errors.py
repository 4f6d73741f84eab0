"""Turn the studio's own exceptions into messages a student can act on, instead of a crash."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable

import gradio as gr

from studio.checks import UserError
from studio.data import DataUnavailableError
from studio.bundles.registry import WeightsUnavailableError
from studio.training import TrainingCancelled
from studio.training.jobs import TrainingFailed

log = logging.getLogger("studio")

# Errors whose message is written for the user: shown as they are.
_EXPLAINED = (UserError, DataUnavailableError, WeightsUnavailableError, TrainingCancelled, TrainingFailed)


def guarded(fn: Callable) -> Callable:
    """Wrap an event handler: explained errors become a ``gr.Error`` pop-up with their message;
    anything unexpected is logged with its traceback and reported briefly, and the server lives on."""

    if inspect.isgeneratorfunction(fn):  # streaming handlers: guard every step of the iteration

        @functools.wraps(fn)
        def streaming(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise _as_gradio_error(fn, exc) from exc

        return streaming

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise _as_gradio_error(fn, exc) from exc

    return wrapper


# A pop-up longer than this is cut (an error that quotes a huge input must not echo all of it).
MAX_MESSAGE = 500


def _as_gradio_error(fn: Callable, exc: Exception) -> gr.Error:
    if isinstance(exc, _EXPLAINED):
        return gr.Error(_short(str(exc)))
    log.exception("Unexpected error in %s", fn.__name__)
    return gr.Error(_short(f"Something went wrong ({type(exc).__name__}: {exc}). ") +
                    "The studio is still running; try again or change the input.")


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"
