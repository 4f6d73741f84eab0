"""Every shipped bundle of the text_lm technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import numpy as np
import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.text_lm.service import TextService


def _generated():
    texts = TextService().generate("This movie", 8, ["0.7"], 7)[1]
    return np.frombuffer(" ".join(g.text for g in texts).encode(), np.uint8)


BUNDLE_CHECKS = {"text_lm": _generated}

RECIPES = ('text',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
