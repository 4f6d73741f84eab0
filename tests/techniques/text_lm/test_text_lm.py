"""The text tab's model, baseline, data loader, recipe and service, on tiny configurations."""

from __future__ import annotations

import dataclasses
import gzip
import json

import numpy as np
import pytest

from studio.bundles import weight_files
from studio.techniques.text_lm.presets import STORAGES
from studio.techniques.text_lm import model as text_lm
from studio.techniques.text_lm.model import TextLMConfig, reweight_distribution
from studio.training import RunContext
from studio.training.request import from_command
from training_requests import shipped_request, user_request

TINY = TextLMConfig(vocab_size=40, sequence_length=8, embed_dim=16, dense_dim=32, num_heads=2)
WORDS = ["", "[UNK]"] + [f"w{i}" for i in range(38)]


@pytest.fixture(scope="module")
def tiny_model():
    import keras

    keras.utils.set_random_seed(1)
    return text_lm.make_language_model(TINY)


@pytest.fixture(scope="module")
def tiny_generator(tiny_model):
    return text_lm.TextGenerator(tiny_model, text_lm.WordTokenizer(WORDS))


# --- code 12-1 ---------------------------------------------------------------------------------------
def test_reweight_at_temperature_one_is_the_identity():
    p = np.random.default_rng(0).dirichlet(np.ones(50))
    np.testing.assert_allclose(reweight_distribution(p, 1.0), p, rtol=1e-12)


@pytest.mark.parametrize("t", [0.05, 0.2, 0.7, 1.0, 1.5, 5.0])
def test_reweighted_distributions_sum_to_one(t):
    p = np.random.default_rng(1).dirichlet(np.ones(1000) * 0.1)
    q = reweight_distribution(p, t)
    assert abs(q.sum() - 1) < 1e-9 and (q >= 0).all()


def test_lower_temperature_lowers_entropy_and_keeps_the_order():
    p = np.random.default_rng(2).dirichlet(np.ones(200))
    entropies = [text_lm.entropy_bits(reweight_distribution(p, t)) for t in (0.2, 0.5, 1.0, 1.5, 3.0)]
    assert entropies == sorted(entropies)
    assert (np.argsort(reweight_distribution(p, 0.3)) == np.argsort(p)).all()


def test_reweight_rejects_non_positive_temperatures():
    with pytest.raises(ValueError):
        reweight_distribution(np.array([0.5, 0.5]), 0.0)


def test_reweight_survives_zero_probabilities():
    q = reweight_distribution(np.array([0.0, 0.25, 0.75]), 0.2)
    assert q[0] == 0 and abs(q.sum() - 1) < 1e-12


# --- the model ----------------------------------------------------------------------------------------
def test_future_tokens_do_not_change_earlier_logits(tiny_model):
    rng = np.random.default_rng(3)
    a = rng.integers(2, 40, (1, 8)).astype(np.int32)
    b = a.copy()
    b[0, 5:] = rng.integers(2, 40, 3)
    la, lb = tiny_model(a).numpy(), tiny_model(b).numpy()
    np.testing.assert_allclose(la[0, :5], lb[0, :5], atol=1e-5)
    assert np.abs(la[0, 5:] - lb[0, 5:]).max() > 1e-4


def test_dropout_acts_in_training_only_and_cached_generation_ignores_it():
    import keras

    keras.utils.set_random_seed(0)
    model = text_lm.make_language_model(dataclasses.replace(TINY, dropout=0.5))
    tokens = np.random.default_rng(5).integers(2, 40, (2, 8)).astype(np.int32)
    np.testing.assert_allclose(model(tokens).numpy(), model(tokens).numpy())  # inference: no dropout
    assert np.abs(model(tokens, training=True).numpy() - model(tokens).numpy()).max() > 1e-3
    generator = text_lm.TextGenerator(model, text_lm.WordTokenizer(WORDS))
    ids = tokens[0, :5].tolist()
    np.testing.assert_allclose(generator.next_logits(ids), model(np.asarray([ids], np.int32)).numpy()[0, -1],
                               rtol=1e-4, atol=1e-4)


