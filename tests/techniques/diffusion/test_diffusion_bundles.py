"""Every shipped bundle of the diffusion technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.diffusion.service import DiffusionService

BUNDLE_CHECKS = {"diffusion": lambda: DiffusionService().samples(2, 5, 7)[1]}

RECIPES = ('diffusion',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
