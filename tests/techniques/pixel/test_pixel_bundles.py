"""Every shipped bundle of the pixel technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.pixel.service import PixelService

BUNDLE_CHECKS = {"pixel": lambda: PixelService().samples("mnist", None, 1.0, 4, 7)}

RECIPES = ('pixel',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
