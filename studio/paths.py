"""Where the studio finds its shipped weights, its per-user cache and the optional data folder.

Every location can be overridden by an environment variable, so tests and classrooms can point the
studio elsewhere without touching the code:

- ``STUDIO_PRETRAINED_DIR``: the shipped weights (default: ``pretrained/`` beside the package).
- ``STUDIO_CACHE_DIR``: weights trained from the UI (default: ``~/.cache/generative-studio``).
- ``STUDIO_DATA_DIR``: a folder with ``mnist.npz``, ``fashion_mnist.npz``... (default: none, which
  means "use Keras's cache or download").
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Set by `studio.py --data-dir` so that every module sees the same choice as the env var.
_data_dir_override: Path | None = None


def pretrained_dir() -> Path:
    """The folder of shipped weights (read-only at run time; written by ``python -m studio.train``)."""
    env = os.environ.get("STUDIO_PRETRAINED_DIR")
    return Path(env).expanduser() if env else PROJECT_ROOT / "pretrained"


def user_cache_dir() -> Path:
    """The per-user folder where weights trained from the UI are kept."""
    env = os.environ.get("STUDIO_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "generative-studio"


def set_data_dir(path: str | os.PathLike | None) -> None:
    """Make ``path`` the data folder for this process (the ``--data-dir`` flag)."""
    global _data_dir_override
    _data_dir_override = Path(path).expanduser() if path else None


def data_dir() -> Path | None:
    """The data folder chosen by ``--data-dir`` or ``STUDIO_DATA_DIR``, or None when neither is set."""
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get("STUDIO_DATA_DIR")
    return Path(env).expanduser() if env else None
