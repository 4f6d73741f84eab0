"""Small corrections to Gradio's behaviour that a classroom runs into; installed by ``build_app``.

- Output pictures are cached under a hash of their bytes, and Gradio 6.31 (re)writes that file in
  place on every request. When thirty students load the page at once they get identical pictures,
  so one request can truncate the file while another is sending it: the browser receives an empty
  or cut-off image (seen under the fuzz test's concurrent calls). Here the file is written beside
  and renamed into place, so a reader sees either the whole old file or the whole new one. Its PNGs
  are compressed at zlib level 1 rather than Pillow's 6 (``PNG_COMPRESS_LEVEL``): the game's rounds and
  verdicts, each a fresh picture, spent a quarter of their sampled time (py-spy) in the encoder; at level
  1 a digits picture encodes twice as fast (a 512 px photo five times) for 10-25% more bytes. The downloads that
  carry a recipe are written by ``ui.kit.exports``, not here: their bytes do not change.
- Every Gradio 6.31 page keeps a status tracker's elapsed-time loop running at 60 frames a second
  for as long as it is open, even an empty ``gr.Blocks`` with no events (the loop outlives the
  pending status that started it; a page can hold several such loops). An idle studio page cost its
  browser about 7% of a core, and ten students' pages on one laptop fought the server for its
  cores. ``EarlyScript`` puts a script at the top of the page that serves all of those loops with
  one frame 5 times a second: the elapsed time on a waiting output still counts up visibly. (``launch(head=...)`` comes too late: Gradio adds it
  after its modules, and the tracker's module keeps ``requestAnimationFrame`` from when it loaded.)
- An error in an event outside Gradio's queue (``queue=False``: every sampler's button, see
  ``tab_kit.SAMPLER``) never reached the student: Gradio 6's client builds that error's status without
  the ``visible`` flag the server sends, and the page shows a pop-up only when it is set, so a refused
  seed left an "Error" badge and no sentence. (The Gradio issue it would be: "An error raised in an
  event with queue=False shows no toast: the client's non-queued error status drops `visible`".)
  ``ClientPatch`` adds the flag, the duration and the title to that status in the client's file as it
  is served. ``CLIENT_FIX.search`` finds nothing in another Gradio's client; the test of this module
  then fails, and the fix is to be looked at again.
- As it starts, Gradio asks its own address once (``networking.url_ok``: a HEAD with a 3 s limit) and, if
  no answer comes in time, stops with "When localhost is not accessible, a shareable link must be created".
  A busy machine is not an inaccessible one: a class studio started beside the test suite's other work
  needed more than 3 s for its first page and did not start. ``patient_url_ok`` asks the same question for
  up to ``URL_CHECK_S``, 10 s per ask, and gives up only then.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
from pathlib import Path

import httpx
from gradio import networking, processing_utils
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_installed = False
PNG_COMPRESS_LEVEL = 1  # zlib's fastest: see the module's docstring
URL_CHECK_S = 60.0  # how long the start-up check waits for the studio's own address (Gradio: 5 asks of 3 s)
URL_CHECK_ASK_S = 10.0
# The answers Gradio's check takes as "the address works" (a login or a redirect included)
URL_OK_STATUSES = (200, 401, 301, 302, 303, 307, 308)

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
        networking.url_ok = patient_url_ok
        _installed = True


def patient_url_ok(url: str, within_s: float | None = None) -> bool:
    """Whether ``url`` answers a HEAD as Gradio's start-up check wants (``URL_OK_STATUSES``), asked until it
    does or ``within_s`` (``URL_CHECK_S``) have passed: a slow answer or a refused connection is asked again."""
    deadline = time.monotonic() + (URL_CHECK_S if within_s is None else within_s)
    while True:
        try:
            if httpx.head(url, timeout=URL_CHECK_ASK_S, verify=False).status_code in URL_OK_STATUSES:
                return True
        except httpx.TransportError:  # refused, reset or too slow: asked again until the deadline
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def _save_pil_to_cache_atomically(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
    # Same contract and layout as gradio.processing_utils.save_pil_to_cache.
    data = _png_bytes(img) if format.lower() == "png" else processing_utils.encode_pil_to_bytes(img, format)
    folder = Path(cache_dir) / processing_utils.hash_bytes(data)
    folder.mkdir(exist_ok=True, parents=True)
    final = (folder / f"{name}.{format}").resolve()
    if not (final.is_file() and final.stat().st_size == len(data)):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, final)
    return str(final)


def _png_bytes(img) -> bytes:
    """``processing_utils.encode_pil_to_bytes``'s PNG (its metadata kept) at ``PNG_COMPRESS_LEVEL``."""
    with io.BytesIO() as output:
        img.save(output, "png", pnginfo=processing_utils.get_pil_metadata(img), compress_level=PNG_COMPRESS_LEVEL)
        return output.getvalue()


class Rewrite:
    """ASGI middleware that holds some answers whole and sends them rewritten, with their length
    corrected: ``wants`` picks the requests, ``holds`` the answers (by their start), ``rewrite`` the
    body. Every other answer passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def wants(self, scope: Scope) -> bool:
        return scope["type"] == "http" and scope.get("method") == "GET"

    def holds(self, start: Message, headers: MutableHeaders) -> bool:
        raise NotImplementedError

    def rewrite(self, body: bytes, scope: Scope) -> bytes:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.wants(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def patch(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if self.holds(message, MutableHeaders(raw=list(message["headers"]))):
                    start = message  # held until the whole answer is here
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                rewritten = self.rewrite(b"".join(body), scope)
                headers = MutableHeaders(raw=list(start["headers"]))
                headers["content-length"] = str(len(rewritten))
                await send({**start, "headers": headers.raw})
                await send({"type": "http.response.body", "body": rewritten})
                return
            await send(message)

        await self.app(scope, receive, patch)


class EarlyScript(Rewrite):
    """ASGI middleware: ``EARLY_SCRIPT`` as the first thing in the ``<head>`` of every HTML page the
    server sends, so that it runs before Gradio's modules load. Other answers pass untouched."""

    def __init__(self, app: ASGIApp, script: str = EARLY_SCRIPT) -> None:
        super().__init__(app)
        self.script = script.encode()

    def holds(self, start: Message, headers: MutableHeaders) -> bool:
        return headers.get("content-type", "").startswith("text/html") and "content-encoding" not in headers

    def rewrite(self, body: bytes, scope: Scope) -> bytes:
        return body.replace(b"<head>", b"<head>" + self.script, 1)


# The client's status for an error answered outside the queue (its 500's JSON is ``e``), before and after.
CLIENT_FIX = re.compile(rb"(stage:`error`,endpoint:\w+,fn_index:\w+,message:(\w+)\.error,broken:\w+,queue:!1)")
CLIENT_FIXED = rb"\1,visible:\2.visible!==!1,duration:\2.duration??10,_title:\2.title"


def fix_client(script: bytes) -> bytes:
    """Gradio's client script with the non-queued error's status carrying ``visible`` (see the module)."""
    return CLIENT_FIX.sub(CLIENT_FIXED, script, count=1)


class ClientPatch(Rewrite):
    """ASGI middleware: Gradio's frontend scripts (``/assets/index-*.js``) with ``fix_client`` applied,
    once (``ResponseCache`` keeps the result). Every other answer passes untouched."""

    def wants(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return super().wants(scope) and path.startswith("/assets/index-") and path.endswith(".js")

    def holds(self, start: Message, headers: MutableHeaders) -> bool:
        return start.get("status") == 200 and "content-encoding" not in headers

    def rewrite(self, body: bytes, scope: Scope) -> bytes:
        return fix_client(body)
