"""Small corrections to Gradio's behaviour that a classroom runs into; installed by ``build_app``.

- Output pictures are cached under a hash of their bytes, and Gradio 6.31 (re)writes that file in
  place on every request. When thirty students load the page at once they get identical pictures,
  so one request can truncate the file while another is sending it: the browser receives an empty
  or cut-off image (seen under the fuzz test's concurrent calls). Here the file is written beside
  and renamed into place, so a reader sees either the whole old file or the whole new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gradio import processing_utils

_installed = False


def install() -> None:
    """Apply the fixes (once per process)."""
    global _installed
    if not _installed:
        processing_utils.save_pil_to_cache = _save_pil_to_cache_atomically
        _installed = True


def _save_pil_to_cache_atomically(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    # Same contract and layout as gradio.processing_utils.save_pil_to_cache.
    data = processing_utils.encode_pil_to_bytes(img, format)
    folder = Path(cache_dir) / processing_utils.hash_bytes(data)
    folder.mkdir(exist_ok=True, parents=True)
    final = (folder / f"{name}.{format}").resolve()
    if not (final.is_file() and final.stat().st_size == len(data)):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, final)
    return str(final)
