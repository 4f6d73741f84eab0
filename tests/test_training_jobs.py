"""Training jobs in a worker process: Stop, keep-on-stop, a killed worker, the line of waiting jobs.

Each test runs real recipes (``python -m studio.train``'s) on tiny synthetic data in spawned worker
processes; the GAN jobs are long on purpose and are stopped or killed once they report progress.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
from conftest import events_until_final, events_until_kind

from studio import paths
from studio.bundles import registry
from studio.training.jobs import JobSpec, TrainingJobs
from studio.training.request import from_argv

pytestmark = pytest.mark.slow

LONG_GAN = ("gan", "--variant", "dcgan_mnist", "--steps", "20000", "--limit", "200", "--to", "user")
PIXEL = ("pixel", "--datasets", "mnist", "--to", "user")


@pytest.fixture
def jobs(tiny_data_dir):
    paths.set_data_dir(tiny_data_dir)
    return TrainingJobs()


def test_the_worker_is_another_process_and_writes_what_the_cli_writes(jobs, tmp_path, monkeypatch):
    from studio import train

    events = events_until_final(jobs.submit(JobSpec(from_argv(PIXEL), "pixel")))
    assert events[0] == ("started",) and events[-1][0] == "done"
    by_job = registry.load("pixel", registry.USER)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cli_cache"))
    assert train.main(list(PIXEL)) == 0  # the terminal command, in this process
    by_cli = registry.load("pixel", registry.USER)
    assert by_job.metadata["files"] == by_cli.metadata["files"]  # the same bytes, by sha256
    assert by_job.metadata["command"] == by_cli.metadata["command"]


def test_stop_ends_a_job_the_old_weights_stay_and_the_next_job_waits_its_turn(jobs):
    before = registry.version_key("gan_dcgan_mnist")
    running = jobs.submit(JobSpec(from_argv(LONG_GAN), "long GAN", estimate_s=600.0))
    events_until_kind(running, "progress")
    assert jobs.current_pid not in (None, os.getpid())
    waiting = jobs.submit(JobSpec(from_argv(PIXEL), "pixel", estimate_s=5.0))
    assert (jobs.place(running), jobs.place(waiting)) == (0, 1)
    assert 0 < jobs.wait_estimate(waiting) <= 600
    running.cancel()
    assert events_until_final(running, timeout=60)[-1] == ("stopped", False)
    assert registry.version_key("gan_dcgan_mnist") == before  # nothing saved: the shipped GAN is active
    assert not registry.exists("gan_dcgan_mnist", registry.USER)
    assert events_until_final(waiting)[-1][0] == "done"  # then the waiting job ran


def test_a_waiting_job_can_leave_the_line(jobs):
    running = jobs.submit(JobSpec(from_argv(LONG_GAN), "long GAN"))
    waiting = jobs.submit(JobSpec(from_argv(PIXEL), "pixel"))
    assert jobs.leave(waiting) is True
    assert events_until_final(waiting, timeout=5) == [("left",)]
    assert jobs.place(waiting) is None
    running.cancel()
    assert events_until_final(running, timeout=120)[-1][0] in ("stopped", "left")


def test_a_killed_worker_is_reported_and_the_next_job_runs(jobs):
    doomed = jobs.submit(JobSpec(from_argv(LONG_GAN), "long GAN"))
    events_until_kind(doomed, "progress")
    os.kill(jobs.current_pid, signal.SIGKILL)
    final = events_until_final(doomed, timeout=60)[-1]
    assert final[0] == "crashed" and "killed" in final[1] and "previous weights" in final[1]
    assert not registry.exists("gan_dcgan_mnist", registry.USER)
    assert registry.active_source("gan_dcgan_mnist") == registry.SHIPPED
    assert events_until_final(jobs.submit(JobSpec(from_argv(PIXEL), "pixel")))[-1][0] == "done"


def test_keep_on_stop_saves_what_was_learnt(jobs):
    # The dense GAN, in batches of 8: its first round of 100 steps (what keep-on-stop needs) comes within
    # seconds, and what it saves is measured at once (a DCGAN's weight average first re-estimates BatchNorm
    # on 7,680 codes: 40 s on 2 cores, the same save path otherwise)
    dense = ("gan", "--variant", "dense_mnist", "--steps", "20000", "--limit", "200", "--batch-size", "8",
             "--to", "user")
    ticket = jobs.submit(JobSpec(from_argv(dense), "long dense GAN", keep_on_stop=True))
    events_until_kind(ticket, "epoch")  # one round of 100 steps, with its preview
    ticket.cancel()
    assert events_until_final(ticket, timeout=240)[-1] == ("stopped", True)
    bundle = registry.load("gan_dense_mnist")
    assert bundle.source == registry.USER and bundle.metadata["training"]["stopped_early"] is True
    assert json.loads((bundle.directory / "config.json").read_text())  # a complete bundle


def test_a_bad_request_is_refused_in_one_sentence_before_it_waits_in_line():
    from studio.training.request import request

    with pytest.raises(ValueError, match="option 'variant' cannot be 'nonsense'; choose one of"):
        request("gan", variant="nonsense")
    with pytest.raises(ValueError, match="has no option 'stepz'"):
        request("gan", stepz=3)
    with pytest.raises(ValueError, match="option 'steps' cannot be 'many'"):
        request("gan", steps="many")
    with pytest.raises(ValueError, match="no training recipe called 'gna'"):
        request("gna")


def test_a_request_crosses_to_the_worker_typed_and_its_command_line_says_the_same():
    import pickle

    from studio.training.request import from_argv, from_command, request

    made = request("gan", variant="conv003_mnist", steps=300, batch_size=16)
    assert pickle.loads(pickle.dumps(made)) == made and made.options.steps == 300 and made.options.fid_every == 0
    assert made.argv() == ("gan", "--variant", "conv003_mnist", "--steps", "300", "--batch-size", "16", "--to", "user")
    assert from_argv(made.argv()) == made  # the terminal's command is the same request
    assert from_command(made.command()) == made


def test_a_worker_ends_with_its_server(tiny_data_dir, tmp_path):
    """A server stopped by a signal runs no exit handlers; its worker must not train on as an orphan."""
    import subprocess
    import sys
    import time

    from conftest import ROOT

    script = ("import sys, time\n"
              "from studio import paths\n"
              "from studio.training.jobs import JobSpec, TrainingJobs\n"
              "from studio.training.request import from_argv\n"
              "if __name__ == '__main__':\n"
              f"    paths.set_data_dir({str(tiny_data_dir)!r})\n"
              "    jobs = TrainingJobs()\n"
              f"    ticket = jobs.submit(JobSpec(from_argv({LONG_GAN!r}), 'long GAN'))\n"
              "    while ticket.events.get()[0] != 'started':\n"
              "        pass\n"
              "    print(jobs.current_pid, flush=True)\n"
              "    time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "STUDIO_CACHE_DIR": str(tmp_path / "cache")})
    try:
        worker = int(server.stdout.readline())
        os.kill(worker, 0)  # the worker runs
        server.kill()  # SIGKILL: no exit handler of the server runs
        server.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                return  # gone
            if _is_zombie(worker):
                return
            time.sleep(0.2)
        state = open(f"/proc/{worker}/status").read()
        os.kill(worker, signal.SIGKILL)
        raise AssertionError(f"the worker outlived its server: {state[:400]}")
    finally:
        server.kill()


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
