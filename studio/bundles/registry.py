"""The only code that reads or writes model bundles: shipped ones in ``pretrained/`` and the ones
trained from the UI in the user cache.

A bundle is a folder ``NAME/`` holding ``config.json`` (the model's constructor arguments), one or
more weight files, and ``metadata.json`` (data provenance, metrics, versions and the sha256 of every
file). Loading verifies every checksum; saving writes a complete new folder beside the old one and
swaps it in with renames, so an interrupted save never leaves a half-written bundle and the
previous weights survive a training run stopped halfway.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy

from studio import __version__, paths

SHIPPED = "shipped"
USER = "user"
_ACTIVE_FILE = "active.json"
_LOCK = threading.Lock()

# A writer receives the final path of its file inside the temporary folder and writes it.
FileWriter = Callable[[Path], None]


class WeightsUnavailableError(RuntimeError):
    """A bundle is missing or damaged; the message says what to do about it."""


@dataclass(frozen=True)
class Bundle:
    """A verified model bundle on disk."""

    name: str
    source: str  # SHIPPED or USER
    directory: Path
    config: dict
    metadata: dict

    def path(self, filename: str) -> Path:
        """The path of one of the bundle's files."""
        return self.directory / filename

    @property
    def fingerprint(self) -> str:
        """A short id of the exact weights, for caching models built from them."""
        digest = hashlib.sha256(json.dumps(self.metadata.get("files", {}), sort_keys=True).encode())
        return digest.hexdigest()[:16]


def root(source: str) -> Path:
    """The folder that holds the bundles of ``source`` (SHIPPED or USER)."""
    if source == SHIPPED:
        return paths.pretrained_dir()
    if source == USER:
        return paths.user_cache_dir() / "weights"
    raise ValueError(f"Unknown weights source {source!r}.")


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def exists(name: str, source: str) -> bool:
    """Whether a bundle folder for ``name`` exists in ``source`` (not yet verified)."""
    _recover(root(source) / name)
    return (root(source) / name / "metadata.json").is_file()


def installed(name: str) -> bool:
    """Whether bundle ``name`` exists where the studio would load it from (the user's copy when it is
    the active one, else the shipped one): what a tab asks before offering a model."""
    return exists(name, active_source(name))


def _recover(directory: Path) -> None:
    """Undo a save that died between its two renames: the previous bundle is complete in
    ``.NAME.old`` and ``NAME`` is missing, so put it back."""
    old = directory.with_name(f".{directory.name}.old")
    if not directory.exists() and (old / "metadata.json").is_file():
        with _LOCK:
            if not directory.exists():
                try:
                    os.replace(old, directory)
                except OSError:  # read-only checkout or a race with another process: load what is there
                    pass


def version_key(name: str) -> tuple[str, int]:
    """(active source, modification time of its metadata.json): changes whenever the weights in
    use change, so callers can cache a loaded model and still notice a retrain or a switch."""
    source = active_source(name)
    try:
        stamp = (root(source) / name / "metadata.json").stat().st_mtime_ns
    except OSError:
        stamp = -1
    return source, stamp


def weights_version() -> tuple:
    """One key for every set of weights in use: changes when any bundle is retrained, saved or
    switched back to the shipped weights (for results that depend on several bundles at once)."""
    names = {path.parent.name for source in (SHIPPED, USER) if root(source).is_dir()
             for path in root(source).glob("*/metadata.json")}
    return tuple((name, *version_key(name)) for name in sorted(names))


def load(name: str, source: str | None = None) -> Bundle:
    """Load and verify bundle ``name`` from ``source``, or from the active source when None."""
    source = source or active_source(name)
    directory = root(source) / name
    _recover(directory)
    where = "shipped weights" if source == SHIPPED else "your trained weights"
    if not (directory / "metadata.json").is_file():
        raise WeightsUnavailableError(
            f"No {where} for '{name}' in {directory}. Train them with {_how_to_train(name)} "
            f"(or with the Train button, where training is allowed).")
    try:
        metadata = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsUnavailableError(
            f"The {where} for '{name}' in {directory} are damaged ({exc}). Retrain them with "
            f"{_how_to_train(name)}.") from exc
    for filename, expected in metadata.get("files", {}).items():
        file = directory / filename
        if not file.is_file():
            raise WeightsUnavailableError(
                f"The {where} for '{name}' lack {filename}. Retrain them with "
                f"{_how_to_train(name, metadata)}.")
        if sha256_of(file) != expected:
            restore = f"Restore it (e.g. `git checkout pretrained/{name}`) or retrain" if source == SHIPPED \
                else "Retrain"
            raise WeightsUnavailableError(
                f"The {where} for '{name}' are corrupt: {filename} does not match the sha256 "
                f"recorded in metadata.json. {restore} with {_how_to_train(name, metadata)}; "
                f"the other tabs keep working.")
    _LOADED[name] = (source, hashlib.sha256(json.dumps(metadata.get("files", {}), sort_keys=True).encode()).hexdigest())
    return Bundle(name, source, directory, config, metadata)


