"""Fuzzing over HTTP: every public endpoint of every tab gets awkward uploads, numbers and strings.

The endpoints and their inputs are read from the running server's config, so a tab added later is
fuzzed without touching this file. For each endpoint: a cheap baseline call (sliders at their
minimum, other controls at their defaults, a small picture for images) must succeed, except downloads,
which must explain why they cannot run here (no network); training endpoints get no baseline (it would be
a real training run, see TRAINING) and only the bad inputs of heavy endpoints. Then one input at
a time gets the corpus of tests/fuzz_corpus.py: sliders at and beyond their ends, NaN and infinities
(sent as raw JSON, which gradio_client refuses to write), each choice and a bogus one, long and odd
strings, broken and exotic pictures. Every call must return a valid result (pictures that open) or a
clear error sentence; never the studio's "Something went wrong" (an unexpected exception) nor
Gradio's "Could not preprocess" dump. The server must stay up; its peak memory is reported in
test-artifacts/fuzz_report.json.

Endpoints whose baseline takes over HEAVY_SECONDS, and the optimisations in ALWAYS_HEAVY, get the
bad uploads but only a few good ones, so the whole run stays near a minute on two cores.
"""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

import fuzz_corpus as corpus
from conftest import ARTIFACTS, SERVER_PROCESSES

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")
httpx = pytest.importorskip("httpx")

HEAVY_SECONDS = 0.5
# Endpoints whose cost grows with their sliders (steps x size, words x candidates): heavy however quick
# their baseline at the sliders' minimum (L-BFGS makes style transfer's 10-step baseline at 128 px faster
# than HEAVY_SECONDS). The last four took 19-38 s of full corpus each on a 2-core AVX2 CPU; as heavy
# endpoints they still get NaN, huge, empty and odd values in every input.
ALWAYS_HEAVY = ("style_transfer", "dream", "dream_compare", "style_feed_forward", "text_generate", "text_next_word")
# Heavy endpoints get every broken upload (refused before any model runs) and only these others.
HEAVY_UPLOADS = ("one_pixel", "huge_10000px", "png_16_bit", "animated_gif")
HEAVY_NAMES = ("nan", "huge", "empty", "long_100k", "unicode")  # of corpus.NUMBERS and corpus.STRINGS
# Gradio's and the studio's phrases for "this input is wrong, here is why" that are fine to show.
UNEXPECTED = ("Something went wrong", "Could not preprocess", "Traceback", "Original error", "CLIENT ")
# Endpoints that cannot succeed in the test server (downloads off) but must say why.
MAY_REFUSE_BASELINE = ("_train", "_download_")
# Training endpoints get no baseline call: with OpenMoji's pictures (always installed) and ../shared's data
# sets their baseline is a real classroom-schedule training, minutes each (a CI run timed out on one after
# 300 s). They still get every bad input, refused before a job starts; training itself is tested with tiny
# configurations in tests/test_e2e_training.py and tests/techniques/.
TRAINING = "_train"
# Others may refuse their default inputs too (an empty recipe box), clearly, but not most of them.
MOST_BASELINES = 0.75
WORKERS = 4  # the studio's light concurrency


@dataclass
class Endpoint:
    """One public API endpoint and what its inputs look like (from the server's config)."""

    name: str
    inputs: list[dict]  # {"type": "slider", "props": {...}, "label": ...}
    heavy: bool = False
    baseline: list = field(default_factory=list)


@dataclass
class Case:
    endpoint: Endpoint
    description: str
    args: list
    raw: bool = False  # send as raw JSON (non-finite numbers)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fuzz_uploads")
    files = corpus.write_uploads(folder)
    baseline = folder / "baseline.png"
    corpus._gradient((128, 96)).save(baseline)
    files["baseline"] = baseline
    return files


def discover(url: str) -> list[Endpoint]:
    """The public named endpoints of the server and their input components."""
    client = gradio_client.Client(url, verbose=False)
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    components = {c["id"]: c for c in client.config["components"]}
    endpoints = []
    for dep in client.config["dependencies"]:
        name = dep.get("api_name")
        if not name or f"/{name}" not in named:
            continue
        # gr.State inputs are filled by the server from the session; API callers never send them
        inputs = [{"type": components[i]["type"], "props": components[i].get("props", {})} for i in dep["inputs"]
                  if components[i]["type"] != "state"]
        endpoints.append(Endpoint(name, inputs))
    return endpoints


def baseline_value(component: dict, uploads: dict[str, Path]):
    kind, props = component["type"], component["props"]
    if kind == "slider":
        return props["minimum"]
    if kind == "number":
        value = props.get("value")
        return value if value is not None else (props.get("minimum") or 0)
    if kind == "checkbox":
        return False
    if kind == "image":
        return gradio_client.handle_file(str(uploads["baseline"]))
    if kind in ("imageeditor", "sketchpad"):
        return None
    return props.get("value")


