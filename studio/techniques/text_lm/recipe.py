"""Recipe for the text language model: ``python -m studio.train text [--epochs 1]``.

The Keras book's section 12.1 trains its decoder on the first 100 words of each IMDB review with
RMSprop for 200 epochs on a GPU. On a shared 2-core CPU this recipe instead:

- cuts every review into consecutive 100-token windows (``text_lm.windows``), so one pass over the
  data predicts every word of every review, not just the first 100;
- uses Adam with a short warm-up and a cosine decay over the whole run, so a single pass ends
  settled rather than mid-descent;
- holds out 10% of the reviews, on which it measures the perplexity of the network and of an
  interpolated Kneser-Ney bigram model with the same vocabulary and targets.

The vocabulary is the book's ``TextVectorization`` (15,000 tokens, default standardisation) adapted
on the training reviews; it is shipped as ``vocabulary.json`` next to the weights, and the studio
tokenises prompts with ``text_lm.WordTokenizer`` (plain Python, same rules).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.bundles.writer import rewrite_metrics, write_bundle
from studio.serving.lazy_keras import keras, layers
from studio.techniques.text_lm import corpus
from studio.techniques.text_lm import model as text_lm
from studio.techniques.text_lm.presets import (
    NAME,
    OWN_CONFIG,
    OWN_NAME,
    STORAGES,
    load_generator,
)
from studio.training import (
    CancelToken,
    EpochFn,
    RunContext,
    RunOptions,
    fit,
)
from studio.training.request import TrainingRequest, option

DEFAULT_EPOCHS = 1
SEGMENTS = 5  # Keras "epochs" per pass over the data: a point on the training curve each
BATCH = 64
VALIDATION = 0.1
SLIDING_STRIDE = 50  # the sliding evaluation: every scored word sees at least 50 earlier words
CURVE_REVIEWS = 250  # validation reviews scored after every segment (all of them at the end)
PREVIEW_PROMPT = "This movie"


def vectorize(train_texts: list[str], texts_to_encode: list[list[str]], vocab_size: int):
    """The book's TextVectorization adapted on ``train_texts``: (vocabulary, [ragged id lists per list])."""
    tf = runtime.import_tensorflow()

    layer = layers.TextVectorization(max_tokens=vocab_size, output_mode="int")
    layer.adapt(tf.data.Dataset.from_tensor_slices(train_texts).batch(1024))
    vocabulary = [str(w) for w in layer.get_vocabulary()]
    encoded = []
    for texts in texts_to_encode:
        ids: list[list[int]] = []
        for i in range(0, len(texts), 1024):
            padded = layer(tf.constant(texts[i:i + 1024])).numpy()  # (n, longest), zero-padded
            ids.extend(row[row != 0].tolist() for row in padded)
        encoded.append(ids)
    return vocabulary, encoded


def windows_of(id_lists: list[list[int]], length: int) -> tuple[np.ndarray, np.ndarray]:
    """All training windows of many texts, stacked: (x, y), each (N, length)."""
    parts = [text_lm.windows(ids, length) for ids in id_lists if len(ids) > 1]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def sliding_perplexity(model, id_lists: list[list[int]], length: int) -> tuple[float, int]:
    """Perplexity over every next word of ``id_lists`` with ``text_lm.sliding_windows`` (stride
    SLIDING_STRIDE): the same targets as the training windows, each with at least half a window of
    context, as when the model generates."""
    parts = [text_lm.sliding_windows(ids, length, SLIDING_STRIDE) for ids in id_lists if len(ids) > 1]
    x, y = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    return text_lm.perplexity(model, x, y)


