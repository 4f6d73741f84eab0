"""Training while the class keeps working, over real HTTP: a GAN job runs in a worker process while
another browser's VAE grid answers, a third browser waits in line with its place shown, and
leaving the page stops the job with the previous weights still active."""

from __future__ import annotations

import time

import pytest

gradio_client = pytest.importorskip("gradio_client")

from conftest import running_studio, write_tiny_data  # noqa: E402

pytestmark = pytest.mark.server


def _wait_for_output(job, predicate, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for output in job.outputs():
            line = output[0] if isinstance(output, (list, tuple)) else output
            if isinstance(line, str) and predicate(line):
                return line
        if job.done():
            raise AssertionError(f"the job ended early: {job.outputs()[-1:]}")
        time.sleep(0.25)
    raise AssertionError(f"no matching output within {timeout} s: {job.outputs()[-2:]}")


def test_other_tabs_answer_while_one_client_trains(tmp_path):
    from gradio_client import Client

    data = write_tiny_data(tmp_path / "data")
    with running_studio(tmp_path, args=("--data-dir", str(data))) as url:
        trainer, student, latecomer = (Client(url, verbose=False) for _ in range(3))
        student.predict("en", 10, -1.0, 1.0, False, api_name="/vae_grid")  # the VAE loaded once, as on a page load
        job = trainer.submit("en", 100, False, "dcgan_mnist", "lecture", api_name="/gan_train")  # 10,000 steps: long
        _wait_for_output(job, lambda line: "elapsed" in line and "%" in line, timeout=180)

        started = time.perf_counter()
        grid, timing = student.predict("en", 20, -1.0, 1.0, False, api_name="/vae_grid")
        took = time.perf_counter() - started
        assert not job.done(), "the training job should still be running"
        assert took < 10, f"a VAE grid took {took:.1f} s while another client trained"

        waiting = latecomer.submit("en", 1, False, "z32", api_name="/ae_train")
        line = _wait_for_output(waiting, lambda line: "in line" in line, timeout=30)
        assert "2nd in line" in line and "Stop leaves the line" in line
        waiting.cancel()  # the latecomer leaves the page: out of the line

        job.cancel()  # the trainer leaves the page: the job stops, nothing is saved
        started = time.perf_counter()
        status = student.predict("en", 100, api_name="/pixel_train")  # runs once the line is free again
        assert "your" in status.lower() or "user" in status.lower(), status
        assert time.perf_counter() - started < 90
        assert not (tmp_path / "cache" / "weights" / "gan_dcgan_mnist").exists()  # the shipped GAN stays active
