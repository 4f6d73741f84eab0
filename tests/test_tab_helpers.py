"""Input parsing of the tabs (no Gradio server needed)."""

import numpy as np
import pytest

from studio.checks import UserError
from studio.techniques.autoencoder.tab import parse_indices, sketch_to_digit


def test_parse_indices_accepts_lists_and_ranges():
    assert parse_indices("0-3, 7 9") == [0, 1, 2, 3, 7, 9]
    assert parse_indices("  ") == []


@pytest.mark.parametrize("spec, message", [("a", "not an index"), ("5-2", "outside"), ("0-1500", "outside"),
                                           ("0-30", "at most 20")])
def test_parse_indices_explains_mistakes(spec, message):
    with pytest.raises(UserError, match=message):
        parse_indices(spec)


def test_sketch_to_digit_handles_blank_and_drawn_canvases():
    assert sketch_to_digit(None) is None
    blank = np.zeros((280, 280, 4), np.uint8)
    assert sketch_to_digit({"composite": blank, "layers": [], "background": None}) is None
    drawn = blank.copy()
    drawn[40:240, 130:150] = (0, 0, 0, 255)
    digit = sketch_to_digit({"composite": drawn})
    assert digit.shape == (28, 28) and digit.max() > 200
