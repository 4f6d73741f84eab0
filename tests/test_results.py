"""Results computed once and shared (studio.serving.results), the page load built on them
(studio.ui.frame.page_load) and the batching of a burst of samples (studio.serving.batching)."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time

import numpy as np
import pytest

from studio.serving import batching, results
from studio.media import imaging
from studio.bundles import registry
from studio.serving.results import SharedResults


def test_identical_concurrent_requests_compute_once():
    cache, calls = SharedResults(), []
    gate = threading.Barrier(8)

    def slow():
        calls.append(1)
        time.sleep(0.3)  # long enough for every thread to ask while it runs
        return np.arange(4)

    answers = []

    def ask():
        gate.wait()
        answers.append(cache.get(("grid", 7), slow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and cache.computed == 1 and cache.served == 7
    assert all(np.array_equal(answer, np.arange(4)) for answer in answers)


def test_an_error_reaches_every_waiter_and_nothing_is_kept():
    cache = SharedResults()

    def broken():
        time.sleep(0.1)
        raise ValueError("no weights")

    errors = []

    def ask():
        try:
            cache.get("k", broken)
        except ValueError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == ["no weights"] * 3 and len(cache) == 0
    assert cache.get("k", lambda: "now it works") == "now it works"


def test_the_cache_stays_within_its_bounds_under_many_distinct_requests(tmp_path, monkeypatch):
    monkeypatch.setattr(imaging, "export_folder", lambda: tmp_path)
    cache = SharedResults(max_entries=20, max_bytes=50_000, max_disk_bytes=30_000)
    for k in range(300):
        cache.get(("array", k), lambda: np.zeros(1_000, np.uint8))  # 1 kB each
        if k % 3 == 0:  # some results are files on disk (3 kB each)
            path = tmp_path / f"result-{k}.png"
            path.write_bytes(b"x" * 3_000)
            cache.get(("file", k), lambda path=path: str(path))
        assert len(cache) <= 20 and cache.memory <= 50_000 and cache.disk <= 30_000
    assert cache.get(("array", 299), lambda: pytest.fail("the newest result was dropped")) is not None
    calls = []
    cache.get(("array", 0), lambda: calls.append(1) or np.zeros(1))  # the oldest went first
    assert calls == [1]


def test_a_result_whose_file_was_pruned_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setattr(imaging, "export_folder", lambda: tmp_path)
    cache, made = SharedResults(), []

    def draw():
        path = tmp_path / f"grid-{len(made)}.png"
        path.write_bytes(b"png")
        made.append(path)
        return str(path), "caption"

    first = cache.get("grid", draw)
    assert cache.get("grid", draw) == first and len(made) == 1
    made[0].unlink()  # the export folder prunes old files
    again = cache.get("grid", draw)
    assert len(made) == 2 and os.path.exists(again[0])


def test_served_update_dicts_are_copies():
    """Gradio pops keys out of the update dicts it is handed; the kept result must not change."""
    cache = SharedResults()
    served = cache.get("u", lambda: ({"__type__": "update", "value": "x"}, [1, 2]))
    served[0].pop("value")
    served[1].append(3)
    assert cache.get("u", lambda: None) == ({"__type__": "update", "value": "x"}, [1, 2])


def test_a_retrain_or_the_switch_back_changes_what_is_served(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "shipped"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STUDIO_WEIGHTS", raising=False)

    def save(source: str, value: int) -> None:
        folder = registry.root(source) / "toy"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text("{}")
        (folder / "metadata.json").write_text(json.dumps({"value": value, "files": {}}))

    save(registry.SHIPPED, 1)
    calls = []

    @results.shared("test.toy", results=SharedResults())
    def readout(lang):
        calls.append(lang)
        return json.loads((registry.root(registry.active_source("toy")) / "toy" / "metadata.json").read_text())["value"]

    assert readout("en") == 1 and readout("en") == 1 and calls == ["en"]
    save(registry.USER, 2)  # a training run saved new weights and made them the active ones
    registry.set_active("toy", registry.USER)
    assert readout("en") == 2 and len(calls) == 2
    registry.set_active("toy", registry.SHIPPED)  # "Return to the shipped weights"
    assert readout("en") == 1


def _toy_page():
    import gradio as gr

    from studio.ui.frame.page_load import PageResults
    from studio.ui.kit.tab_kit import TabRefresh

    calls = []
    with gr.Blocks():
        lang = gr.Radio(["ko", "en"], value="ko")
        seed = gr.Number(value=3)
        words, picture, readout = gr.Markdown(), gr.Markdown(), gr.Markdown()

        def refresh(lg, s):
            calls.append(("refresh", lg, s))
            return f"{lg}: words", f"picture {s}"

        def judge(lg, s):
            calls.append(("judge", lg, s))
            return f"{lg}: judged {s}"

        page = PageResults([TabRefresh(refresh, [lang, seed], [words, picture],
                                       followups=[(judge, [lang, seed], [readout])])], lang,
                           results=SharedResults())
    return page, calls, (words, picture, readout)


def test_two_sessions_get_the_same_starting_results_from_one_computation():
    page, calls, outputs = _toy_page()
    first = page.load(*page.starting_values("ko"))
    second = page.load(*page.starting_values("ko"))
    assert first == second == ["ko: words", "picture 3", "ko: judged 3"]
    assert calls == [("refresh", "ko", 3), ("judge", "ko", 3)]
    assert page.outputs == list(outputs)


def test_warming_fills_the_page_of_each_language():
    page, calls, _ = _toy_page()
    page.warm(["ko", "en"])
    calls.clear()
    korean = page.load(*page.starting_values("ko"))
    english = page.load(*page.starting_values("en"))
    assert calls == []  # nothing computed: both were ready
    assert korean == ["ko: words", "picture 3", "ko: judged 3"]
    assert english == ["en: words", "picture 3", "en: judged 3"]


def test_a_page_loads_pictures_are_encoded_once():
    import gradio as gr
    from PIL import Image

    from studio.ui.frame.page_load import PageResults
    from studio.ui.kit.tab_kit import TabRefresh

    with gr.Blocks():
        picture = gr.Image(type="numpy")
        page = PageResults([TabRefresh(lambda: np.full((4, 6), 200, np.uint8), [], [picture])], None,
                           results=SharedResults())
    first, again = page.load()[0], page.load()[0]
    assert first == again and first.endswith(".png")  # a file made once, handed to every page
    assert np.array_equal(np.asarray(Image.open(first)), np.full((4, 6), 200, np.uint8))


def test_a_page_load_refuses_per_session_state():
    import gradio as gr

    from studio.ui.frame.page_load import PageResults
    from studio.ui.kit.tab_kit import TabRefresh

    with gr.Blocks():
        round_ = gr.State(None)
        picture = gr.Markdown()
        with pytest.raises(ValueError, match="per-session state"):
            PageResults([TabRefresh(lambda r: "x", [round_], [picture])], None)


def test_one_failing_tab_does_not_blank_the_page():
    import gradio as gr

    from studio.ui.frame.page_load import PageResults
    from studio.ui.kit.tab_kit import TabRefresh

    with gr.Blocks():
        a, b = gr.Markdown(), gr.Markdown()

        def broken():
            raise gr.Error("no weights for this tab")

        page = PageResults([TabRefresh(broken, [], [a]), TabRefresh(lambda: "fine", [], [b])], None,
                           results=SharedResults())
    values = page.load()
    assert values[1] == "fine" and values[0] == {"__type__": "update"}


def test_a_burst_is_served_in_batches_with_each_request_its_own_result():
    coalescer = batching.Coalescer()
    gate = threading.Barrier(6)
    seen = []

    def square_all(items):
        seen.append(list(items))
        time.sleep(0.2)  # the others arrive meanwhile
        return [x * x for x in items]

    answers = {}

    def ask(x):
        gate.wait()
        answers[x] = coalescer("squares", x, square_all)

    threads = [threading.Thread(target=ask, args=(x,)) for x in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {x: x * x for x in range(6)}
    assert len(seen) < 6 and sorted(x for batch in seen for x in batch) == list(range(6))
    assert batching.wait_until_samplers_idle(quiet=0.0, timeout=1.0)


def test_an_error_in_a_batch_reaches_its_requests_and_the_next_batch_runs():
    coalescer = batching.Coalescer()
    with pytest.raises(ZeroDivisionError):
        coalescer("g", 0, lambda items: [1 / x for x in items])
    assert coalescer("g", 4, lambda items: [1 / x for x in items]) == 0.25


def test_readouts_wait_while_samplers_are_busy():
    coalescer = batching.Coalescer()
    started = threading.Event()

    def slow(items):
        started.set()
        time.sleep(0.4)
        return items

    thread = threading.Thread(target=coalescer, args=("g", 1, slow))
    thread.start()
    started.wait()
    t0 = time.monotonic()
    assert batching.wait_until_samplers_idle(quiet=0.2, timeout=5.0)
    assert time.monotonic() - t0 >= 0.3  # the batch's end, then the quiet time
    thread.join()
    assert not batching.wait_until_samplers_idle(quiet=10.0, timeout=0.1)  # too soon after the last


def test_readouts_in_line_do_not_wait_on_each_others_draws():
    """A readout that draws its samples through a sampler is not a student's click: the next readout in
    line starts at once. Counted as clicks, each readout waited QUIET_S after the one before it."""
    coalescer = batching.Coalescer()

    def readout(seed):
        assert batching.wait_until_samplers_idle(timeout=5.0)  # as SamplerResult's judge waits
        return coalescer("g", seed, lambda items: [x * 2 for x in items])

    in_line = batching.in_readout_line(readout)

    async def three_in_line():
        return await asyncio.gather(*(in_line(seed) for seed in range(3)))

    time.sleep(batching.QUIET_S)  # the other tests' draws are over
    t0 = time.monotonic()
    assert asyncio.run(three_in_line()) == [0, 2, 4]
    assert time.monotonic() - t0 < batching.QUIET_S  # not three quiet spells
    coalescer("g", 1, lambda items: items)  # a student's draw outside a readout still counts
    assert not batching.wait_until_samplers_idle(quiet=10.0, timeout=0.1)


def _gan():
    from studio.techniques.gan.service import GANService

    service = GANService()
    whole = lambda seed: service.model("dense_mnist").generate(1000, seed)  # noqa: E731 - one call, no chunks
    return (lambda seed: service.samples("dense_mnist", 20, seed)[1],
            lambda seed: service.judged_draw("dense_mnist", seed), whole)


def _cgan():
    from studio.techniques.cgan.service import CGANService

    service = CGANService()
    whole = lambda seed: service.model("conv").generate(np.full(1000, 3), seed, 0.7)  # noqa: E731
    return (lambda seed: service.samples("conv", 3, 20, seed, 0.7)[1],
            lambda seed: service.judged_draw("conv", 3, seed, 0.7), whole)


@pytest.mark.parametrize("sampler", [_gan, _cgan], ids=["gan", "cgan"])
def test_samples_are_the_same_bytes_alone_and_in_a_burst(sampler):
    sample, judged_draw, whole = sampler()
    alone = {seed: sample(seed) for seed in (1, 2, 3)}
    together = {}

    def ask(seed):
        together[seed] = sample(seed)

    threads = [threading.Thread(target=ask, args=(seed,)) for seed in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(alone[s], together[s]) for s in alone)
    assert np.array_equal(judged_draw(2)[:20], alone[2])  # the shown samples open the judge's draw
    assert np.array_equal(judged_draw(2), whole(2))  # drawn in chunks, the same bytes as in one call


def test_readouts_take_turns_without_holding_a_thread_while_they_wait():
    import asyncio
    import inspect
    import threading
    import time

    from studio.serving import batching

    running, most, lock = [0], [0], threading.Lock()

    def readout(lang, seed):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return f"{lang}-{seed}"

    in_line = batching.in_readout_line(readout)
    assert list(inspect.signature(in_line).parameters) == ["lang", "seed"]  # Gradio reads the inputs from it

    async def class_of_eight():
        return await asyncio.gather(*(in_line("en", k) for k in range(8)))

    started = time.perf_counter()
    assert asyncio.run(class_of_eight()) == [f"en-{k}" for k in range(8)]
    assert most[0] == 1  # one readout at a time
    assert time.perf_counter() - started >= 8 * 0.05