def perplexity_metrics(ppl: float, sliding: float, bigram_ppl: float) -> dict:
    """The headline numbers of a language model against its bigram baseline."""
    return {"val_perplexity": round(ppl, 3), "val_perplexity_sliding": round(sliding, 3),
            "bigram_val_perplexity": round(bigram_ppl, 3), "ratio_to_bigram": round(ppl / bigram_ppl, 3),
            "ratio_to_bigram_sliding": round(sliding / bigram_ppl, 3),
            "note": "perplexity = exp(mean cross-entropy per next word) over the held-out reviews' non-padding "
                    "targets; val_perplexity cuts each review into the non-overlapping 100-word training "
                    "windows (the first words of a window see little context); val_perplexity_sliding scores "
                    f"the same words with windows every {SLIDING_STRIDE} words, so each sees at least "
                    f"{SLIDING_STRIDE} words before it, as in generation. The bigram is interpolated "
                    "Kneser-Ney (d = 0.75) on the same windows and vocabulary; context beyond one word does "
                    "not change it"}


def storage_perplexities(model, x, y) -> dict[str, float]:
    """Perplexity on (x, y) with the weights as trained and after each storage's rounding."""
    original = model.get_weights()
    result = {"float32": round(text_lm.perplexity(model, x, y)[0], 3)}
    for storage in STORAGES:
        model.set_weights(weight_files.rounded_weights(original, STORAGES[storage]))
        result[storage] = round(text_lm.perplexity(model, x, y)[0], 3)
    model.set_weights(original)
    return result


def _epoch_hooks(model, x, y, samples: list, on_epoch: EpochFn | None, label: str, of: str):
    """What both recipes hand ``training.fit`` for their epochs: ``(extra_logs, on_epoch, describe)``. An
    epoch's logs gain the validation perplexity on (x, y); its preview sample is kept in ``samples`` for
    metadata.json; its line quotes both, as the book's callback prints them (``of``: "segment 3/12")."""

    def measured(epoch, logs) -> dict:
        return {"val_perplexity": text_lm.perplexity(model, x, y)[0]}

    def noted(epoch, logs, sample) -> None:
        samples.append(sample)
        if on_epoch is not None:
            on_epoch(epoch, logs, None)  # the UI's curves: the sample is in the epoch's line

    def describe(epoch, logs) -> str:
        line = f"{label} · {of.format(epoch + 1)} · loss {logs.get('loss', float('nan')):.3f}"
        if "val_perplexity" in logs and len(samples) > epoch:  # the epoch's end
            line += f" · validation perplexity {logs['val_perplexity']:.2f} · “{samples[epoch]}”"
        return line

    return measured, noted, describe


def _compiled_model(config, learning_rate: float, total_steps: int):
    """(the language model compiled with Adam, a warm-up to ``learning_rate`` then cosine decay; the warm-up's
    steps)."""
    model = text_lm.make_language_model(config)
    warmup = min(300, total_steps // 10 + 1)
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate / 10, decay_steps=max(total_steps - warmup, 1), alpha=0.01,
        warmup_target=learning_rate, warmup_steps=warmup)
    model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0))
    return model, warmup


def _shipped_perplexities(model, vx, vy, val_ids, config, storage: str) -> tuple[float, int, float]:
    """(validation perplexity, its tokens, the sliding-window perplexity) of the weights as ``storage`` ships
    them; the model keeps its trained weights."""
    trained = model.get_weights()
    model.set_weights(weight_files.rounded_weights(trained, STORAGES[storage]))
    ppl, val_tokens = text_lm.perplexity(model, vx, vy)
    sliding, _ = sliding_perplexity(model, val_ids, config.sequence_length)
    model.set_weights(trained)
    return ppl, val_tokens, sliding


