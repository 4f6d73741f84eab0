"""studio.py's flags and the training command line."""

import importlib.util
import json
import subprocess
import sys

import pytest

import studio as studio_package
from conftest import ROOT
from studio import train

pytestmark = pytest.mark.slow

# studio.py shares its name with the package, so load the script under another name.
_spec = importlib.util.spec_from_file_location("studio_cli_module", ROOT / "studio.py")
studio_cli_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(studio_cli_module)


def test_help_lists_every_flag():
    out = subprocess.run([sys.executable, "studio.py", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    for flag in ("--host", "--port", "--share", "--auth", "--data-dir", "--lang", "--no-training",
                 "--allow-training", "--inference-threads"):
        assert flag in out


@pytest.mark.parametrize("flags, expected", [
    ([], True), (["--share"], False), (["--share", "--allow-training"], True),
    (["--no-training"], False), (["--share", "--no-training"], False)])
def test_training_switch(flags, expected):
    assert studio_cli_module.training_enabled(studio_cli_module.parse_args(flags)) is expected


def test_defaults_and_validation(monkeypatch):
    args = studio_cli_module.parse_args([])
    assert (args.host, args.port, args.lang, args.share) == ("127.0.0.1", 7860, "ko", False)
    monkeypatch.setenv("STUDIO_DATA_DIR", "/some/where")
    assert studio_cli_module.parse_args([]).data_dir == "/some/where"
    with pytest.raises(SystemExit):
        studio_cli_module.parse_args(["--auth", "nopassword"])
    with pytest.raises(SystemExit):
        studio_cli_module.parse_args(["--lang", "fr"])
    with pytest.raises(SystemExit):
        studio_cli_module.parse_args(["--no-training", "--allow-training"])
    assert studio_cli_module.parse_args([]).inference_threads is None
    assert studio_cli_module.parse_args(["--inference-threads", "1"]).inference_threads == 1
    with pytest.raises(SystemExit):
        studio_cli_module.parse_args(["--inference-threads", "0"])


def test_train_pixel_writes_a_bundle(tiny_data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    assert train.main(["pixel", "--data-dir", str(tiny_data_dir), "--datasets", "mnist"]) == 0
    folder = tmp_path / "pretrained" / "pixel"
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["data"]["mnist"]["train_images_per_class"] == [20] * 10
    assert set(metadata["metrics"]["mnist"]) == {"alpha=0", "alpha=0.1", "alpha=1"}
    assert metadata["versions"]["studio"] == studio_package.__version__
    assert "wrote" in capsys.readouterr().out


def test_train_without_data_fails_with_advice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    assert train.main(["pixel", "--data-dir", str(tmp_path / "nothing")]) == 2
    assert "--data-dir" in capsys.readouterr().err
    assert not (tmp_path / "pretrained" / "pixel").exists()


def test_the_class_flags_of_a_real_room(monkeypatch, tmp_path):
    monkeypatch.delenv("STUDIO_PUBLIC_URL", raising=False)
    assert studio_cli_module.parse_args([]).public_url is None
    monkeypatch.setenv("STUDIO_PUBLIC_URL", "https://studio.example.edu")
    assert studio_cli_module.parse_args([]).public_url == "https://studio.example.edu"
    for bad in (["--public-url", "studio.example.edu"], ["--public-url", "javascript:x"], ["--new-key"]):
        with pytest.raises(SystemExit):
            studio_cli_module.parse_args(bad)
    # --new-key: the class goes on with its answers, under a new key
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    first = studio_cli_module.open_class(None, new=True)
    first.answer("game", "b", "r1", {"generator": "g", "correct": 1, "total": 8})
    old_key = first.key  # read now: the first studio's heartbeat soon reads the new key from the store too
    again = studio_cli_module.open_class(None, new=False, new_key=True)
    assert again.code == first.code and again.key != old_key and len(again.answers("game")) == 1
