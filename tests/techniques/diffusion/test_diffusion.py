"""The diffusion model: the cosine schedule, the U-Net, a training step lowering the loss, the weight
average's warm-up, DDIM with 1 and 50 steps, determinism by seed, the recipe on tiny data, the service
and the tab over HTTP (tiny networks, random data: no training of real models)."""

import numpy as np
import pytest
from PIL import Image

from studio.techniques.diffusion import model as diffusion
from service_checks import check_refusal

gradio_client = pytest.importorskip("gradio_client")

TINY = diffusion.DiffusionConfig(widths=(8, 8, 16), groups=4, time_dim=16)


def test_the_cosine_schedule_goes_from_the_digit_to_pure_noise():
    t = np.linspace(0, 1, 11)
    a = diffusion.signal_level(t)
    assert a[0] == pytest.approx(1.0) and a[-1] == pytest.approx(diffusion.MIN_SIGNAL)
    assert np.all(np.diff(a) < 0)  # always less signal as time goes on
    assert 0.4 < float(diffusion.signal_level(0.5)) < 0.6  # cosine: half the signal at half time
    import tensorflow as tf
    assert float(diffusion.signal_level(tf.constant(0.3))) == pytest.approx(float(diffusion.signal_level(0.3)), 1e-5)


def test_the_forward_process_fades_one_digit_into_its_noise():
    x0 = np.full((1, 28, 28, 1), 0.5, np.float32)
    frames = diffusion.noise_digits(x0, [0.0, 1.0], seed=3)
    assert frames.shape == (2, 1, 28, 28, 1)
    assert np.allclose(frames[0], x0, atol=1e-6)
    noise = np.random.default_rng(3).standard_normal(x0.shape)
    assert np.corrcoef(frames[1].ravel(), noise.ravel())[0, 1] > 0.99


def test_the_unet_predicts_noise_of_the_images_shape_and_starts_at_zero():
    import keras

    default = diffusion.build_unet(diffusion.DiffusionConfig())
    assert 300_000 <= default.count_params() <= 1_000_000  # the size
    net = diffusion.build_unet(TINY)
    x = np.random.default_rng(0).standard_normal((3, 28, 28, 1)).astype(np.float32)
    out = net([x, np.array([0.1, 0.5, 0.9], np.float32), np.array([1, 2, 10], np.int32)])
    assert out.shape == (3, 28, 28, 1) and np.allclose(keras.ops.convert_to_numpy(out), 0)
    unconditional = diffusion.DiffusionConfig(widths=(8, 8, 16), groups=4, time_dim=16, classes=0)
    assert len(diffusion.build_unet(unconditional).inputs) == 2


@pytest.mark.parametrize("bad, message", [
    ({"widths": (16, 32)}, "three widths"), ({"widths": (12, 32, 64)}, "multiple of groups"),
    ({"blocks": 0}, "at least one residual block"), ({"ema": 1.0}, "ema must be"),
    ({"label_dropout": 1.0}, "label_dropout"),
])
def test_a_config_that_cannot_work_is_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        diffusion.DiffusionConfig(**bad)


def test_training_steps_lower_the_noise_prediction_loss_and_the_average_warms_up():
    import keras

    keras.utils.set_random_seed(0)
    model = diffusion.make_diffusion(diffusion.DiffusionConfig(widths=(8, 8, 16), groups=4, time_dim=16,
                                                               learning_rate=2e-3))
    rng = np.random.default_rng(0)
    x = np.where(rng.random((64, 28, 28, 1)) < 0.2, 1.0, -1.0).astype(np.float32)
    y = rng.integers(0, 10, 64).astype(np.int32)
    start = [w.copy() for w in model.average.get_weights()]
    losses = [model.train_on_batch(x, y, return_dict=True)["loss"] for _ in range(40)]
    # an untrained network predicts zero noise: loss ~ 1 (the noise's variance); then it learns
    assert np.mean(losses[:3]) > 0.9 and np.mean(losses[-5:]) < 0.8, losses
    # the warm-up: after 40 steps the average has moved most of the way to the live weights, where
    # a plain 0.999 average would still be 96% the random start
    moved = [np.abs(a - s).sum() / max(np.abs(live - s).sum(), 1e-12)
             for a, s, live in zip(model.average.get_weights(), start, model.network.get_weights())
             if np.abs(live - s).sum() > 0]
    assert np.median(moved) > 0.5


