"""Every shipped bundle of the pix2pix technique loads, repeats itself and records its command
(``tests/bundle_checks.py``)."""

import pytest
from bundle_checks import check_shipped_bundle

from studio.judge.quality import QualityService
from studio.techniques.pix2pix.service import Pix2PixService


def _translated(variant: str, dataset: str = "fashion"):
    pix2pix = Pix2PixService(QualityService())
    return pix2pix.translate(pix2pix.example(0, dataset)[0], (variant,), dataset)[variant]


BUNDLE_CHECKS = {**{f"pix2pix_{v}": (lambda v=v: _translated(v)) for v in ("unet", "encdec", "l1")},
                 **{f"pix2pix_emoji_{v}": (lambda v=v: _translated(v, "emoji")) for v in ("unet", "encdec", "l1")}}

RECIPES = ('pix2pix',)


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_bundle_loads_repeats_and_records_its_command(bundle):
    check_shipped_bundle(bundle, BUNDLE_CHECKS[bundle], RECIPES)
