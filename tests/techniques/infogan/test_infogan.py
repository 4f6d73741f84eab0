"""InfoGAN: the networks' shapes, the shared trunk, one training step, Q learning a categorical code,
seeded generation and Fig. 10-11's code grid (tiny networks, random data: no training of real models)."""

import numpy as np
import pytest
from PIL import Image

from studio.techniques.infogan import measures
from studio.techniques.infogan import model as infogan
from service_checks import check_refusal

gradio_client = pytest.importorskip("gradio_client")

TINY = infogan.InfoGANConfig(noise_dim=8, categories=3, continuous=2, width=8)


def test_shapes_and_the_shared_trunk():
    g, d = infogan.build_generator(TINY), infogan.build_discriminator(TINY)
    x = infogan.generator_input(TINY, np.zeros((4, 8)), [0, 1, 2, 0], np.zeros(2))
    assert x.shape == (4, TINY.code_dim) and x[:, 8:11].sum(axis=1).tolist() == [1, 1, 1, 1]
    images = g(x).numpy()
    assert images.shape == (4, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    logit, category, continuous = d(images)
    assert logit.shape == (4, 1) and category.shape == (4, 3) and continuous.shape == (4, 2)
    # D and Q share everything up to the last hidden layer: Q adds two small dense layers only.
    q_layers = [layer for layer in d.layers if layer.name in ("c1_logits", "c_continuous_mean")]
    assert len(q_layers) == 2


def test_one_step_moves_both_networks_and_logs_the_information_terms():
    import keras

    keras.utils.set_random_seed(0)
    model = infogan.make_infogan(TINY)
    real = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)
    g_before = [w.copy() for w in model.generator.get_weights()]
    d_before = [w.copy() for w in model.discriminator.get_weights()]
    logs = model.train_on_batch(real, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "info_loss", "c1_loss", "c_cont_loss", "q_accuracy"}
    assert all(np.isfinite(v) for v in logs.values()) and 0 <= logs["q_accuracy"] <= 1
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, model.generator.get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(d_before, model.discriminator.get_weights()))


def test_the_information_term_teaches_q_to_read_the_categorical_code():
    """With the GAN term's learning left to itself, a few dozen steps make the c1 cross-entropy fall
    well below its chance level ln K: G writes c1 into its images and Q reads it back."""
    import keras

    keras.utils.set_random_seed(1)
    config = infogan.InfoGANConfig(noise_dim=4, categories=2, continuous=1, width=8, g_learning_rate=2e-3,
                                   d_learning_rate=2e-3)
    model = infogan.make_infogan(config)
    real = np.where(np.random.default_rng(1).random((32, 28, 28, 1)) < 0.5, -1.0, 1.0).astype(np.float32)
    first = model.train_on_batch(real, return_dict=True)["c1_loss"]
    for _ in range(40):
        logs = model.train_on_batch(real, return_dict=True)
    assert first > 0.5 * np.log(2)
    assert logs["c1_loss"] < 0.5 * np.log(2), logs


def test_generation_is_seeded_and_the_code_grid_has_figure_10_11s_layout():
    inference = infogan.InfoGANInference(infogan.build_generator(TINY), TINY)
    a, cat_a, cont_a = inference.generate(5, 3)
    b, _, _ = inference.generate(5, 3)
    c, _, _ = inference.generate(5, 4)
    assert a.dtype == np.uint8 and a.shape == (5, 28, 28)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert set(cat_a) <= {0, 1, 2} and np.all(np.abs(cont_a) <= 1)
    grid = inference.code_grid(code=1, values=np.linspace(-2, 2, 5), seed=0)
    assert grid.shape == (3, 5, 28, 28)
    # the same row, other continuous value: a different picture (the code reaches the image)
    assert not np.array_equal(grid[0, 0], grid[0, -1])


@pytest.mark.parametrize("bad, message", [(dict(categories=1), "at least 2 categories"),
                                          (dict(continuous=-1), "continuous codes"),
                                          (dict(noise_dim=0), "noise")])
def test_a_config_without_meaningful_codes_is_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        infogan.InfoGANConfig(**bad)