@pytest.mark.parametrize("steps", [1, 50])
def test_ddim_with_one_and_fifty_steps_is_seeded_and_records_its_trajectory(steps):
    sampler = diffusion.DiffusionSampler(diffusion.build_unet(TINY), TINY)
    run = sampler.run(2, steps, seed=5, labels=[3, 7], guidance=2.0, record=True)
    assert run.times[0] == 1.0 and run.times[-1] == 0.0 and len(run.times) == steps + 1
    assert run.noisy.shape == (steps + 1, 2, 28, 28) and run.guesses.shape == (steps, 2, 28, 28)
    assert run.noisy.dtype == np.uint8
    assert np.array_equal(run.samples, run.guesses[-1])  # the last step lands on its own guess
    assert np.array_equal(sampler.generate(2, 5, steps, [3, 7], 2.0), run.samples)
    assert not np.array_equal(sampler.generate(2, 6, steps, [3, 7], 2.0), run.samples)
    with pytest.raises(ValueError, match="at least one step"):
        sampler.run(1, 0, 0)


def test_the_xla_sampler_pads_to_whole_rows_and_draws_the_same_digits():
    network = diffusion.build_unet(TINY)
    plain, xla = diffusion.DiffusionSampler(network, TINY), diffusion.DiffusionSampler(network, TINY, jit_compile=True)
    assert [diffusion.padded_size(n) for n in (1, 2, 10, 11, 64, 100, 1000)] == [1, 10, 10, 20, 70, 100, 1000]
    labels = np.arange(13) % 10
    exact, padded = plain.generate(13, 4, 3, labels, 1.5), xla.generate(13, 4, 3, labels, 1.5)
    assert padded.shape == (13, 28, 28)
    assert np.abs(exact.astype(int) - padded).max() <= 2  # XLA's arithmetic differs by rounding only
    assert np.array_equal(xla.generate(13, 4, 3, labels, 1.5), padded)  # seeded


def test_the_recipe_trains_saves_and_the_bundle_samples(tmp_path, monkeypatch):
    from studio.bundles import registry
    from studio.techniques.diffusion.presets import load_inference
    from studio.techniques.diffusion.recipe import train_diffusion
    from studio.training import RunContext
    from training_requests import shipped_request, tiny_mnist_run

    epochs = []
    with tiny_mnist_run(tmp_path, monkeypatch):
        bundle = train_diffusion(shipped_request("diffusion", epochs=2, batch_size=32),
                                 RunContext(on_epoch=lambda e, logs, image: epochs.append((logs, image))),
                                 judge=False, config=TINY)
    assert len(epochs) == 2 and epochs[-1][1].shape == (28 * 2 + 4, 10 * 28 * 2 + 22)  # ten digits a preview
    assert bundle.metadata["command"].startswith("python -m studio.train diffusion --epochs 2")
    assert bundle.metadata["data"]["mnist"]["labels_used"] is True
    sampler = load_inference(registry.load("diffusion", registry.SHIPPED))
    assert sampler.generate(3, 0, steps=2).shape == (3, 28, 28)


@pytest.fixture
def tiny_service(tmp_path, monkeypatch):
    """A DiffusionService over an untrained tiny U-Net saved as a bundle, with the shipped test digits."""
    import dataclasses
    import shutil

    from studio import paths
    from studio.bundles import registry
    from studio.techniques.diffusion.presets import NAME, WEIGHTS_FILE
    from studio.techniques.diffusion.service import DiffusionService

    pretrained = tmp_path / "pretrained"
    shutil.copytree(paths.pretrained_dir() / "samples", pretrained / "samples")
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(pretrained))
    assert not DiffusionService.available()
    registry.save(NAME, dataclasses.asdict(TINY), {WEIGHTS_FILE: diffusion.build_unet(TINY).save_weights},
                  {"command": "test", "metrics": {"fid": 12.5, "label_agreement": 0.98}})
    assert DiffusionService.available()
    return DiffusionService()


def test_the_service_samples_steps_through_a_run_and_noises_a_test_digit(tiny_service):
    from studio.techniques.diffusion.service import FORWARD_FRAMES

    grid, images = tiny_service.samples(12, 3, 1, "each", 2.0)
    assert images.shape == (12, 28, 28) and grid.ndim == 2
    assert np.array_equal(tiny_service.samples(12, 3, 1, "each", 2.0)[1], images)
    run = tiny_service.trajectory(4, 7, "5", 1.0)
    first, last = tiny_service.trajectory_frame(run, 0), tiny_service.trajectory_frame(run, 4)
    assert first.shape == last.shape and first.ndim == 3 and not np.array_equal(first, last)
    assert tiny_service.trajectory_strip(run).shape[1] > 4 * 28
    picture, frames = tiny_service.forward(3, 0)
    assert frames.shape == (FORWARD_FRAMES, 28, 28) and picture.ndim == 3