# name -> (source, sha256 over its files' digests) of every bundle this process loaded: what a
# benchmark measured, printed beside its numbers.
_LOADED: dict[str, tuple[str, str]] = {}

# STUDIO_WEIGHTS=shipped makes every bundle's active weights the shipped ones, whatever a user
# retrained: the benchmarks set it (unless --active) so their figures describe pretrained/.
WEIGHTS_ENV = "STUDIO_WEIGHTS"


def loaded_bundles() -> dict[str, tuple[str, str]]:
    """Every bundle loaded so far in this process: name -> (source, sha256 over its files' digests)."""
    return dict(_LOADED)


def _how_to_train(name: str, metadata: Mapping | None = None) -> str:
    """The command that made the bundle (recorded in its metadata), or where to find one."""
    command = (metadata or {}).get("command")
    if command:
        return f"`{command}`"
    if "_" not in name:  # pixel, vae, samples...: the bundle is named after its subcommand
        return f"`python -m studio.train {name}`"
    return "the matching `python -m studio.train` subcommand (see `python -m studio.train --help`)"


def save(name: str, config: Mapping, files: Mapping[str, FileWriter], metadata: Mapping,
         source: str = SHIPPED) -> Bundle:
    """Write bundle ``name`` atomically to ``source`` and return it, verified.

    ``files`` maps each weight file name to a function that writes it; ``metadata`` is the model's
    own record (data set, epochs, metrics, licence), to which the registry adds checksums and versions.
    """
    target_root = root(source)
    target_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=target_root))
    staging.chmod(0o755)  # mkdtemp makes it private; a bundle is as readable as any checkout
    try:
        _write_json(staging / "config.json", dict(config))
        checksums = {"config.json": sha256_of(staging / "config.json")}
        for filename, write in files.items():
            write(staging / filename)
            checksums[filename] = sha256_of(staging / filename)
        record = {**dict(metadata), "files": checksums, **_provenance()}
        _write_json(staging / "metadata.json", record)
        with _LOCK:
            _swap_in(staging, target_root / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when the swap succeeded
    if source == USER:
        set_active(name, USER)
    return load(name, source)


def resave_with_metrics(bundle: Bundle, metrics: Mapping, metrics_command: str, source: str = SHIPPED,
                        restored: Mapping[str, FileWriter] | None = None, dropped: tuple[str, ...] = ()) -> Bundle:
    """Save ``bundle`` again with new ``metrics``: every weight file byte for byte, the training
    record kept, ``trained`` set to when it was trained and ``metrics_command`` to what measured it.

    For the ``--assess-only`` commands, which re-measure shipped weights without retraining them.
    A storage change writes ``restored`` (file name -> writer) in place of the old files ``dropped``;
    the ``metrics`` must then be measured on what the new files store.
    """
    payloads = {filename: bundle.path(filename).read_bytes() for filename in bundle.metadata.get("files", {})
                if filename != "config.json" and filename not in dropped}
    metadata = {k: v for k, v in bundle.metadata.items() if k not in ("files", "versions", "created")}
    metadata.update(metrics=dict(metrics), trained=bundle.metadata.get("trained", bundle.metadata.get("created")),
                    metrics_command=metrics_command)
    files = {filename: (lambda path, data=payload: path.write_bytes(data)) for filename, payload in payloads.items()}
    return save(bundle.name, bundle.config, {**files, **(restored or {})}, metadata, source=source)


def _swap_in(staging: Path, final: Path) -> None:
    # Rename the old folder aside, the new one into place, then delete the old one. A crash in
    # between leaves either the old or the new complete folder (plus a stray ".old"); when only the
    # ".old" one is left, _recover() puts it back on the next load.
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def _provenance() -> dict:
    versions = {"studio": __version__, "python": platform.python_version(), "numpy": numpy.__version__}
    # Record TensorFlow/Keras only when the model used them (importing them here would be slow).
    for module in ("tensorflow", "keras"):
        if module in sys.modules:
            versions[module] = sys.modules[module].__version__
    return {"versions": versions, "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")}


def active_source(name: str) -> str:
    """USER when the user trained ``name`` and did not switch back, else SHIPPED (always SHIPPED
    when ``STUDIO_WEIGHTS=shipped``)."""
    if os.environ.get(WEIGHTS_ENV, "").strip().lower() == SHIPPED:
        return SHIPPED
    choice = _read_active().get(name, SHIPPED)
    return USER if choice == USER and exists(name, USER) else SHIPPED


def set_active(name: str, source: str) -> None:
    """Make ``source`` the weights that ``load(name)`` returns from now on (nothing is deleted)."""
    root(source)  # validates the name of the source
    with _LOCK:
        active = _read_active()
        active[name] = source
        cache = paths.user_cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{_ACTIVE_FILE}.tmp"
        _write_json(tmp, active)
        os.replace(tmp, cache / _ACTIVE_FILE)


def _read_active() -> dict:
    try:
        return json.loads((paths.user_cache_dir() / _ACTIVE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
