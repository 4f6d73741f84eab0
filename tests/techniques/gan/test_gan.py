"""GANs: the fused training step, seeded generation, latent walks, the recipe on tiny data, the tab's
service (samples, nearest training images, the "which is real?" game) and its error messages."""

import dataclasses

import numpy as np
import pytest

from conftest import counting_quality, write_tiny_data
from studio import paths
from studio.techniques.gan import plots
from studio.techniques.gan import model as gan
from studio.techniques.gan.presets import VARIANTS
from studio.checks import UserError
from studio.training import RunContext
from training_requests import shipped_request
from service_checks import check_refusal


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def _changed(before, model):
    return any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


@pytest.mark.parametrize("config", [gan.dense_config(), gan.GANConfig()])
def test_generator_and_discriminator_shapes(config):
    g, d = gan.build_generator(config), gan.build_discriminator(config)
    images = g(np.zeros((3, config.latent_dim), np.float32)).numpy()
    assert images.shape == (3, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    assert d(images).shape == (3, 1)


def test_the_generator_step_leaves_the_discriminator_alone():
    import keras

    keras.utils.set_random_seed(0)
    real = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)
    # D's optimizer frozen (learning rate 0): whatever moves D after a full step is the G step's doing.
    model = gan.make_gan(gan.dense_config())
    model.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.Adam(1e-3))
    d_before, g_before = _weights(model.discriminator), _weights(model.generator)
    logs = model.train_on_batch(real, return_dict=True)
    assert not _changed(d_before, model.discriminator)
    assert _changed(g_before, model.generator)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v) for v in logs.values())
    # And the other way round: a frozen G with a learning D.
    model = gan.make_gan(gan.dense_config())
    model.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.SGD(0.0))
    d_before, g_before = _weights(model.discriminator), _weights(model.generator)
    model.train_on_batch(real)
    assert _changed(d_before, model.discriminator) and not _changed(g_before, model.generator)


def test_a_few_steps_teach_the_discriminator():
    import keras

    keras.utils.set_random_seed(1)
    real = np.where(np.random.default_rng(1).random((64, 28, 28, 1)) < 0.5, -1.0, 1.0).astype(np.float32)
    model = gan.make_gan(gan.dense_config())
    model.compile(g_optimizer=keras.optimizers.SGD(0.0))  # G stays put: D should learn to tell
    first = model.train_on_batch(real, return_dict=True)["d_loss"]
    for _ in range(15):
        last = model.train_on_batch(real, return_dict=True)["d_loss"]
    assert last < first


def test_the_learning_rates_fall_linearly_to_zero_after_the_decay_start():
    assert gan.learning_rate_factor(0.3, 0.5) == 1.0 and gan.learning_rate_factor(0.5, 0.5) == 1.0
    assert gan.learning_rate_factor(0.75, 0.5) == pytest.approx(0.5)
    assert gan.learning_rate_factor(1.0, 0.5) == 0.0
    assert gan.learning_rate_factor(0.99, 1.0) == 1.0  # 1: a constant rate, as the lecture


def test_a_zero_learning_rate_factor_stops_both_networks():
    real = np.random.default_rng(2).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)
    model = gan.make_gan(gan.dense_config())
    model.compile()
    model.train_on_batch(real)  # builds the optimizers' variables
    model.set_learning_rate_factor(0.0)
    d_before, g_before = _weights(model.discriminator), _weights(model.generator)
    model.train_on_batch(real)
    assert not _changed(d_before, model.discriminator) and not _changed(g_before, model.generator)
    model.set_learning_rate_factor(1.0)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(model.config.learning_rate)


def test_generation_is_seeded_and_uint8():
    config = gan.dense_config()
    inference = gan.GeneratorInference(gan.build_generator(config), config)
    a, b, c = inference.generate(5, 3), inference.generate(5, 3), inference.generate(5, 4)
    assert a.dtype == np.uint8 and a.shape == (5, 28, 28)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_slerp_keeps_the_endpoints_and_the_norm():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(100), rng.standard_normal(100)
    codes, alphas = gan.slerp_codes(a, b, 9)
    np.testing.assert_allclose(codes[0], a, rtol=1e-5)
    np.testing.assert_allclose(codes[-1], b, rtol=1e-5)
    assert alphas[0] == 0 and alphas[-1] == 1
    # Midway the arc stays near the ends' norms; the straight line would shrink to ~0.71 of it.
    assert np.linalg.norm(codes[4]) > 0.9 * min(np.linalg.norm(a), np.linalg.norm(b))