def test_padding_is_excluded_from_the_loss():
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(2, 6, 10)).astype(np.float32)
    targets = rng.integers(1, 10, (2, 6)).astype(np.int32)
    padded = targets.copy()
    padded[:, 4:] = text_lm.PAD
    other = logits.copy()
    other[:, 4:] = rng.normal(size=(2, 2, 10)) * 50  # anything at the padded positions
    on_prefix = float(text_lm.masked_cross_entropy(targets[:, :4], logits[:, :4]))
    assert float(text_lm.masked_cross_entropy(padded, logits)) == pytest.approx(on_prefix, rel=1e-5)
    assert float(text_lm.masked_cross_entropy(padded, other)) == pytest.approx(on_prefix, rel=1e-5)


def test_training_step_runs_and_ignores_padding(tiny_model):
    import keras

    model = text_lm.make_language_model(TINY)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    x, y = text_lm.windows(list(range(2, 30)), 8)
    logs = model.fit(x, y, epochs=1, batch_size=4, verbose=0).history
    assert np.isfinite(logs["loss"][0])


def test_windows_cover_every_next_word():
    x, y = text_lm.windows([5, 6, 7, 8, 9], 3)
    assert x.tolist() == [[5, 6, 7], [8, 0, 0]] and y.tolist() == [[6, 7, 8], [9, 0, 0]]
    assert text_lm.windows([5], 3)[0].shape == (0, 3)


@pytest.mark.parametrize("n", [2, 5, 11, 12, 30])
def test_sliding_windows_score_each_word_once_with_more_context(n):
    ids = list(range(1, n + 1))
    x, y = text_lm.sliding_windows(ids, 6, 3)
    plain = text_lm.windows(ids, 6)[1]
    assert sorted(y[y != 0].tolist()) == sorted(plain[plain != 0].tolist())  # the same targets, once each
    rows, cols = np.nonzero(y)
    assert (x[rows, cols] == y[rows, cols] - 1).all()  # each target follows its own word
    assert (cols[rows > 0] >= 3).all()  # after the first window: at least stride words of context
    with pytest.raises(ValueError, match="stride"):
        text_lm.sliding_windows(ids, 6, 7)


# --- generation ---------------------------------------------------------------------------------------
def test_cached_generation_matches_rerunning_the_model(tiny_model, tiny_generator):
    prompt = [5, 9, 3]
    fast = tiny_generator.generate(prompt, 12, [0.0], seed=0)[0].tolist()  # past the 8-token window
    ids, slow = list(prompt), []
    for _ in range(12):
        logits = tiny_model(np.array([ids[-8:]], np.int32)).numpy()[0, -1]
        logits[text_lm.PAD] = -np.inf
        ids.append(int(np.argmax(logits)))
        slow.append(ids[-1])
    assert fast == slow
    np.testing.assert_allclose(tiny_generator.next_logits(prompt),
                               tiny_model(np.array([prompt], np.int32)).numpy()[0, -1], atol=1e-5)


def test_tied_output_layer_shares_the_embedding_matrix(tmp_path):
    """--tie-embeddings: one V x D matrix fewer, the head's logits are hidden @ E^T + b, it trains,
    saves, reloads, and the cached generator reads it as the full model does."""
    import keras

    tied_config = dataclasses.replace(TINY, tied_embeddings=True)
    keras.utils.set_random_seed(3)
    tied = text_lm.make_language_model(tied_config)
    untied = text_lm.make_language_model(TINY)
    assert untied.count_params() - tied.count_params() == TINY.vocab_size * TINY.embed_dim
    assert len(tied.get_weights()) == len(tied.weights)  # the shared matrix is listed once

    prompt = np.array([[5, 9, 3, 7]], np.int32)
    hidden = tied.backbone(prompt).numpy()
    matrix = tied.get_layer("positional_embedding").token_embeddings.embeddings.numpy()
    np.testing.assert_allclose(tied(prompt).numpy(), hidden @ matrix.T + tied.head.bias.numpy(), atol=1e-5)
    generator = text_lm.TextGenerator(tied, text_lm.WordTokenizer(WORDS))
    np.testing.assert_allclose(generator.next_logits([5, 9, 3, 7]), tied(prompt).numpy()[0, -1], atol=1e-5)

    x = np.tile(np.arange(2, 10, dtype=np.int32), (8, 1))
    y = np.roll(x, -1, axis=1)
    tied.compile(optimizer=keras.optimizers.Adam(1e-2))
    before = tied.evaluate(x, y, verbose=0)
    tied.fit(x, y, epochs=20, verbose=0)
    assert tied.evaluate(x, y, verbose=0) < before / 2
    after = tied.get_layer("positional_embedding").token_embeddings.embeddings.numpy()
    assert not np.allclose(after, matrix)  # the head's gradient reaches the shared matrix

    weight_files.save_weights(tied, tmp_path / "w.npz")
    reloaded = text_lm.make_language_model(tied_config)
    weight_files.load_weights(reloaded, tmp_path / "w.npz")
    np.testing.assert_allclose(reloaded(prompt).numpy(), tied(prompt).numpy(), atol=0.05)


