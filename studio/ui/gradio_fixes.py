"""Small corrections to Gradio's behaviour that a classroom runs into; installed by ``build_app``.

- Output pictures are cached under a hash of their bytes, and Gradio 6.31 (re)writes that file in
  place on every request. When thirty students load the page at once they get identical pictures,
  so one request can truncate the file while another is sending it: the browser receives an empty
  or cut-off image (seen under the fuzz test's concurrent calls). Here the file is written beside
  and renamed into place, so a reader sees either the whole old file or the whole new one.
- Every Gradio 6.31 page keeps a status tracker's elapsed-time loop running at 60 frames a second
  for as long as it is open, even an empty ``gr.Blocks`` with no events (the loop outlives the
  pending status that started it; a page can hold several such loops). An idle studio page cost its
  browser about 7% of a core, and ten students' pages on one laptop fought the server for its
  cores. ``EarlyScript`` puts a script at the top of the page that serves all of those loops with
  one frame 5 times a second: the elapsed time on a waiting output still counts up visibly. (``launch(head=...)`` comes too late: Gradio adds it
  after its modules, and the tracker's module keeps ``requestAnimationFrame`` from when it loaded.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gradio import processing_utils
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_installed = False

# The tracker's loop is recognised by its module, Gradio's ``statustracker`` chunk; every other
# animation keeps its frames.
TRACKER_FRAME_MS = 200
EARLY_SCRIPT = f"""<script>
(() => {{
  const frame = window.requestAnimationFrame.bind(window);
  let waiting = [];  // the trackers' callbacks, all served by one frame every TRACKER_FRAME_MS
  // named: the browser test counts the frames of this callback
  const serve = (time) => {{ const now = waiting; waiting = []; now.forEach((callback) => callback(time)); }};
  window.requestAnimationFrame = (callback) => {{
    if (!(new Error().stack || '').includes('/statustracker')) return frame(callback);
    if (waiting.push(callback) === 1) setTimeout(() => frame(serve), {TRACKER_FRAME_MS});
    return 0;
  }};
}})();
</script>"""


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


class EarlyScript:
    """ASGI middleware: ``EARLY_SCRIPT`` as the first thing in the ``<head>`` of every HTML page the
    server sends, so that it runs before Gradio's modules load. Other answers pass untouched."""

    def __init__(self, app: ASGIApp, script: str = EARLY_SCRIPT) -> None:
        self.app = app
        self.script = script.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def patch(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message["headers"]))
                if headers.get("content-type", "").startswith("text/html") and "content-encoding" not in headers:
                    start = message  # held until the whole page is here
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = b"".join(body).replace(b"<head>", b"<head>" + self.script, 1)
                headers = MutableHeaders(raw=list(start["headers"]))
                headers["content-length"] = str(len(page))
                await send({**start, "headers": headers.raw})
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(scope, receive, patch)