def test_gan_curves_draw_a_picture():
    picture = plots.gan_curves({"d_loss": [0.7, 0.6], "g_loss": [0.8, 0.9]}, 100)
    assert picture.ndim == 3 and picture.dtype == np.uint8


@pytest.fixture(scope="module")
def gan_bundles(tmp_path_factory):
    """The dense GAN and the ankle-boot DCGAN trained a few steps on synthetic data, plus the samples."""
    from studio import data
    from studio.techniques.gan.recipe import train_gan
    from studio.samples.recipe import save_samples

    root = tmp_path_factory.mktemp("gan")
    folder = write_tiny_data(root / "data", test=60)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_PRETRAINED_DIR", str(root / "pretrained"))
        mp.setenv("STUDIO_NO_DOWNLOAD", "1")
        paths.set_data_dir(folder)
        data._load_cached.cache_clear()
        save_samples(shipped_request("samples", count=60))
        reports = []
        bundle = train_gan(shipped_request("gan", variant="dense_mnist", steps=3, batch_size=16),
                           RunContext(on_progress=lambda f, m: reports.append((f, m))), judge=False)
        # without the weight average: its BatchNorm re-estimate (7,680 codes through the DCGAN, 40 s on 2 cores)
        # is for a real run, the walk only needs the network (the classroom schedule's test below averages)
        train_gan(shipped_request("gan", variant="dcgan_ankle_boot", steps=2, batch_size=8), judge=False,
                  config=dataclasses.replace(VARIANTS["dcgan_ankle_boot"].config, ema=0.0))
        paths.set_data_dir(None)
    return root / "pretrained", folder, bundle, reports


@pytest.fixture
def service(gan_bundles, monkeypatch):
    from studio.techniques.gan.service import GANService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(gan_bundles[0]))
    paths.set_data_dir(gan_bundles[1])
    return GANService()


def test_the_recipe_records_its_run(gan_bundles):
    _, _, bundle, reports = gan_bundles
    training = bundle.metadata["training"]
    assert training["steps"] == 3 and training["steps_completed"] == 3
    assert len(training["history"]["d_loss"]) == 1  # one point per round of at most 100 steps
    assert bundle.metadata["command"].startswith("python -m studio.train gan --variant dense_mnist --steps 3")
    assert reports[-1][0] == 1.0
    assert (bundle.directory / "generator.weights.npz").is_file()
    assert 0 <= bundle.metadata["metrics"]["storage_max_pixel_change"] <= 8  # float16: nothing a student sees


def test_a_generator_saved_in_the_older_float32_format_still_loads(gan_bundles, tmp_path, monkeypatch):
    import dataclasses

    from studio.bundles import registry
    from studio.techniques.gan.presets import LEGACY_WEIGHTS_FILE, load_inference

    config = gan.dense_config()
    generator = gan.build_generator(config)
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path))
    old = registry.save("gan_dense_mnist", dataclasses.asdict(config),
                        {LEGACY_WEIGHTS_FILE: lambda path: generator.save_weights(path)}, {"command": "test"})
    expected = gan.GeneratorInference(generator, config).generate(4, 3)
    np.testing.assert_array_equal(load_inference(old).generate(4, 3), expected)


def test_the_classroom_schedule_measures_the_fid_every_round(tmp_path, monkeypatch, quick_precise_bn):
    from studio import data
    from studio.techniques.gan.presets import CLASSROOM
    from studio.techniques.gan.recipe import train_gan

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    monkeypatch.setenv("STUDIO_NO_DOWNLOAD", "1")
    paths.set_data_dir(write_tiny_data(tmp_path / "data", test=20))
    data._load_cached.cache_clear()
    try:
        # A tiny run of the schedule: lecture 003's network, its own batch and optimiser, its fast weight
        # average, its tag in the record.
        bundle = train_gan(shipped_request("gan", variant="conv003_mnist", steps=2, schedule="classroom"), judge=False)
        with pytest.raises(ValueError, match="classroom schedule trains conv003_mnist"):
            train_gan(shipped_request("gan", variant="dense_mnist", steps=2, schedule="classroom"), judge=False)
    finally:
        paths.set_data_dir(None)
    training = bundle.metadata["training"]
    assert training["schedule"] == "classroom" and training["batch_size"] == CLASSROOM.batch_size
    assert f"Adam({CLASSROOM.learning_rate}, beta_1={CLASSROOM.beta_1})" in training["optimizer"]
    assert any(f"weight average (EMA {CLASSROOM.ema})" in trick for trick in training["tricks"])
    assert bundle.metadata["command"].endswith("--schedule classroom")
    assert bundle.config["architecture"] == "conv003" and bundle.config["latent"] == "uniform"


