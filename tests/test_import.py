"""Importing the studio must stay cheap: no TensorFlow, and no Gradio outside the UI."""

import os
import subprocess
import sys

from conftest import ROOT

LIGHT_MODULES = ["studio", "studio.paths", "studio.data", "studio.media.imaging", "studio.serving.runtime",
                 "studio.bundles.registry", "studio.training", "studio.train", "studio.media.plots", "studio.bundles.weight_files",
                 "studio.techniques.pixel.model", "studio.techniques.pixel.service"]


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


def _studio_imports(module_file) -> set[str]:
    """Every ``studio.*`` module a source file imports (at top level or inside functions)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(module_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("studio"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("studio"))
    return found


# Inside a technique's folder the parts point down: model -> presets -> recipe and service -> tab.
FORBIDDEN_IN_TECHNIQUE = {
    "model": ("recipe", "service", "tab", "presets"),
    "presets": ("recipe", "service", "tab"),
    "recipe": ("service", "tab"),
    "service": ("recipe", "tab"),
}
# Every file of a technique's folder is one of its parts, named by its role: a second model kept beside
# the first (gan/colour_model.py, as it once was) escaped every check here; it gets a folder of its own.
# A helper module is checked as the part whose rules it keeps: numpy and matplotlib helpers as the model.
TECHNIQUE_PARTS = {"__init__": "__init__", "model": "model", "presets": "presets", "recipe": "recipe",
                   "service": "service", "tab": "tab",
                   "plots": "model",  # gan, text_lm: their figures
                   "measures": "model",  # infogan: what its codes mean
                   "corpus": "model",  # text_lm: the IMDB reviews, split for training and measuring
                   "poll": "model",  # gan, text_lm: their class poll's picture (no Gradio, no interface)
                   "game": "tab"}  # gan: the game's box, its page script and its routes' helpers (the page's side)
# A technique imports another only where the lesson needs it (each such import says why in the code).
ALLOWED_CROSSINGS = {
    ("vae", "autoencoder"),  # the VAE's tab compares it with the autoencoders
    ("examples", "deepdream"), ("examples", "style"),  # the ready examples are made by those two
    ("deepdream", "examples"), ("style", "examples"),  # ... and those two tabs open with them
}


def _technique_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["studio", "techniques"] else None


def test_layers_only_point_down():
    """The core never imports a technique; a technique's parts point down; techniques meet only
    where the lesson needs it."""
    techniques = ROOT / "studio" / "techniques"
    for module_file in (ROOT / "studio").rglob("*.py"):
        if techniques in module_file.parents:
            continue
        wrong = {m for m in _studio_imports(module_file) if m.startswith("studio.techniques.")}
        assert not wrong, f"{module_file.relative_to(ROOT)} (core) imports {sorted(wrong)}"
    for module_file in techniques.glob("*/*.py"):
        own = module_file.parent.name  # the technique is the folder a file lives in
        assert module_file.stem in TECHNIQUE_PARTS, \
            f"{module_file.relative_to(ROOT)}: not a technique part {sorted(TECHNIQUE_PARTS)}"
        part = TECHNIQUE_PARTS[module_file.stem]
        for imported in _studio_imports(module_file):
            other = _technique_of(imported)
            if other is None:
                continue
            if other != own:
                assert (own, other) in ALLOWED_CROSSINGS, f"{module_file.relative_to(ROOT)} imports {imported}"
            elif part in FORBIDDEN_IN_TECHNIQUE:
                leaf = imported.split(".")[3] if len(imported.split(".")) > 3 else ""
                leaf = TECHNIQUE_PARTS.get(leaf, leaf)
                assert leaf not in FORBIDDEN_IN_TECHNIQUE[part], f"{module_file.relative_to(ROOT)} imports {imported}"
            if part in ("model", "presets", "recipe", "service"):
                assert not imported.startswith("studio.ui"), f"{module_file.relative_to(ROOT)} imports {imported}"


def test_the_server_can_leave_cores_to_its_training_worker():
    """STUDIO_INFERENCE_THREADS caps the server's TensorFlow thread pools; unset, TensorFlow keeps its defaults."""
    code = ("from studio.serving import runtime; tf = runtime.import_tensorflow(); "
            "print(tf.config.threading.get_intra_op_parallelism_threads(), "
            "tf.config.threading.get_inter_op_parallelism_threads())")
    env = {**os.environ, "STUDIO_INFERENCE_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]
    env.pop("STUDIO_INFERENCE_THREADS")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]  # 0 = TensorFlow chooses


def test_the_benchmarks_name_the_cpu_and_its_widest_instructions():
    from studio.serving import runtime

    intel = "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nflags\t\t: fpu avx2 avx512f amx_tile\n"
    assert runtime.cpu_model(intel) == "Intel(R) Xeon(R) Platinum 8480+, AMX"
    assert runtime.cpu_model("model name\t: AMD EPYC\nflags\t: sse avx avx2\n") == "AMD EPYC, AVX2"
    assert runtime.cpu_model("model name\t: Some ARM core\n") == "Some ARM core"
    assert runtime.cpu_model("") == ""


def test_an_import_inside_a_function_says_why_it_waits():
    """An import inside a function only where it must be (a heavy or optional module, or start-up time),
    each with its reason: ``# lazy: ...`` on its line or the line above. Keras and TensorFlow go through
    ``studio.serving.lazy_keras`` instead."""
    import ast

    unexplained = []
    for path in sorted((ROOT / "studio").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        imports = {n for f in functions for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
        for node in imports:
            said = lines[node.lineno - 1] + (lines[node.lineno - 2] if node.lineno > 1 else "")
            if "# lazy:" not in said:
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unexplained, f"imports inside functions without a '# lazy:' reason: {unexplained}"