def test_the_recipe_trains_saves_and_measures_what_its_codes_mean(tmp_path, monkeypatch):
    from studio.bundles import registry
    from studio.techniques.infogan.presets import load_inference
    from studio.techniques.infogan.recipe import train_infogan
    from studio.training import RunContext
    from training_requests import shipped_request, tiny_mnist_run

    epochs = []
    with tiny_mnist_run(tmp_path, monkeypatch):
        bundle = train_infogan(shipped_request("infogan", epochs=2, batch_size=32),
                               RunContext(on_epoch=lambda e, logs, image: epochs.append((logs, image))),
                               judge=False, config=infogan.InfoGANConfig(noise_dim=8, width=8))
    assert len(epochs) == 2 and epochs[-1][1].ndim == 2  # a preview (one noise, every c1 value) per epoch
    assert {"d_loss", "info_loss", "q_accuracy"} <= set(epochs[-1][0])
    metadata = bundle.metadata
    assert metadata["data"]["mnist"]["labels_used"] is False
    assert metadata["command"].startswith("python -m studio.train infogan --epochs 2")
    m = metadata["metrics"]
    assert 0 <= m["slant_monotonic"] <= 1 and 0 <= m["thickness_monotonic"] <= 1
    assert {m["slant_code"], m["thickness_code"]} == {"c2", "c3"}
    assert 0 <= m["storage_max_pixel_change"] <= 8  # compact storage changes nothing a student sees
    inference = load_inference(registry.load("infogan", registry.SHIPPED))
    assert inference.generate(3, 0)[0].shape == (3, 28, 28)


@pytest.fixture
def tiny_service(tmp_path, monkeypatch):
    """An InfoGANService over an untrained tiny generator saved as a bundle."""
    import dataclasses

    from studio.bundles import registry, weight_files
    from studio.techniques.infogan.presets import INT8_FROM, NAME, WEIGHTS_FILE
    from studio.techniques.infogan.service import InfoGANService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    assert not InfoGANService.available()
    generator = infogan.build_generator(TINY)
    registry.save(NAME, dataclasses.asdict(TINY), {WEIGHTS_FILE: weight_files.weights_writer(generator, INT8_FROM)},
                  {"command": "test", "metrics": {"category_agreement": 0.5}})
    assert InfoGANService.available()
    return InfoGANService()


def test_the_service_answers_codes_live_and_draws_the_figures_grid(tiny_service):
    from studio.techniques.infogan.service import GRID_STEPS, LIVE_ZOOM

    picture = tiny_service.live(2, 0.5, -1.5, 7)
    assert picture.shape[:2] == (28 * LIVE_ZOOM, 28 * LIVE_ZOOM)
    assert np.array_equal(picture, tiny_service.live(2, 0.5, -1.5, 7))
    grid, frames = tiny_service.code_grid("c3", 0)
    # a GIF frame per code value: every c1 value's sample side by side
    assert frames.shape[0] == GRID_STEPS and frames.shape[2] > 2 * frames.shape[1] and grid.ndim == 2
    assert tiny_service.matched_digits()["metrics"]["category_agreement"] == 0.5


@pytest.mark.parametrize("call, message", [
    (lambda s: s.live(3, 0, 0, 0), "c1 must be one of 0 to 2"),
    (lambda s: s.live(1.5, 0, 0, 0), "c1 must be one of"),
    (lambda s: s.live(0, 2.5, 0, 0), "c2 must be a number between -2 and 2"),
    (lambda s: s.live(0, 0, float("nan"), 0), "c3 must be a number"),
    (lambda s: s.live(0, 0, 0, -1), "seed must be a whole number"),
    (lambda s: s.code_grid("c4", 0), "continuous codes: c2, c3"),
])
def test_the_service_refuses_bad_codes_with_a_sentence(tiny_service, call, message):
    check_refusal(tiny_service, call, message)


def _gan_and_infogan():
    """The declarations of the GAN tab and of InfoGAN, its child (``parent="gan"``)."""
    from studio.techniques import gan, infogan

    assert infogan.TECHNIQUE.parent == "gan"
    return [gan.TECHNIQUE, infogan.TECHNIQUE]


@pytest.fixture
def infogan_page(tiny_service):
    """The GAN tab with its InfoGAN sub-tab over the tiny bundle (the app's way: the child built by its
    parent's tab), served over HTTP."""
    import gradio as gr

    from conftest import free_port
    from studio.training.jobs import TrainingJobs
    from studio.ui.kit.context import TabContext
    from studio.ui.kit.i18n import Translator
    from studio.ui.kit.jobs import SessionJobs

    with gr.Blocks() as demo:
        lang = gr.State("en")
        ctx = TabContext(Translator("en"), lang, SessionJobs(), TrainingJobs(), None)
        refreshes = ctx.build_tabs(_gan_and_infogan())
    demo.queue()
    port = free_port()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/", refreshes
    demo.close()


def test_the_gan_tab_has_an_infogan_part_only_with_infogan_weights(tmp_path, monkeypatch):
    import gradio as gr

    from studio.ui.kit.context import TabContext
    from studio.ui.kit.i18n import Translator
    from studio.ui.kit.jobs import SessionJobs

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "nothing"))  # no InfoGAN anywhere
    with gr.Blocks():
        ctx = TabContext(Translator("en"), gr.State("en"), SessionJobs(), None, None)
        refreshes = ctx.build_tabs(_gan_and_infogan())
    assert len(refreshes) == 1  # the GAN tab's own: no placeholder part without a model