def test_sampling_is_deterministic_by_seed(tiny_generator):
    first = tiny_generator.generate([4, 5], 20, [1.5, 1.0], seed=7)
    assert (first == tiny_generator.generate([4, 5], 20, [1.5, 1.0], seed=7)).all()
    assert (first != tiny_generator.generate([4, 5], 20, [1.5, 1.0], seed=8)).any()
    # Rows share their random draws: a row does not depend on the other rows of the batch.
    assert (first[1] == tiny_generator.generate([4, 5], 20, [1.0], seed=7)[0]).all()
    assert (first != text_lm.PAD).all()


def test_top_k_one_is_greedy(tiny_generator):
    greedy = tiny_generator.generate([4, 5], 10, [0.0], seed=0)
    assert (tiny_generator.generate([4, 5], 10, [1.5], seed=3, top_k=1) == greedy).all()
    assert (tiny_generator.generate([4, 5], 10, [1.5], seed=3, top_p=1e-6) == greedy).all()


def test_repeated_ngram_share():
    assert text_lm.repeated_ngram_share([1, 2, 3, 4]) == 0
    assert text_lm.repeated_ngram_share([1, 2, 3, 1, 2, 3]) == pytest.approx(1 / 4)


# --- tokenisers and storage ---------------------------------------------------------------------------
def test_word_tokenizer_matches_text_vectorization():
    from keras import layers

    texts = ["This movie's GREAT!! (really) -- 10/10, I'd watch it again.", "Ça va? naïve café-goers",
             "tabs\tand  spaces", "[UNK] stays unknown"]
    vocab = ["", "[UNK]", "this", "movies", "great", "really", "1010", "id", "watch", "it", "again", "naïve"]
    layer = layers.TextVectorization(output_mode="int", vocabulary=vocab[2:])
    assert layer.get_vocabulary() == vocab
    tokenizer = text_lm.WordTokenizer(vocab)
    for text in texts[:3]:
        expected = [i for i in layer([text]).numpy()[0].tolist() if i != 0]
        assert tokenizer.encode(text) == expected, text
    assert tokenizer.encode("[UNK] this") == [text_lm.UNK, 2]


def test_tokenizer_round_trip_with_the_shipped_vocabulary():
    from studio import paths

    path = paths.pretrained_dir() / "text_lm" / "vocabulary.json"
    if not path.is_file():
        pytest.skip("no shipped text_lm bundle yet")
    vocabulary = json.loads(path.read_text(encoding="utf-8"))
    assert len(vocabulary) == 15000 and vocabulary[:2] == ["", "[UNK]"]
    tokenizer = text_lm.WordTokenizer(vocabulary)
    ids = np.random.default_rng(0).integers(1, len(vocabulary), 500).tolist()
    assert tokenizer.encode(tokenizer.decode(ids)) == ids
    assert tokenizer.decode(tokenizer.encode("This movie was great")) == "this movie was great"


def test_char_tokenizer_handles_korean():
    tokenizer = text_lm.CharTokenizer.fit("안녕하세요 여러분. 안녕!")
    ids = tokenizer.encode("안녕 여러분")
    assert text_lm.UNK not in ids and tokenizer.decode(ids) == "안녕 여러분"
    assert tokenizer.encode("x") == [text_lm.UNK]


