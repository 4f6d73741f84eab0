"""The core's shipped bundles (the test images, the judges, the DeepDream backbone) load, repeat
themselves and record their command (``tests/bundle_checks.py``); and every folder of ``pretrained/`` is
checked by exactly one technique's bundle test or by this file."""

import importlib.util

import numpy as np
import pytest
from bundle_checks import check_shipped_bundle
from conftest import ROOT

from studio.media import openmoji
from studio.bundles import registry
from studio.judge.quality import QualityService
from studio.samples.presets import FILE as SAMPLES_FILE
from studio.samples.presets import NAME as SAMPLES


def _test_digits() -> np.ndarray:  # read from the bundle's own file on every call
    with np.load(registry.load(SAMPLES).path(SAMPLES_FILE)) as arrays:
        return arrays["mnist_x"][:20]


def _judged(dataset: str) -> np.ndarray:
    pictures = openmoji.load_split(True).pictures[:4] if dataset == "emoji" else _test_digits()
    return QualityService().assess(dataset, pictures).judged


def _dream_features() -> np.ndarray:
    from studio.techniques.deepdream.service import (  # the backbone's one user
        MOBILENET,
        DeepDreamService,
    )

    model = DeepDreamService().model(MOBILENET)
    return np.asarray(model(np.zeros((1, 64, 64, 3), np.float32))[0])


BUNDLE_CHECKS = {
    "samples": (_test_digits, ("samples",)),
    "judge_mnist": (lambda: _judged("mnist"), ("judge",)),
    "judge_fashion": (lambda: _judged("fashion"), ("judge",)),
    "judge_emoji": (lambda: _judged("emoji"), ("judge",)),
    "backbone_mobilenet_v2": (_dream_features, ("backbones",)),
}


@pytest.mark.parametrize("bundle", sorted(BUNDLE_CHECKS))
def test_a_shipped_core_bundle_loads_repeats_and_records_its_command(bundle):
    make, recipes = BUNDLE_CHECKS[bundle]
    check_shipped_bundle(bundle, make, recipes)


def _technique_checks() -> dict[str, str]:
    claimed = {}
    for path in sorted((ROOT / "tests" / "techniques").glob("*/test_*_bundles.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name in module.BUNDLE_CHECKS:
            assert name not in claimed, f"{name} is checked by both {claimed[name]} and {path.parent.name}"
            claimed[name] = path.parent.name
    return claimed


def test_every_shipped_bundle_is_checked_by_exactly_one_test():
    shipped = {p.name for p in (ROOT / "pretrained").iterdir() if (p / "metadata.json").is_file()}
    claimed = {**_technique_checks(), **{name: "core" for name in BUNDLE_CHECKS}}
    assert set(claimed) == shipped, "a bundle in pretrained/ without a check, or a check without a bundle"