def test_the_infogan_part_answers_over_http_and_refuses_bad_codes(infogan_page):
    from studio.bundles import provenance

    url, refreshes = infogan_page
    assert len(refreshes) == 2
    client = gradio_client.Client(url, verbose=False)
    path = client.predict(1, 0.5, -2, 3, api_name="/infogan_live")
    recipe = provenance.read(path)
    assert recipe.technique == "infogan.live" and recipe.params["c2"] == 0.5
    grid_path, gif_path = client.predict("c3", 3, api_name="/infogan_grid")
    with Image.open(grid_path) as grid, Image.open(gif_path) as gif:
        assert grid.size[0] > grid.size[1]  # nine columns of the code, three rows of c1 (tiny config)
        assert gif.n_frames == 2 * 9 - 2  # -2 -> 2 and back without repeating the ends
    with pytest.raises(gradio_client.exceptions.AppError, match="not in the list of choices"):
        client.predict(5, 0, 0, 0, api_name="/infogan_live")
    with pytest.raises(gradio_client.exceptions.AppError, match="greater than maximum value 2"):
        client.predict(1, 7, 0, 0, api_name="/infogan_live")
    with pytest.raises(gradio_client.exceptions.AppError, match="not in the list of choices"):
        client.predict(1, False, "fast", api_name="/infogan_train")


def test_the_infogan_parts_page_load_shows_its_measurements_and_labels_c1_with_matched_digits(infogan_page):
    from studio.techniques.infogan.tab import c1_choices, describe

    _, refreshes = infogan_page
    part = refreshes[1]
    status, choices, live, grid, gif = part.fn("en", 0, 0.0, 0.0, 0, "c2")
    assert "50.0%" in status and "trained without labels" in status
    assert live is not None and grid is not None and gif.endswith(".gif")
    assert c1_choices([2, 0, 1], [1, 2, 0]) == [("c1 = 2 → 0", 2), ("c1 = 0 → 1", 0), ("c1 = 1 → 2", 1)]
    table = describe("ko", {"source": "shipped", "command": "c", "created": "t",
                            "metrics": {"category_agreement": 0.93, "c1_matched_digits": [7, 1]}})
    assert "93.0%" in table and "| 7 | 1 |" in table


def test_the_train_button_runs_the_recipes_own_options(tiny_service, tmp_path, monkeypatch):
    from studio.techniques.infogan.presets import CLASSROOM
    from studio.checks import UserError

    quick = tiny_service.training_job(99, False, "classroom")  # the schedule has its own length
    assert quick.request.recipe == "infogan" and quick.request.source == "user"
    assert {k: getattr(quick.request.options, k) for k in CLASSROOM.options()} == CLASSROOM.options()
    full = tiny_service.training_job(3, True, "lecture")
    assert full.argv[:3] == ("infogan", "--epochs", "3") and full.keep_on_stop
    with pytest.raises(UserError, match="between 1 and 50 epochs"):
        tiny_service.training_job(0, False, "lecture")
    with pytest.raises(UserError, match="Unknown training settings"):
        tiny_service.training_job(3, False, "fast")
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "no_shipped_infogan"))
    with pytest.raises(UserError, match="no shipped InfoGAN weights"):
        tiny_service.use_shipped()


# --- what the codes mean (studio.techniques.infogan.measures) ----------------------------------------
def test_matched_agreement_names_code_values_one_to_one():
    # code value 0 draws 7s, 1 draws 3s, 2 draws half 1s and half 7s: matching gives 2 -> 1, not 7 twice
    codes = np.array([0] * 10 + [1] * 10 + [2] * 10)
    judged = np.array([7] * 10 + [3] * 10 + [1] * 5 + [7] * 5)
    agreement, matched = measures.matched_agreement(codes, judged)
    assert matched.tolist() == [7, 3, 1]
    assert agreement == pytest.approx(25 / 30)


def _stroke(slant: float, width: int) -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    for r in range(4, 24):
        c = int(round(14 + slant * (r - 14)))
        image[r, c: c + width] = 255
    return image


def test_slant_and_ink_follow_a_drawn_stroke():
    leaning = np.stack([_stroke(s, 2) for s in (-0.4, 0.0, 0.4)])
    assert np.all(np.diff(measures.ink_slant(leaning)) > 0)
    thick = np.stack([_stroke(0.0, w) for w in (1, 2, 3)])
    assert np.all(np.diff(measures.ink_mass(thick)) > 0)
    assert abs(measures.ink_slant(thick)[1]) < 1e-6


def test_monotonic_share_counts_rows_in_the_common_direction():
    series = np.array([[1, 2, 3], [0, 1, 5], [3, 2, 1], [1, 3, 2]])
    assert measures.monotonic_share(series) == pytest.approx(0.5)
    assert measures.monotonic_share(series[:2]) == 1.0
