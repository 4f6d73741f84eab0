"""Importing the studio must stay cheap: no TensorFlow, and no Gradio outside the UI."""

import subprocess
import sys

from conftest import ROOT

LIGHT_MODULES = ["studio", "studio.paths", "studio.data", "studio.imaging", "studio.runtime",
                 "studio.registry", "studio.training", "studio.train", "studio.plots",
                 "studio.models.pixel", "studio.services.pixel"]


def _modules_after_import(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_studio_leaves_tensorflow_out():
    loaded = _modules_after_import("; ".join(f"import {m}" for m in LIGHT_MODULES))
    assert "tensorflow" not in loaded
    assert "keras" not in loaded
    assert "gradio" not in loaded


def test_building_the_app_does_not_import_tensorflow():
    loaded = _modules_after_import("from studio.ui import app; app.build_app()")
    assert "gradio" in loaded
    assert "tensorflow" not in loaded
