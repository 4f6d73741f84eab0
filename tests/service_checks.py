"""The check every technique's service runs on its bad requests, written once (as ``bundle_checks`` is for
shipped bundles): a bad request is refused with a ``UserError`` whose message says what is wrong in one
short sentence a student can act on: no traceback, no several lines, no exception's name.

A technique's tests list their cases and hand them to ``check_refusal``:

    BAD_REQUESTS = [(lambda s: s.samples("nope", 5, 1), "Unknown generator"), ...]

    @pytest.mark.parametrize("call, words", BAD_REQUESTS)
    def test_bad_requests_are_refused_in_a_sentence(service, call, words):
        check_refusal(service, call, words)
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from studio.checks import UserError

MAX_SENTENCE = 400  # characters: a refusal read on a phone, not a report


def check_refusal(service, call: Callable, words: str) -> str:
    """``call(service)`` raises a ``UserError`` that contains ``words`` (a regular expression) and reads as
    one sentence (or two short ones) on one line; returns the message."""
    with pytest.raises(UserError, match=words) as refused:
        call(service)
    message = str(refused.value)
    assert message.strip() and "\n" not in message.strip(), f"not one line: {message!r}"
    assert len(message) <= MAX_SENTENCE, f"too long for a student to read: {message!r}"
    assert not re.search(r"Traceback|File \"|Error:|Exception", message), f"a programmer's message: {message!r}"
    return message


def opened(path) -> "Image.Image":
    """A picture a round trip over HTTP answered (its file's path), as RGB: its size and bytes to compare."""
    from PIL import Image  # lazy: most checks here need no pictures

    with Image.open(path) as image:
        return image.convert("RGB").copy()