def train_text_lm(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *,
                  config: text_lm.TextLMConfig | None = None) -> registry.Bundle:
    """Train the book's language model on IMDB windows, measure it and the bigram baseline, save it.

    ``limit`` keeps the first N training reviews of the shuffled split (and N / 9 validation reviews
    when that is fewer than the 2,500 held out), for quick checks or a shorter run; ``config`` a smaller
    model (tests). Nothing is saved when the run is stopped.
    """
    options, on_progress, cancel = request.options, ctx.on_progress, ctx.cancel or CancelToken()
    batch_size, seed, limit = options.batch_size, options.seed, options.limit
    learning_rate, storage, on_epoch = options.learning_rate, options.storage, ctx.on_epoch
    epochs = options.epochs or DEFAULT_EPOCHS
    config = config or text_lm.TextLMConfig(dropout=options.dropout, tied_embeddings=options.tie_embeddings)
    tf = runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    on_progress(0.0, "Text: reading and vectorising the reviews…")
    train_texts, val_texts = corpus.load_imdb_texts(VALIDATION, seed)
    if limit is not None:
        train_texts, val_texts = train_texts[:limit], val_texts[:max(limit // 9, 20)]
    vocabulary, (train_ids, val_ids) = vectorize(train_texts, [train_texts, val_texts], config.vocab_size)
    config = dataclasses.replace(config, vocab_size=len(vocabulary))
    x, y = windows_of(train_ids, config.sequence_length)
    vx, vy = windows_of(val_ids, config.sequence_length)
    cx, cy = windows_of(val_ids[:CURVE_REVIEWS], config.sequence_length)
    tokens = int((y != text_lm.PAD).sum())
    bigram = text_lm.KneserNeyBigram(x, y, config.vocab_size)
    bigram_ppl = bigram.perplexity(vx, vy)
    on_progress(0.0, f"Text: {len(x):,} windows, {tokens:,} training tokens; bigram validation perplexity "
                     f"{bigram_ppl:.1f}")

    steps_per_pass = -(-len(x) // batch_size)
    segments = SEGMENTS * epochs
    steps = -(-steps_per_pass * epochs // segments)
    total_steps = steps * segments
    tokenizer = text_lm.make_tokenizer(vocabulary, config.level)
    samples: list[str] = []
    model, warmup = _compiled_model(config, learning_rate, total_steps)
    dataset = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
               .repeat().batch(batch_size).prefetch(2))
    prompt = tokenizer.encode(PREVIEW_PROMPT) or [text_lm.UNK]

    def preview() -> str:
        new = text_lm.TextGenerator(model, tokenizer).generate(prompt, 30, [0.7], seed=0)[0]
        return tokenizer.decode(prompt + new.tolist())

    measured, noted, describe = _epoch_hooks(model, cx, cy, samples, on_epoch, "Text", f"segment {{}}/{segments}")
    run = fit(model, dataset, epochs=segments, steps_per_epoch=steps, repeating=True, on_progress=on_progress,
              cancel=cancel, describe=describe, on_epoch=noted, preview=preview, extra_logs=measured)
    history, seconds = run.history, run.seconds
    cancel.raise_if_cancelled()
    on_progress(1.0, "Text: measuring the validation perplexity…")
    # Storage's effect on the curve's subset; the shipped (rounded) weights on every held-out review.
    perplexities = storage_perplexities(model, cx, cy)
    ppl, val_tokens, sliding = _shipped_perplexities(model, vx, vy, val_ids, config, storage)

    metrics = {
        **perplexity_metrics(ppl, sliding, bigram_ppl),
        f"val_perplexity_first_{CURVE_REVIEWS}_reviews_by_storage": perplexities,
        "val_tokens": val_tokens,
        "training_tokens_per_second": round(tokens * epochs / seconds, 1),
    }
    data_record = {"imdb": data.provenance("imdb", train_reviews=len(train_texts), validation_reviews=len(val_texts),
                          train_windows=len(x), train_tokens=tokens, validation_tokens=val_tokens)}
    optimizer = f"Adam(warm-up {warmup} steps to {learning_rate:g}, cosine decay), clipnorm 1 (the book: RMSprop)"
    training = {"epochs": epochs, "segments": segments, "steps": total_steps, "batch_size": batch_size, "seed": seed,
                "optimizer": optimizer, "storage": storage, "seconds": round(seconds, 1),
                "device": runtime.device_info().label(), "history": history, "samples_after_each_segment": samples}
    files = {"model.weights.npz": weight_files.weights_writer(model, STORAGES[storage]),
             "vocabulary.json": lambda path: path.write_text(json.dumps(vocabulary, ensure_ascii=False),
                                                             encoding="utf-8")}
    bundle = write_bundle(request, NAME, config, files, technique="text_lm", reproduces=REPRODUCES, data=data_record,
                          training=training, metrics=metrics)
    on_progress(1.0, f"Text: validation perplexity {ppl:.1f} (bigram {bigram_ppl:.1f})")
    return bundle


def reassess_text_lm(request: TrainingRequest[Options], ctx: RunContext = RunContext()) -> registry.Bundle:
    """Measure a saved language model again on its held-out reviews and rewrite its metrics.

    The split is rebuilt from the recorded seed and the reviews are encoded with the shipped
    vocabulary (``WordTokenizer``, the same rules as the book's TextVectorization); the bigram
    baseline is kept from the training record. Files are copied byte for byte.
    (``python -m studio.train text --assess-only``.)
    """
    on_progress = ctx.on_progress
    bundle = registry.load(NAME, request.source)
    training, old = bundle.metadata["training"], bundle.metadata["metrics"]
    runtime.import_tensorflow()
    on_progress(0.0, "Text: reading the held-out reviews…")
    _, val_texts = corpus.load_imdb_texts(VALIDATION, training["seed"])
    val_texts = val_texts[:bundle.metadata["data"]["imdb"]["validation_reviews"]]  # a --limit run held out fewer
    generator = load_generator(bundle)
    val_ids = [generator.tokenizer.encode(t) for t in val_texts]
    length = generator.length
    on_progress(0.3, "Text: scoring every held-out word…")
    vx, vy = windows_of(val_ids, length)
    ppl, val_tokens = text_lm.perplexity(generator.model, vx, vy)
    sliding, _ = sliding_perplexity(generator.model, val_ids, length)
    if val_tokens != old.get("val_tokens", val_tokens):
        raise RuntimeError(f"The held-out reviews changed: {val_tokens} targets now, {old['val_tokens']} when trained.")
    metrics = {**old, **perplexity_metrics(ppl, sliding, old["bigram_val_perplexity"])}
    saved = rewrite_metrics(request, bundle, metrics)
    on_progress(1.0, f"Text: validation perplexity {ppl:.1f}, sliding {sliding:.1f} "
                     f"(bigram {old['bigram_val_perplexity']:.1f})")
    return saved


# --- a student's own text (beyond the book) ----------------------------------------------------------
MIN_OWN_CHARS = 2000
MAX_OWN_CHARS = 1_000_000


def train_own_text(request: TrainingRequest[OwnOptions], ctx: RunContext = RunContext(), *,
                   config: text_lm.TextLMConfig | None = None) -> registry.Bundle:
    """A small character-level model of the same design on the text of ``request.options.file`` (any
    script: Korean works; read with ``data.read_text_file``).

    The last 10% of the text is held out for a validation perplexity (per character); after every
    epoch a sample at T = 0.5 and T = 1.0 is reported, as the book's callback prints them. Stop
    raises ``TrainingCancelled`` (the previous weights stay) unless ``keep_on_stop``.
    """
    options, on_progress, cancel = request.options, ctx.on_progress, ctx.cancel or CancelToken()
    epochs, batch_size, seed, on_epoch = options.epochs, options.batch_size, options.seed, ctx.on_epoch
    label = "your text"  # the progress line's name for it
    config = config or OWN_CONFIG
    text = " ".join(data.read_text_file(options.file).split())
    if len(text) < MIN_OWN_CHARS:
        raise ValueError(f"The text has {len(text):,} characters; give at least {MIN_OWN_CHARS:,} "
                         "(a few pages) so the model has something to learn.")
    text = text[:MAX_OWN_CHARS]
    tf = runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    cut = int(len(text) * 0.9)
    tokenizer = text_lm.CharTokenizer.fit(text[:cut], config.vocab_size)
    config = dataclasses.replace(config, vocab_size=len(tokenizer))
    x, y = text_lm.windows(tokenizer.encode(text[:cut]), config.sequence_length)
    vx, vy = text_lm.windows(tokenizer.encode(text[cut:]), config.sequence_length)
    prompt = tokenizer.encode(text[:20])
    steps = -(-len(x) // batch_size)
    samples: list[str] = []
    model = text_lm.make_language_model(config)
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(
        1e-3, decay_steps=epochs * steps, alpha=0.05), clipnorm=1.0))

    def preview() -> str:
        rows = text_lm.TextGenerator(model, tokenizer).generate(prompt, 80, [0.5, 1.0], seed=0)
        return " | ".join(f"T={t}: {tokenizer.decode(prompt + row.tolist())}" for t, row in zip((0.5, 1.0), rows))

    measured, noted, describe = _epoch_hooks(model, vx, vy, samples, on_epoch, label, f"epoch {{}}/{epochs}")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
    run = fit(model, dataset, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=cancel,
              keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=noted, preview=preview, extra_logs=measured)
    history, seconds = run.history, run.seconds
    stopped_at = run.completed if run.completed < epochs else None

    data_record = {"own_text": {"characters": len(text), "train_windows": len(x), "validation_windows": len(vx)}}
    training = {"epochs": epochs, "epochs_completed": stopped_at or epochs, "batch_size": batch_size,
                "seconds": round(seconds, 1), "history": history, "samples_after_each_epoch": samples}
    metrics = {"val_perplexity": history["val_perplexity"][-1] if history else None,
               "note": "perplexity per character on the last 10% of the text"}
    files = {"model.weights.npz": weight_files.weights_writer(model, STORAGES["float16"]),
             "vocabulary.json": lambda path: path.write_text(json.dumps(tokenizer.vocabulary, ensure_ascii=False),
                                                             encoding="utf-8")}
    return write_bundle(request, OWN_NAME, config, files, technique="text_lm",
                        reproduces="beyond the book: the section 12.1 model, character level, on an uploaded text",
                        data=data_record, training=training, metrics=metrics)


# --- python -m studio.train text / text-own -------------------------------------------------------------
HELP = "the transformer language model of the Keras book, section 12.1 (IMDB reviews)"
OWN_HELP = "a character-level model of the same design on your own .txt file (use --to user, as the tab does)"


REPRODUCES = ("Keras book (Chollet, 2nd ed.) section 12.1, codes 12-1 to 12-9: a transformer decoder language model "
              "on IMDB reviews, sampled with a softmax temperature")


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train text [--epochs E] [--learning-rate R] [--storage S] ... [--assess-only]``."""

    epochs: int | None = option(None, f"passes over the review windows (default: {DEFAULT_EPOCHS})")
    batch_size: int = option(BATCH, f"default: {BATCH}")
    learning_rate: float = option(2e-3, "Adam's peak rate (warm-up, cosine decay)")
    storage: str = option("int8", "int8: the vocabulary matrices as int8 with a scale per word (half the file)",
                          choices=tuple(STORAGES))
    dropout: float = option(0.0, "dropout on embeddings, residual branches and before the head (not in the book)")
    tie_embeddings: bool = option(False, "the output layer reuses the token embedding matrix (Press & Wolf 2017; "
                                         "not in the book)")
    assess_only: bool = option(False, "no training: measure the saved model again on its held-out reviews, "
                                      "rewrite its metrics")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train (or re-assess) as ``request`` says, reporting through ``ctx``."""
    if request.options.assess_only:
        return [reassess_text_lm(request, ctx)]
    return [train_text_lm(request, ctx)]


@dataclass(frozen=True)
class OwnOptions:
    """``python -m studio.train text-own --file F [--epochs E] [--seed S]``."""

    file: str | None = option(None, "a UTF-8 (or CP949) .txt file of at least a few pages", required=True)
    epochs: int = option(10)
    batch_size: int = option(32)
    seed: int = option(0)


def run_own(request: TrainingRequest[OwnOptions], ctx: RunContext) -> list[registry.Bundle]:
    """Train a character model on the request's file."""
    return [train_own_text(request, ctx)]
