"""Every shipped bundle of the examples technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import numpy as np
import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.examples import presets as examples

BUNDLE_CHECKS = {"examples": lambda: np.concatenate([examples.load_example("deepdream")[0].ravel(),
                                                    examples.load_example("style")[0].ravel()])}

RECIPES = ('examples',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