def test_a_streamed_grid_shows_the_guesses_then_keeps_the_same_draw_as_samples(tiny_service):
    previews = list(tiny_service.sample_previews(20, 4, 9, "each", 1.5, every_s=0.0))
    assert [step for _, step in previews] == [1, 2, 3]  # every step but the last: the finished grid follows
    assert previews[0][0].shape == tiny_service.samples(20, 4, 9, "each", 1.5)[0].shape
    assert list(tiny_service.sample_previews(20, 4, 9, "each", 1.5, every_s=0.0)) == []  # kept: nothing to redo
    streamed = tiny_service.samples(20, 4, 9, "each", 1.5)[1]
    tiny_service._draws = type(tiny_service._draws)()  # forget the draw: draw it in one go
    assert np.array_equal(tiny_service.samples(20, 4, 9, "each", 1.5)[1], streamed)


@pytest.mark.parametrize("call, message", [
    (lambda s: s.samples(0, 20, 0), "between 1 and 100 samples"),
    (lambda s: s.samples(4, 51, 0), "between 1 and 50 DDIM steps"),
    (lambda s: s.samples(4, 20, -1), "seed must be a whole number"),
    (lambda s: s.samples(4, 20, 0, "eleven"), "Choose which digits"),
    (lambda s: s.samples(4, 20, 0, "3", 7), "guidance weight must be a number from 0 to 6"),
    (lambda s: s.samples(4, 20, 0, "3", float("nan")), "guidance weight"),
    (lambda s: s.trajectory_frame(None, 0), "Run the sampler first"),
    (lambda s: s.trajectory_frame(s.trajectory(2, 0), 3), "between 0 and 2 step"),
    (lambda s: s.forward(1000, 0), "test-digit index"),
    (lambda s: s.training_job(0, False, "lecture"), "between 1 and 100 epochs"),
    (lambda s: s.training_job(3, False, "fast"), "Unknown training settings"),
])
def test_the_service_refuses_bad_requests_with_a_sentence(tiny_service, call, message):
    check_refusal(tiny_service, call, message)


def test_the_train_button_runs_the_recipes_own_options(tiny_service):
    from studio.techniques.diffusion.presets import CLASSROOM

    quick = tiny_service.training_job(99, False, "classroom")
    assert quick.request.recipe == "diffusion" and quick.request.source == "user"
    assert all(getattr(quick.request.options, k) == v for k, v in CLASSROOM.options().items())
    assert tiny_service.training_job(3, True).argv[:3] == ("diffusion", "--epochs", "3")


def test_no_tab_without_weights(tmp_path, monkeypatch):
    import gradio as gr

    from studio.techniques.diffusion.service import DiffusionService
    from studio.ui.kit.context import TabContext
    from studio.ui.kit.i18n import Translator
    from studio.ui.kit.jobs import SessionJobs
    from studio.techniques.diffusion import tab as diffusion_tab

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "nothing"))
    with gr.Blocks():
        ctx = TabContext(Translator("en"), gr.State("en"), SessionJobs(), None, None)
        assert diffusion_tab.create_tab(ctx, DiffusionService()) == []


def test_the_tab_answers_over_http(tiny_service):
    import gradio as gr

    from conftest import free_port
    from studio.bundles import provenance
    from studio.judge.quality import QualityService
    from studio.training.jobs import TrainingJobs
    from studio.ui.kit.context import TabContext
    from studio.ui.kit.i18n import Translator
    from studio.ui.kit.jobs import SessionJobs
    from studio.techniques.diffusion import tab as diffusion_tab

    with gr.Blocks() as demo:
        ctx = TabContext(Translator("en"), gr.State("en"), SessionJobs(), TrainingJobs(), QualityService())
        refreshes = diffusion_tab.create_tab(ctx, tiny_service)
    demo.queue()
    port = free_port()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
        path = client.predict(12, 3, 4, "each", 2.0, api_name="/diffusion_samples")
        assert provenance.read(path).technique == "diffusion.samples"
        step, frame, strip, gif = client.predict(5, 1, "none", 0.0, api_name="/diffusion_trajectory")  # no State
        with Image.open(gif) as animation:
            assert animation.n_frames == 6  # noise and five steps; the repeated last frame became a rest
            animation.seek(5)
            assert animation.info["duration"] == 6 * 150
        picture, forward_gif = client.predict(3, 0, api_name="/diffusion_forward")
        assert Image.open(picture).size[0] > 10 * 28
        with pytest.raises(gradio_client.exceptions.AppError, match="less than minimum value 1"):  # its own small app: no studio guards
            client.predict(0, 3, 4, "each", 2.0, api_name="/diffusion_samples")
        status, grid, forward_picture, forward_file = refreshes[0].fn("en", 10, 2, 0, "each", 2.0, 0)
        assert "12.50" in status and "98.0%" in status and forward_file.endswith(".gif")
    finally:
        demo.close()
