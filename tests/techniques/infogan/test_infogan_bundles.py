"""Every shipped bundle of the infogan technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.infogan.service import InfoGANService

BUNDLE_CHECKS = {"infogan": lambda: InfoGANService().code_grid("c2", 7)[0]}

RECIPES = ('infogan',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