def test_the_train_buttons_classroom_schedule_trains_lecture_003s_gan_whichever_is_chosen():
    from studio.techniques.gan.presets import CLASSROOM, ROUND
    from studio.techniques.gan.service import GANService

    for chosen in ("dcgan_mnist", "dense_mnist"):
        quick = GANService().training_job(chosen, 3, False, "classroom")
        assert quick.argv[1:3] == ("--variant", CLASSROOM.variant) and "--schedule" in quick.argv
        assert f"{CLASSROOM.rounds * ROUND:,} steps" in quick.title
    assert GANService().training_job("dcgan_mnist", 3, False).argv[3:5] == ("--steps", str(3 * ROUND))
    with pytest.raises(UserError, match="Unknown"):
        GANService().training_job("biggan", 3, False, "classroom")


def test_lecture_003s_networks_have_the_lectures_shapes_and_uniform_noise():
    from studio.techniques.gan import model as gan

    config = gan.conv003_config()
    generator, discriminator = gan.build_generator(config), gan.build_discriminator(config)
    # G: Dense 32 -> 3136 (+ BN), Conv2DTranspose 64 -> 32 and 32 -> 16 (5x5, + BN), Conv2D 16 -> 1 (5x5)
    assert generator.count_params() == (32 * 3136 + 3136) + 4 * 3136 + (25 * 64 * 32 + 32) + 4 * 32 \
        + (25 * 32 * 16 + 16) + 4 * 16 + (25 * 16 + 1)
    # D: Conv 1 -> 64 -> 128 -> 256 (5x5, stride 2: 28 -> 14 -> 7 -> 4), Dense 4 * 4 * 256 -> 1
    assert discriminator.count_params() == (25 * 64 + 64) + (25 * 64 * 128 + 128) + (25 * 128 * 256 + 256) \
        + (4 * 4 * 256 + 1)
    images = generator(np.zeros((2, 32), np.float32))
    assert tuple(images.shape) == (2, 28, 28, 1) and -1.0 <= float(np.min(images)) <= float(np.max(images)) <= 1.0
    codes = gan.latent_codes(config, 1000, 3)
    assert codes.shape == (1000, 32) and -1.0 <= codes.min() < -0.99 and 0.99 < codes.max() <= 1.0
    np.testing.assert_array_equal(codes, gan.latent_codes(config, 1000, 3))


def test_the_recipe_refuses_unknown_variants():
    with pytest.raises(ValueError, match="option 'variant' cannot be 'stylegan'; choose one of dcgan_mnist"):
        shipped_request("gan", variant="stylegan")


def test_samples_and_walk(service):
    picture, images = service.samples("dense_mnist", 50, 7)
    assert picture.ndim == 2 and images.shape == (50, 28, 28)
    judged = service.judged_draw("dense_mnist", 7)
    assert judged.shape == (1000, 28, 28)
    # the shown samples are the first of the judge's draw, and a smaller grid the first of those
    assert np.array_equal(images, judged[:50])
    assert np.array_equal(service.samples("dense_mnist", 3, 7)[1], images[:3])
    walk, frames = service.walk("dcgan_ankle_boot", 1, 2, 5)
    assert frames.shape == (5, 28, 28) and walk.ndim == 3


def test_a_click_readout_judges_its_own_samples_and_the_model_once(service, monkeypatch):
    """The judge's readout after a Generate click: the model's 1,000 samples are drawn and judged
    once (the fixed seed, for everyone); each click judges only the samples it showed."""
    from studio.judge.quality import MODEL_SEED
    from studio.techniques.gan.service import EVAL_SAMPLES

    quality, drawn, judged_draw = counting_quality(), [], service.judged_draw
    monkeypatch.setattr(service, "judged_draw", lambda variant, seed: drawn.append(seed) or judged_draw(variant, seed))
    readouts = {}
    for seed in (7, 8):
        _, shown = service.samples("dense_mnist", 20, seed)  # the click
        readouts[seed] = service.readout(quality, "dense_mnist", 20, seed)  # its readout
        assert np.array_equal(readouts[seed].shown, quality.classify("mnist", shown))
    assert drawn == [MODEL_SEED] and quality.model_reports_computed == 1
    assert quality.calls == [EVAL_SAMPLES, 20, 20, 20, 20]  # the model once; each click's 20 (and the check's)
    assert readouts[7].model is readouts[8].model and readouts[7].model.samples == EVAL_SAMPLES
    assert readouts[8].seed == 8 and readouts[8].model_seed == MODEL_SEED and len(readouts[8].shown) == 20
    later = service.readout(quality, "dense_mnist", 5, 9)  # a readout without its click draws its own 5
    assert len(later.shown) == 5 and drawn == [MODEL_SEED]