def test_int8_storage_is_close_and_half_the_size():
    rng = np.random.default_rng(5)
    weights = [rng.normal(size=(4000, 256)).astype(np.float32) * 0.05, rng.normal(size=(16,)).astype(np.float32)]
    back = weight_files.rounded_weights(weights, STORAGES["int8"])
    assert np.abs(back[0] - weights[0]).max() < 0.002 and back[1].dtype == np.float32
    stored = weight_files.encode_weights(weights, STORAGES["int8"])
    assert stored["q000"].dtype == np.int8 and stored["w001"].dtype == np.float16


# --- the bigram baseline ------------------------------------------------------------------------------
def test_kneser_ney_bigram_is_a_distribution():
    rng = np.random.default_rng(6)
    x, y = text_lm.windows(rng.integers(1, 30, 500).tolist(), 10)
    bigram = text_lm.KneserNeyBigram(x, y, 30)
    for context in (2, 17, 29):  # seen contexts; the padding token gets nothing
        probs = bigram.probability(np.full(30, context), np.arange(30))
        assert probs.sum() == pytest.approx(1.0, abs=1e-9) and probs[0] == 0
    assert 1 < bigram.perplexity(x, y) < 30


# --- data -----------------------------------------------------------------------------------------------
REVIEWS = ["This movie was great.<br /><br />I loved it", "Terrible film, bad acting", "A fine movie with a plot"]


def write_imdb(folder, n=60):
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "imdb_reviews.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("label\ttext\n")
        for i in range(n):
            f.write(f"{i % 2}\t{REVIEWS[i % 3]} number {i} and more words about this movie\n")
    return folder


def test_imdb_loader_cleans_and_splits(tmp_path):
    from studio import data, paths
    from studio.techniques.text_lm import corpus

    paths.set_data_dir(write_imdb(tmp_path / "d"))
    train, val = corpus.load_imdb_texts(0.1, seed=0)
    assert len(train) == 54 and len(val) == 6 and not set(train) & set(val)
    assert all("<br />" not in t and "  " not in t for t in train + val)
    assert data.imdb_source().endswith("imdb_reviews.tsv.gz")


def test_imdb_loader_reads_the_keras_cache(tmp_path, monkeypatch):
    from studio import data

    root = tmp_path / "keras_home" / "datasets" / "aclImdb" / "train"
    for label in ("pos", "neg"):
        (root / label).mkdir(parents=True)
        (root / label / "0_7.txt").write_text(f"{label} review<br />here", encoding="utf-8")
    assert data.imdb_reviews() == ("pos review here", "neg review here")
    assert data.imdb_source() == "Keras cache"


def test_imdb_loader_explains_what_to_do_offline():
    from studio import data
    from studio.techniques.text_lm import corpus

    with pytest.raises(data.DataUnavailableError, match="STUDIO_NO_DOWNLOAD=1.*--data-dir"):
        corpus.load_imdb_texts()


def test_the_next_word_bars_draw_one_row_per_word():
    from studio.techniques.text_lm.plots import next_word_bars

    few = next_word_bars(["a", "b"], np.array([0.6, 0.4]), np.array([0.9, 0.1]), ("before", "after"))
    many = next_word_bars(list("abcdefghij"), np.full(10, 0.1), np.full(10, 0.1), ("before", "after"))
    assert few.dtype == np.uint8 and few.ndim == 3 and few.shape[2] == 3
    assert many.shape[0] > few.shape[0] and many.shape[1] == few.shape[1]  # taller, as wide


# --- recipe and service ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    """A text_lm bundle trained for one pass of 60 synthetic reviews, in a temporary pretrained/."""
    from studio import data, paths
    from studio.techniques.text_lm import recipe as recipe

    root = tmp_path_factory.mktemp("text")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_PRETRAINED_DIR", str(root / "pretrained"))
        mp.setenv("STUDIO_NO_DOWNLOAD", "1")
        mp.setattr(recipe, "CURVE_REVIEWS", 3)
        mp.setattr(recipe, "SEGMENTS", 2)
        paths.set_data_dir(write_imdb(root / "data"))
        data._imdb_cached.cache_clear()
        bundle = recipe.train_text_lm(shipped_request("text", storage="int8"),
                                      config=TextLMConfig(vocab_size=100, embed_dim=16, dense_dim=32))
        paths.set_data_dir(None)
    return root / "pretrained", bundle


