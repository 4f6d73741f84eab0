"""Every shipped bundle of the vae technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.autoencoder.service import AutoencoderService
from studio.techniques.vae.service import VAEService

BUNDLE_CHECKS = {"vae": lambda: VAEService(AutoencoderService()).prior_samples(4, 7)[1]}

RECIPES = ('vae',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
