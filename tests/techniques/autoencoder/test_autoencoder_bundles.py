"""Every shipped bundle of the autoencoder technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.techniques.autoencoder.service import AutoencoderService

BUNDLE_CHECKS = {f"autoencoder_{v}": (lambda v=v: AutoencoderService().noise_walk(0, 0.5, v)[1])
                 for v in ("z32", "z2", "denoise", "denoise_dense")}

RECIPES = ('autoencoder',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