def test_recipe_saves_weights_vocabulary_and_both_perplexities(tiny_bundle):
    _, bundle = tiny_bundle
    metrics = bundle.metadata["metrics"]
    assert metrics["val_perplexity"] > 1 and metrics["bigram_val_perplexity"] > 1
    assert len(bundle.metadata["training"]["history"]["val_perplexity"]) == 2
    vocabulary = json.loads(bundle.path("vocabulary.json").read_text(encoding="utf-8"))
    assert vocabulary[:2] == ["", "[UNK]"] and bundle.config["vocab_size"] == len(vocabulary)
    assert from_command(bundle.metadata["command"]) == shipped_request("text", storage="int8")
    assert metrics["val_perplexity_sliding"] > 1
    assert metrics["ratio_to_bigram_sliding"] == pytest.approx(
        metrics["val_perplexity_sliding"] / metrics["bigram_val_perplexity"], rel=1e-3)


def test_reassessment_reproduces_the_recorded_perplexity(tiny_bundle, monkeypatch):
    from studio import data, paths
    from studio.techniques.text_lm import recipe as recipe

    root, bundle = tiny_bundle
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(root))
    monkeypatch.setenv("STUDIO_NO_DOWNLOAD", "1")
    paths.set_data_dir(root.parent / "data")
    data._imdb_cached.cache_clear()
    try:
        again = recipe.reassess_text_lm(shipped_request("text", assess_only=True))
    finally:
        paths.set_data_dir(None)
        data._imdb_cached.cache_clear()
    before, after = bundle.metadata["metrics"], again.metadata["metrics"]
    assert after["val_perplexity"] == pytest.approx(before["val_perplexity"], rel=1e-3)
    assert after["val_perplexity_sliding"] == pytest.approx(before["val_perplexity_sliding"], rel=1e-3)
    assert again.path("model.weights.npz").read_bytes() == bundle.path("model.weights.npz").read_bytes()
    assert again.metadata["metrics_command"] == "python -m studio.train text --assess-only"


@pytest.fixture
def service(tiny_bundle, monkeypatch):
    from studio.techniques.text_lm.service import TextService

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tiny_bundle[0]))
    return TextService()


def test_service_generates_side_by_side_deterministically(service):
    prompt, rows = service.generate("This movie", 12, ["0.2", "1.0", "greedy"], seed=3)
    assert [r.temperature for r in rows] == [0.2, 1.0, 0.0] and prompt.unknown == []
    again = service.generate("This movie", 12, [0.2, 1.0, "greedy"], seed=3)[1]
    assert [r.text for r in rows] == [r.text for r in again]
    assert all(0 <= r.repeated_3grams <= 1 and r.text for r in rows)


@pytest.mark.parametrize("prompt, message", [
    ("", "Type a prompt"),
    ("   ", "Type a prompt"),
    ("!!! ...", "no words left"),
    ("zzzq qqxv", "None of the prompt's words"),
    ("movie " * 500, "keep it under"),
])
def test_bad_prompts_give_clear_messages(service, prompt, message):
    from studio.checks import UserError

    with pytest.raises(UserError, match=message):
        service.generate(prompt, 5, [1.0], 0)


def test_long_prompts_keep_the_last_window_and_unknown_words_are_reported(service):
    prompt, _ = service.generate("this movie " * 100 + " qqxv", 3, [1.0], 0)
    assert prompt.truncated > 0 and len(prompt.ids) == 100 and prompt.unknown == ["qqxv"]


@pytest.mark.parametrize("temperature", [0, -1, "0", float("nan"), "hot", 50])
def test_bad_temperatures_give_clear_messages(service, temperature):
    from studio.checks import UserError

    with pytest.raises(UserError, match="temperature|Temperature"):
        service.generate("This movie", 5, [temperature], 0)
    with pytest.raises(UserError, match="temperature|Temperature"):
        service.distribution("This movie", temperature, 10)


