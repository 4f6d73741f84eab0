"""Every shipped bundle of the cgan technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.cgan.service import CGANService

BUNDLE_CHECKS = {f"cgan_{v}": (lambda v=v: CGANService().samples(v, 3, 4, 7)[1]) for v in ("conv", "dense")}

RECIPES = ('cgan',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