def editor_value(path: Path) -> dict:
    picture = gradio_client.handle_file(str(path))
    return {"background": picture, "layers": [], "composite": picture}


def choice_values(props: dict) -> list:
    return [c[1] if isinstance(c, (list, tuple)) else c for c in props.get("choices", [])]


def variations(component: dict, uploads: dict[str, Path], heavy: bool) -> list[tuple[str, object, bool]]:
    """(description, value, raw) for one input."""
    kind, props = component["type"], component["props"]
    cases = []
    if kind == "slider":
        lo, hi, step = props["minimum"], props["maximum"], props.get("step") or 1
        if not heavy:
            cases.append(("max", hi, False))
        cases += [("below min", lo - step, False), ("above max", hi + step, False)]
        cases += [("NaN", math.nan, True), ("-inf", -math.inf, True)]
        if not heavy:
            cases.append(("text", "seven", False))
    elif kind == "number":
        for name, value in corpus.NUMBERS.items():
            if not heavy or name in HEAVY_NAMES:
                finite = not isinstance(value, float) or math.isfinite(value)
                cases.append((f"number {name}", value, not finite))
    elif kind == "textbox":
        cases += [(f"text {name}", value, False) for name, value in corpus.STRINGS.items()
                  if not heavy or name in HEAVY_NAMES]
    elif kind in ("radio", "dropdown"):
        choices = choice_values(props)
        if not heavy:  # the default is the baseline already; try the other end of the list
            cases += [(f"choice {value!r}", value, False) for value in choices[-1:] if value != props.get("value")]
        cases.append(("bogus choice", "no-such-choice", False))
    elif kind == "checkbox" and not heavy:
        cases.append(("checked", True, False))
    elif kind in ("image", "imageeditor", "sketchpad", "file"):
        for name, path in uploads.items():
            if name == "baseline" or (heavy and name not in corpus.BROKEN and name not in HEAVY_UPLOADS):
                continue
            value = editor_value(path) if kind in ("imageeditor", "sketchpad") else gradio_client.handle_file(str(path))
            cases.append((f"upload {name}", value, False))
        cases.append(("no upload", None, False))
    return cases


# --- calling --------------------------------------------------------------------------------------
_local = threading.local()


def _client(url: str, downloads: Path):
    # One client per thread, each with its own download folder: two threads fetching the same
    # output (same content, same file name) must not truncate each other's copy.
    if getattr(_local, "url", None) != url:
        folder = downloads / threading.current_thread().name
        _local.client = gradio_client.Client(url, verbose=False, download_files=str(folder))
        _local.url = url
    return _local.client


def _upload(url: str, value):
    """Raw JSON calls carry files as server paths: upload the file first."""
    if isinstance(value, dict) and value.get("meta", {}).get("_type") == "gradio.FileData":
        with open(value["path"], "rb") as handle:
            response = httpx.post(f"{url}gradio_api/upload", files={"files": handle}, timeout=60)
        response.raise_for_status()
        return {"path": response.json()[0], "meta": {"_type": "gradio.FileData"}}
    return value


def call_raw(url: str, name: str, args: list) -> tuple[bool, object]:
    """POST /gradio_api/call/NAME with JSON that may hold NaN / Infinity; (ok, outputs or message)."""
    body = json.dumps({"data": [_upload(url, a) for a in args]}, allow_nan=True)
    response = httpx.post(f"{url}gradio_api/call/{name}", content=body,
                          headers={"content-type": "application/json"}, timeout=60)
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}: {response.text[:300]}"
    event_id = response.json()["event_id"]
    event, data = None, None
    with httpx.stream("GET", f"{url}gradio_api/call/{name}/{event_id}", timeout=300) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line.split(":", 1)[1])
    if event == "complete":
        return True, data
    message = data.get("error") if isinstance(data, dict) else data
    return False, message


def call(url: str, case: Case, downloads: Path) -> tuple[bool, object]:
    """One call; a transport failure on the client's side (a dropped event stream under load) is
    retried once before it counts."""
    ok, outcome = _call_once(url, case, downloads)
    if not ok and isinstance(outcome, str) and outcome.startswith("CLIENT "):
        ok, outcome = _call_once(url, case, downloads)
    return ok, outcome


def _call_once(url: str, case: Case, downloads: Path) -> tuple[bool, object]:
    if case.raw:
        return call_raw(url, case.endpoint.name, case.args)
    try:
        job = _client(url, downloads).submit(*case.args, api_name=f"/{case.endpoint.name}")
        return True, job.result(timeout=300)
    except gradio_client.exceptions.AppError as exc:
        return False, str(exc)
    except Exception as exc:  # noqa: BLE001 - a broken download or connection: report, carry on
        return False, f"CLIENT {type(exc).__name__}: {exc}"


