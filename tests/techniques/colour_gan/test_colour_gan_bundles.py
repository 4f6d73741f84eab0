"""Every shipped bundle of the colour_gan technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.colour_gan.service import ColourGANService

BUNDLE_CHECKS = {"gan_colour": lambda: ColourGANService().samples(4, 7)}

RECIPES = ('colour-gan',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
