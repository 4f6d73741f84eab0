"""Safe sharing: a public link must not become a file server, nor a way to run foreign code.

Gradio 6 serves ``/gradio_api/file=PATH`` only for files in its upload/output cache, the app's
static paths and ``launch(allowed_paths=...)`` (which the studio never sets); inputs may only refer
to files that a user uploaded. These tests check both over HTTP against a real server, and check
the studio's sources for unsafe deserialisation.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.server

httpx = pytest.importorskip("httpx")

SECRETS = ["/etc/passwd", "/proc/self/environ", str(Path.home() / ".bashrc")]
REPO_FILES = [ROOT / "studio.py", ROOT / "pretrained" / "vae" / "metadata.json",
              ROOT / "studio" / "assets" / "scream.jpg", ROOT / "tests" / "conftest.py"]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _probes() -> list[str]:
    paths = SECRETS + [str(p) for p in REPO_FILES]
    probes = [f"gradio_api/file={p}" for p in paths]
    probes += ["gradio_api/file=studio.py", "gradio_api/file=pretrained/vae/metadata.json",
               "gradio_api/file=/tmp/gradio/../../etc/passwd", "gradio_api/file=%2Fetc%2Fpasswd",
               "gradio_api/file=..%2F..%2F..%2Fetc%2Fpasswd", "file=/etc/passwd", "static/../studio.py",
               "assets/..%2F..%2Fstudio.py", "gradio_api/file=~/.bashrc"]
    return probes


def test_no_file_outside_gradios_cache_is_served(studio_server):
    passwd = Path("/etc/passwd").read_bytes()[:40] if Path("/etc/passwd").is_file() else b"root:"
    for probe in _probes():
        status, body = _get(studio_server + probe)
        assert status in (400, 403, 404), f"{probe} answered {status}"
        assert passwd not in body and b"def main" not in body and b"sha256" not in body, probe


def _raw_dream(url: str, file_data: dict) -> tuple[str, str]:
    """Call /dream with a hand-made FileData (what a malicious client could send)."""
    args = ["en", {**file_data, "meta": {"_type": "gradio.FileData"}}, "mobilenet_v2", "features_7_out=1",
            1, 1.4, 1, 20, 15, 128]
    response = httpx.post(f"{url}gradio_api/call/dream", json={"data": args}, timeout=30)
    if response.status_code != 200:
        return "http", str(response.status_code)
    event, data = None, ""
    with httpx.stream("GET", f"{url}gradio_api/call/dream/{response.json()['event_id']}", timeout=120) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = line.split(":", 1)[1]
    return event, data


@pytest.mark.parametrize("file_data", [
    {"path": "/etc/passwd"},
    {"path": str(ROOT / "studio" / "assets" / "scream.jpg")},  # a real picture, but not an upload
    {"path": "/tmp/gradio/../.." + str(ROOT / "studio" / "assets" / "scream.jpg")},
    {"path": "scream.jpg"},
    {"path": None, "url": "http://127.0.0.1:1/secret.png"},
    {"path": "http://127.0.0.1:1/secret.png"},
], ids=["passwd", "repo_picture", "traversal", "relative", "local_url", "local_url_as_path"])
def test_inputs_cannot_point_at_files_that_were_not_uploaded(studio_server, file_data):
    event, data = _raw_dream(studio_server, file_data)
    assert event in ("error", "http"), f"the server used {file_data}: {data[:200]}"
    assert "root:" not in data


# --- no unsafe deserialisation of anything a user supplies ------------------------------------------
def _sources() -> list[Path]:
    return sorted((ROOT / "studio").rglob("*.py")) + [ROOT / "studio.py"]


def test_no_pickle_eval_or_unsafe_keras_loading_in_the_studio():
    """Users supply only pictures (decoded by Pillow's raster decoders, imaging.UPLOAD_FORMATS), text
    and numbers. Weights are shipped files read as HDF5 arrays (load_weights) and npz without pickle;
    the one unpickler (torch_weights, for torchvision's .pth) is restricted to tensor types."""
    offences = []
    patterns = {
        "allow_pickle=True": re.compile(r"allow_pickle\s*=\s*True"),
        "safe_mode=False": re.compile(r"safe_mode\s*=\s*False"),
        "eval/exec": re.compile(r"(?<![\w.])(eval|exec)\("),
        "yaml.load": re.compile(r"yaml\.(unsafe_)?load\("),
        "marshal/shelve/dill": re.compile(r"^\s*(import|from)\s+(marshal|shelve|dill|cloudpickle)\b", re.M),
        "torch.load": re.compile(r"torch\.load\("),
        "pickle": re.compile(r"^\s*(import|from)\s+pickle\b", re.M),
    }
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        for name, pattern in patterns.items():
            if pattern.search(source) and not (name == "pickle" and path.name == "torch_weights.py"):
                offences.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offences, offences


def test_the_one_unpickler_refuses_code():
    import pickle

    from studio.backbones import torch_weights

    class Evil:
        def __reduce__(self):
            return (print, ("owned",))

    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        torch_weights._RestrictedUnpickler(__import__("io").BytesIO(pickle.dumps(Evil())), {}).load()


def test_the_studio_never_widens_gradios_file_access():
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        assert "allowed_paths" not in source and "set_static_paths" not in source, path