def test_the_distribution_bars_are_titled_in_the_interface_language(service):
    from studio.media import plots

    english = service.distribution("This movie", 0.7, 10, "en")
    korean = service.distribution("This movie", 0.7, 10, "ko")
    assert np.array_equal(english["after"], korean["after"])  # the same numbers, other words
    assert (english["picture"].shape != korean["picture"].shape
            or not np.array_equal(english["picture"], korean["picture"])) == plots.HANGUL_READY


def test_distribution_viewer_and_one_word_at_a_time(service):
    cold = service.distribution("This movie", 0.2, 10)
    hot = service.distribution("This movie", 1.5, 10)
    assert cold["entropy_after"] < cold["entropy_before"] < hot["entropy_after"]
    assert cold["picture"].ndim == 3 and len(cold["words"]) == 10
    longer = service.next_word("This movie", 1.0, seed=0, step=0)
    assert longer.startswith("This movie ") and len(longer.split()) == 3
    assert longer == service.next_word("This movie", 1.0, seed=0, step=0)


# --- training on a student's own text -----------------------------------------------------------------
KOREAN = "옛날 옛적에 호랑이가 살았습니다. 호랑이는 떡을 좋아했습니다. 어느 날 할머니가 떡을 팔러 갔습니다. " * 40


def test_own_text_trains_a_character_model_on_korean(tmp_path, monkeypatch):
    from studio import train
    from studio.techniques.text_lm import recipe as recipe
    from studio.techniques.text_lm.service import OwnTextService
    from studio.training import CancelToken

    tiny = TextLMConfig(vocab_size=200, sequence_length=16, embed_dim=16, dense_dim=32, level="char")
    monkeypatch.setattr(recipe, "OWN_CONFIG", tiny)
    file = tmp_path / "story.txt"
    file.write_text(KOREAN, encoding="utf-8")
    service = OwnTextService()
    assert not service.trained()
    spec = service.training_job(str(file), 2, False)  # what the tab's Train button puts in line
    assert spec.argv == ("text-own", "--file", str(file), "--epochs", "2", "--to", "user")
    reports = []
    # The worker runs exactly this (studio.train.run), here in-process to use the tiny network.
    train.run(spec.request, RunContext(on_progress=lambda f, m: reports.append(m), cancel=CancelToken()))
    status = service.status()
    assert service.trained() and status["level"] == "char"
    assert any("T=0.5" in m and "옛날" in m for m in reports)  # a sample after each epoch
    out = service.sample("호랑이", 10, 0.5, seed=1)
    assert out.startswith("호랑이") and len(out) == 13
    assert out == service.sample("호랑이", 10, 0.5, seed=1)


def test_own_text_stop_keeps_the_previous_model(tmp_path):
    from studio.techniques.text_lm.recipe import train_own_text
    from studio.training import CancelToken, TrainingCancelled

    token = CancelToken()
    token.cancel()
    tiny = TextLMConfig(vocab_size=200, sequence_length=16, embed_dim=16, dense_dim=32, level="char")
    file = tmp_path / "story.txt"
    file.write_text(KOREAN, encoding="utf-8")
    with pytest.raises(TrainingCancelled):
        train_own_text(user_request("text-own", file=str(file), epochs=2), RunContext(cancel=token), config=tiny)
    from studio.bundles import registry

    assert not registry.exists("text_own", registry.USER)


def test_own_text_uploads_are_checked(tmp_path):
    from studio.checks import UserError
    from studio.techniques.text_lm.service import OwnTextService, read_text_upload

    with pytest.raises(UserError, match="Train a model on your text first"):
        OwnTextService().sample("abc", 5, 1.0, 0)
    with pytest.raises(UserError, match="Upload a .txt"):
        read_text_upload(None)
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(UserError, match="plain-text"):
        read_text_upload(tmp_path / "a.pdf")
    (tmp_path / "old.txt").write_bytes("한국어 텍스트".encode("cp949"))
    assert read_text_upload(tmp_path / "old.txt") == "한국어 텍스트"
    (tmp_path / "short.txt").write_text("too short", encoding="utf-8")
    from studio import train

    spec = OwnTextService().training_job(tmp_path / "short.txt", 1, False)
    with pytest.raises(ValueError, match="at least 2,000"):  # the worker reports it as the job's failure
        train.run(spec.request, RunContext())
