"""Every shipped bundle of the gan technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.gan.service import GANService

BUNDLE_CHECKS = {f"gan_{v}": (lambda v=v: GANService().samples(v, 4, 7)[1])
                 for v in ("dcgan_mnist", "dcgan_ankle_boot", "dense_mnist", "conv003_mnist")}

RECIPES = ('gan',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