def test_nearest_training_images(service):
    picture = service.nearest("dense_mnist", 12, 0)
    # two rows of samples, each above a row of their neighbours: 4 labelled rows of 10 columns
    assert picture.ndim == 3 and picture.shape[0] > picture.shape[1] * 4 // 10 * 0.9


def test_which_is_real_game(service):
    round_ = service.game_round("dense_mnist", 5)
    assert len(round_.is_fake) == 8 and sum(round_.is_fake) == 4
    again = service.game_round("dense_mnist", 5)  # a round is a pure function of its seed
    assert again.is_fake == round_.is_fake and np.array_equal(again.picture, round_.picture)
    truth = [str(k + 1) for k, fake in enumerate(round_.is_fake) if fake]
    perfect = service.check_answer(round_, truth)
    assert (perfect.correct, perfect.fakes_found, perfect.total) == (8, 4, 8)
    assert perfect.picture.shape[0] > round_.picture.shape[0]  # the truth strip under the images
    none_picked = service.check_answer(round_, [])
    assert none_picked.correct == 4 and none_picked.fakes_found == 0  # all reals right, all fakes missed
    with pytest.raises(UserError, match="numbered 1 to 8"):
        service.check_answer(round_, ["9"])
    with pytest.raises(UserError, match="New round"):
        service.check_answer(None, ["1"])


@pytest.mark.parametrize("call, message", [
    (lambda s: s.samples("dense_mnist", 0, 1), "between 1 and 100"),
    (lambda s: s.samples("dense_mnist", 101, 1), "between 1 and 100"),
    (lambda s: s.samples("dense_mnist", float("nan"), 1), "between 1 and 100"),
    (lambda s: s.samples("dense_mnist", 5, -1), "zero or more"),
    (lambda s: s.samples("dense_mnist", 5, 1.5), "whole number"),
    (lambda s: s.walk("dense_mnist", 1e300, 2, 5), "at most"),
    (lambda s: s.samples("nope", 5, 1), "Unknown generator"),
    (lambda s: s.walk("dense_mnist", 1, 2, 1), "between 2 and 24"),
    (lambda s: s.nearest("dense_mnist", 51, 0), "between 1 and 50"),
])
def test_bad_inputs_get_clear_messages(service, call, message):
    check_refusal(service, call, message)


def test_missing_weights_are_explained(monkeypatch, tmp_path):
    from studio.bundles.registry import WeightsUnavailableError
    from studio.techniques.gan.service import GANService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "empty"))
    with pytest.raises(WeightsUnavailableError, match="gan_dcgan_mnist"):
        GANService().samples("dcgan_mnist", 5, 0)


def test_the_generator_is_traced_once_for_every_sample_count():
    from studio.techniques.gan.model import GANConfig, GeneratorInference, build_generator

    config = GANConfig(architecture="dense", latent_dim=8)
    inference = GeneratorInference(build_generator(config), config)
    for n in (1, 3, 7, 50, 2):
        assert inference.generate(n, seed=n).shape == (n, 28, 28)
    assert inference._forward.experimental_get_tracing_count() == 1


# --- the GAN's figures (studio.techniques.gan.plots) ----------------------------------------------------
def test_the_gan_training_record_draws_losses_and_the_fid_curve():
    history = {"d_loss": [0.7, 0.68, 0.67], "g_loss": [0.65, 0.7, 0.72]}
    with_fid = plots.gan_record(history, 100, [100, 300], [80.0, 30.0], 4.5, lang="ko")
    without = plots.gan_record(history, 100, [], [], None)
    assert with_fid.shape == without.shape and with_fid.dtype == np.uint8
    assert not np.array_equal(with_fid, without)


def test_the_streamed_gan_curve_adds_the_judges_fid_when_read_every_round():
    history = {"d_loss": [0.7, 0.68, 0.67], "g_loss": [0.65, 0.7, 0.72]}
    with_fid = plots.gan_curves({**history, "fid": [400.0, 120.0, 60.0]}, 100, lang="ko")
    without = plots.gan_curves(history, 100, lang="ko")
    assert with_fid.shape == without.shape and not np.array_equal(with_fid, without)