def problem(case: Case, ok: bool, outcome) -> str | None:
    """None when the outcome is acceptable, else a line for the failure report."""
    where = f"/{case.endpoint.name} [{case.description}]"
    if not ok:
        message = outcome if isinstance(outcome, str) else None
        if not message or not message.strip():
            return f"{where}: an error without a message"
        if any(marker in message for marker in UNEXPECTED) or message.startswith("HTTP 5"):
            return f"{where}: {message[:300]}"
        if len(message) > 1000:
            return f"{where}: a {len(message)}-character error message"
        return None
    for value in outcome if isinstance(outcome, (list, tuple)) else [outcome]:
        path = value.get("path") if isinstance(value, dict) else value
        if isinstance(path, str) and Path(path).suffix.lower() in (".png", ".gif", ".webp", ".jpg", ".jpeg"):
            if not Path(path).is_file():
                continue  # raw calls return server paths; the client's own calls download them
            try:
                with Image.open(path) as image:
                    image.load()
            except Exception as exc:  # noqa: BLE001
                return f"{where}: returned an unreadable picture {path} ({exc})"
    return None


def peak_rss_mb(url: str) -> float | None:
    process = SERVER_PROCESSES.get(url)
    try:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (AttributeError, OSError):
        return None
    return None


def test_every_endpoint_answers_the_fuzz_corpus_clearly(studio_server, uploads, tmp_path):
    url = studio_server
    endpoints = discover(url)
    names = {e.name for e in endpoints}
    assert {"pixel_sample", "ae_reconstruct", "vae_grid", "dream", "style_transfer"} <= names

    failures: list[str] = []
    refused: list[str] = []  # baselines that ended in a clear refusal
    timings: dict[str, float] = {}
    started = time.perf_counter()
    # 1. Baselines, one at a time, twice: the second (warm) call tells heavy endpoints from light ones.
    for endpoint in endpoints:
        endpoint.baseline = [baseline_value(c, uploads) for c in endpoint.inputs]
        if TRAINING in endpoint.name:  # its baseline is a real training run (see TRAINING): bad inputs only
            endpoint.heavy = True
            continue
        for _ in range(2):
            t0 = time.perf_counter()
            ok, outcome = call(url, Case(endpoint, "baseline", endpoint.baseline), tmp_path)
            timings[endpoint.name] = time.perf_counter() - t0
        endpoint.heavy = timings[endpoint.name] > HEAVY_SECONDS or endpoint.name in ALWAYS_HEAVY
        if (line := problem(Case(endpoint, "baseline", []), ok, outcome)):
            failures.append(line)
        elif not ok and not any(part in endpoint.name for part in MAY_REFUSE_BASELINE):
            refused.append(endpoint.name)

    # 2. One input at a time through the corpus, a few calls in flight as in a classroom.
    cases = []
    for endpoint in endpoints:
        for index, component in enumerate(endpoint.inputs):
            for description, value, raw in variations(component, uploads, endpoint.heavy):
                args = list(endpoint.baseline)
                args[index] = value
                cases.append(Case(endpoint, f"input {index} ({component['type']}): {description}", args, raw))
    spent: dict[str, float] = {}

    def timed(case):
        t0 = time.perf_counter()
        result = call(url, case, tmp_path)
        spent[case.endpoint.name] = spent.get(case.endpoint.name, 0.0) + time.perf_counter() - t0
        return (case, *result)

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(timed, cases))
    counts = {"ok": 0, "clear_error": 0}
    for case, ok, outcome in outcomes:
        line = problem(case, ok, outcome)
        if line:
            failures.append(line)
        else:
            counts["ok" if ok else "clear_error"] += 1

    # 3. The server is still there and still answers.
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
    assert gradio_client.Client(url, verbose=False).predict("en", api_name="/device").startswith("Device")
    process = SERVER_PROCESSES.get(url)
    assert process is None or process.poll() is None, "the studio process died"

    peak = peak_rss_mb(url)
    report = {"endpoints": sorted(names), "calls": len(cases) + len(endpoints), **counts,
              "failures": failures, "peak_rss_mb": peak, "seconds": round(time.perf_counter() - started, 1),
              "baseline_seconds": {k: round(v, 2) for k, v in timings.items()},
              "corpus_seconds": {k: round(v, 1) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])},
              "cases": {name: sum(c.endpoint.name == name for c in cases) for name in sorted(names)},
              "heavy": sorted(e.name for e in endpoints if e.heavy), "baseline_refused": refused}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz_report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nfuzz: {report['calls']} calls over {len(names)} endpoints in {report['seconds']} s; "
          f"peak RSS {peak} MB")
    assert not failures, "\n".join(failures)
    trainable = [e for e in endpoints if not any(part in e.name for part in MAY_REFUSE_BASELINE)]
    assert len(refused) <= (1 - MOST_BASELINES) * len(trainable), f"most baselines must succeed: {refused}"
    if peak is not None:
        assert peak < 4096, f"the studio peaked at {peak:.0f} MB under fuzzing"