def test_each_gan_sub_tabs_training_panel_sits_in_its_own_sub_tab():
    """The GAN tab's own panel sits in its samples sub-tab, InfoGAN's and the colour DCGAN's in theirs:
    a sub-tab never shows two panels both called "Training"."""
    import gradio as gr

    from studio.techniques import colour_gan, gan, infogan
    from studio.training.jobs import TrainingJobs
    from studio.ui.kit.context import TabContext
    from studio.ui.kit.i18n import Translator
    from studio.ui.kit.jobs import SessionJobs

    with gr.Blocks() as demo:
        ctx = TabContext(Translator("en"), gr.State("en"), SessionJobs(), TrainingJobs(), None)
        refreshes = ctx.build_tabs([gan.TECHNIQUE, infogan.TECHNIQUE, colour_gan.TECHNIQUE])
    assert len(refreshes) == 3  # the GAN tab's, then its children's (shipped weights: both built)
    config = demo.get_config_file()
    components = {c["id"]: c for c in config["components"]}
    parents = {}

    def walk(node):
        for child in node.get("children", []):
            parents[child["id"]] = node["id"]
            walk(child)

    walk(config["layout"])

    def sub_tab_of(elem_id):
        node = next(i for i, c in components.items() if c["props"].get("elem_id") == elem_id)
        while components[node]["type"] != "tabitem":
            node = parents[node]
        return components[node]["props"].get("id") or components[node]["props"]["label"]

    assert sub_tab_of("gan-training") == "Samples"
    assert sub_tab_of("infogan-training") == "infogan"
    assert sub_tab_of("colour-training") == "gan-colour"


def test_the_games_rounds_are_signed_tickets_the_pages_hold_and_a_spent_one_is_refused():
    """A round is its generator, a seed and an id (drawn again for its Check), held by the page as a signed
    token: the server keeps none (no flood of rounds pushes another page's out), a forged, altered, old or
    spent token names no round, the token does not carry the seed, and a page's score and picks are checked
    as they come."""
    from studio.checks import UserError
    from studio.techniques.gan import game

    rounds = game.RoundTickets(spent_limit=2)
    issued = [rounds.issue("dcgan_mnist") for _ in range(5)]
    tokens, tickets = [t for t, _ in issued], [k for _, k in issued]
    assert len(set(tokens)) == 5 and len({k.seed for k in tickets}) == 5
    assert all(0 <= k.seed < 2**31 and k.variant == "dcgan_mnist" for k in tickets)
    assert all(str(k.seed) not in t for t, k in issued)
    assert [rounds.open(t) for t in tokens] == tickets  # every round still open: none was pushed out
    assert game.RoundTickets().open(tokens[0]) is None  # another server's key
    shared = game.RoundTickets(b"the class's key").issue("dense_mnist")  # a class's studios share their key
    assert game.RoundTickets(b"the class's key").open(shared[0]) == shared[1]
    assert rounds.open(tokens[0][:-2] + ("AA" if not tokens[0].endswith("AA") else "BB")) is None
    assert rounds.open(["not", "a", "token"]) is None and rounds.open(None) is None and rounds.open("x" * 500) is None
    rounds.spend(tickets[4])
    assert rounds.open(tokens[4]) is None and rounds.open(tokens[3]) == tickets[3]
    for ticket in tickets[:3]:  # only the newest spent_limit spent rounds are remembered
        rounds.spend(ticket)
    assert rounds.open(tokens[2]) is None and rounds.open(tokens[0]) == tickets[0] and rounds.open(tokens[4]) == tickets[4]
    old = game.RoundTickets(max_age_s=-1)
    assert old.open(old.issue("dcgan_mnist")[0]) is None
    assert game.score_of({"score": {"rounds": 2, "correct": 9, "shown": 16}}) == {"rounds": 2, "correct": 9, "shown": 16}
    for forged in ({"rounds": 1, "correct": 9, "shown": 8}, {"rounds": -1, "correct": 0, "shown": 0}, "lots", None):
        assert game.score_of({"score": forged}) == {"rounds": 0, "correct": 0, "shown": 0}
    assert game.language({"lang": "ko"}) == "ko" and game.language({"lang": "<b>"}) == game.DEFAULT_LANGUAGE
    with pytest.raises(UserError, match="Pick images by their numbers"):
        game.picks_of({"picks": "1,2"})
    assert "&lt;b&gt;" in game.words_html("**3/8** <b>right</b>") and "<strong>3/8</strong>" in game.words_html("**3/8**")
