"""The transformer language model of the Keras book, section 12.1 (codes 12-1 to 12-9), for Keras 3.

Model (code 12-7): token + position embedding (vocabulary 15,000, 100 positions, width 256), one
transformer decoder block (two heads, feed-forward 2,048) with a causal mask, and a dense layer over
the vocabulary. The book's decoder (chapter 11) is called as ``TransformerDecoder(...)(x, x)``: a
causal self-attention, then a second attention from its output back onto the embeddings (also
causal), then the feed-forward part, each with a residual connection and layer normalisation.

Differences from the book's listing, and why:
- Keras 3: the book's ``compute_mask`` calls ``tf.math.not_equal`` on a KerasTensor and relies on
  implicit mask propagation; here the padding mask is computed from the token ids with
  ``keras.ops`` and passed explicitly, combined with the causal mask.
- The last layer returns logits (softmax applied at sampling time) and the loss ignores padding
  targets (token 0): the book averages over padding positions too.
- Generation (code 12-8 re-runs ``model.predict`` on the whole text per word) is one compiled
  ``tf.while_loop`` over a fixed 100-token window, batched over temperatures, and the vocabulary
  layer is needed only on the last position of each step.

Tokens: index 0 is padding, 1 is ``[UNK]``, as ``TextVectorization`` numbers them. ``WordTokenizer``
reproduces the layer's default standardisation (lower case, strip punctuation, split on
whitespace) in plain Python, so the studio needs no TensorFlow to tokenise a prompt.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from studio.serving.lazy_keras import keras, layers, ops, tf

PAD, UNK = 0, 1
UNK_TOKEN = "[UNK]"
# TextVectorization's "lower_and_strip_punctuation" removes exactly these characters.
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~\']')
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class TextLMConfig:
    """Constructor arguments of the language model (saved as config.json); defaults are the book's."""

    vocab_size: int = 15000
    sequence_length: int = 100
    embed_dim: int = 256
    dense_dim: int = 2048
    num_heads: int = 2
    level: str = "word"  # "word" (IMDB, the book) or "char" (a student's own text)
    # Dropout on the embeddings, each residual branch and before the head (training only; not in
    # the book). Without it the IMDB model overfits from its third pass: training perplexity 72,
    # held-out 124.
    dropout: float = 0.0
    # Output layer = the token embedding matrix, transposed, plus a bias (Press & Wolf 2017, "Using
    # the output embedding to improve language models"; not in the book). It drops the head's own
    # 15,000 x 256 kernel, 40% of the book model's weights, which on 5 million IMDB words mostly
    # memorised the training reviews.
    tied_embeddings: bool = False


# --- tokenisers -------------------------------------------------------------------------------------
class WordTokenizer:
    """Words as ``TextVectorization`` (default standardisation) sees them, numbered by ``vocabulary``.

    ``vocabulary[0]`` is the padding token "" and ``vocabulary[1]`` is "[UNK]".
    """

    level = "word"
    joiner = " "

    def __init__(self, vocabulary: list[str]) -> None:
        if len(vocabulary) < 2 or vocabulary[0] != "" or vocabulary[1] != UNK_TOKEN:
            raise ValueError("A vocabulary starts with the padding token '' and '[UNK]'.")
        self.vocabulary = list(vocabulary)
        self.index = {word: i for i, word in enumerate(self.vocabulary) if i > UNK}

    def __len__(self) -> int:
        return len(self.vocabulary)

    @staticmethod
    def pieces(text: str) -> list[str]:
        """Lower-case ASCII letters, strip punctuation, split on whitespace: TextVectorization's
        defaults (``tf.strings.lower`` changes only ASCII letters, so neither does this)."""
        return _PUNCTUATION.sub("", text.translate(_ASCII_LOWER)).split()

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``; words outside the vocabulary become 1 ([UNK]), and so does the
        literal "[UNK]" of a decoded text, so ``encode(decode(ids)) == ids``."""
        if self.level == "word":
            return [UNK if part == UNK_TOKEN else self.index.get(piece, UNK)
                    for part in text.split() for piece in self.pieces(part)]
        return [self.index.get(piece, UNK) for piece in self.pieces(text)]

    def decode(self, ids) -> str:
        """The words of ``ids`` joined by spaces (padding dropped)."""
        return self.joiner.join(self.vocabulary[int(i)] for i in ids if int(i) != PAD)

    def token(self, i: int) -> str:
        """One token's text."""
        return self.vocabulary[int(i)]


class CharTokenizer(WordTokenizer):
    """Characters (any script: Korean works) for a student's own small text; case is kept."""

    level = "char"
    joiner = ""

    @staticmethod
    def pieces(text: str) -> list[str]:
        return list(" ".join(text.split()))

    @classmethod
    def fit(cls, text: str, max_size: int = 2000) -> "CharTokenizer":
        """The ``max_size - 2`` most frequent characters of ``text`` (ties by first appearance)."""
        counts = Counter(cls.pieces(text))
        chars = [c for c, _ in counts.most_common(max_size - 2)]
        return cls(["", UNK_TOKEN, *chars])


def make_tokenizer(vocabulary: list[str], level: str) -> WordTokenizer:
    """The tokenizer of a bundle: word level (IMDB) or character level."""
    return CharTokenizer(vocabulary) if level == "char" else WordTokenizer(vocabulary)


def windows(ids: list[int], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut one text's ids into non-overlapping training windows: (x, y), each (n, length), y = x
    shifted by one, zero-padded at the end.

    The book keeps only each review's first 100 words; every window of a review is a further 100
    next-word predictions for the same data, so an epoch teaches about 2.5x as much.
    """
    ids = np.asarray(ids, np.int32)
    starts = range(0, max(len(ids) - 1, 0), length)
    x = np.zeros((len(starts), length), np.int32)
    y = np.zeros((len(starts), length), np.int32)
    for row, s in enumerate(starts):
        chunk = ids[s:s + length + 1]
        x[row, :len(chunk) - 1] = chunk[:-1]
        y[row, :len(chunk) - 1] = chunk[1:]
    return x, y


def sliding_windows(ids: list[int], length: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Evaluation windows of one text that give every scored word up to ``length`` words of context.

    Windows start every ``stride`` ids; each scores (non-zero ``y``) only the targets its predecessor
    did not, so every next-word target of the text is scored exactly once, as in ``windows``, but
    after the first window each one sees at least ``length - stride`` earlier words (the strided
    evaluation of fixed-context models). Unscored positions are padding (0) in ``y``.
    """
    if not 0 < stride <= length:
        raise ValueError("The stride must be between 1 and the window length.")
    ids = np.asarray(ids, np.int32)
    targets = len(ids) - 1
    rows_x, rows_y, scored_to = [], [], 0
    for begin in range(0, max(targets, 0), stride):
        end = min(begin + length, targets)
        x = np.zeros(length, np.int32)
        y = np.zeros(length, np.int32)
        x[:end - begin] = ids[begin:end]
        y[:end - begin] = ids[begin + 1:end + 1]
        y[:scored_to - begin] = 0  # scored by the previous window, with less context
        rows_x.append(x)
        rows_y.append(y)
        scored_to = end
        if end == targets:
            break
    if not rows_x:
        return np.zeros((0, length), np.int32), np.zeros((0, length), np.int32)
    return np.stack(rows_x), np.stack(rows_y)


# --- code 12-1 and sampling helpers (numpy) ---------------------------------------------------------
def reweight_distribution(original_distribution: np.ndarray, temperature: float = 0.5) -> np.ndarray:
    """Code 12-1: p^(1/T), renormalised. T = 1 returns the distribution itself; T < 1 sharpens it
    (lower entropy), T > 1 flattens it. Computed in log space so tiny probabilities do not underflow."""
    if not temperature > 0:
        raise ValueError("The temperature must be above 0.")
    p = np.asarray(original_distribution, np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    logits -= logits.max()
    weights = np.exp(logits)
    return weights / weights.sum()


def entropy_bits(distribution: np.ndarray) -> float:
    """Shannon entropy in bits of a probability vector."""
    p = np.asarray(distribution, np.float64)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def softmax(logits: np.ndarray) -> np.ndarray:
    """A numerically stable softmax over the last axis (float64)."""
    z = np.asarray(logits, np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def repeated_ngram_share(ids, n: int = 3) -> float:
    """The share of the text's n-grams that already occurred earlier in it (0 = no repetition)."""
    grams = [tuple(ids[i:i + n]) for i in range(len(ids) - n + 1)]
    if not grams:
        return 0.0
    seen: set = set()
    repeated = 0
    for gram in grams:
        repeated += gram in seen
        seen.add(gram)
    return repeated / len(grams)


# --- the baseline ---------------------------------------------------------------------------------
class KneserNeyBigram:
    """An interpolated Kneser-Ney bigram model over the same windows and vocabulary as the network.

    P(w | v) = max(c(v, w) - d, 0) / c(v) + d * N1+(v, .) / c(v) * P_cont(w), where P_cont(w) is the
    share of distinct contexts that w follows (add-one smoothed so every word has some mass);
    a context never seen in training falls back to P_cont. ``d = 0.75``, the usual discount.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, vocab_size: int, discount: float = 0.75) -> None:
        keep = y != PAD
        prev, nxt = x[keep].astype(np.int64), y[keep].astype(np.int64)
        pairs, counts = np.unique(prev * vocab_size + nxt, return_counts=True)
        self.vocab_size, self.discount = vocab_size, discount
        self.pair_counts = dict(zip(pairs.tolist(), counts.tolist()))
        self.context_counts = np.bincount(prev, minlength=vocab_size).astype(np.float64)
        self.context_types = np.bincount(pairs // vocab_size, minlength=vocab_size).astype(np.float64)
        continuation = np.bincount(pairs % vocab_size, minlength=vocab_size).astype(np.float64)
        continuation[PAD] = 0.0
        self.p_cont = (continuation + 1.0) / (continuation.sum() + vocab_size - 1)
        self.p_cont[PAD] = 0.0

    def probability(self, prev: np.ndarray, nxt: np.ndarray) -> np.ndarray:
        """P(nxt | prev) for arrays of token pairs."""
        prev, nxt = np.asarray(prev, np.int64), np.asarray(nxt, np.int64)
        pair = np.array([self.pair_counts.get(k, 0) for k in (prev * self.vocab_size + nxt).tolist()], np.float64)
        c = self.context_counts[prev]
        seen = c > 0
        safe = np.where(seen, c, 1.0)
        backoff = np.where(seen, self.discount * self.context_types[prev] / safe, 1.0)
        direct = np.where(seen, np.maximum(pair - self.discount, 0.0) / safe, 0.0)
        return direct + backoff * self.p_cont[nxt]

    def perplexity(self, x: np.ndarray, y: np.ndarray) -> float:
        """exp(mean negative log-likelihood) over the non-padding targets of (x, y)."""
        keep = y != PAD
        return float(np.exp(-np.mean(np.log(self.probability(x[keep], y[keep])))))


# --- the model --------------------------------------------------------------------------------------
# The custom layers and the model, each defined on first use so that importing this module needs no Keras.
@functools.cache
def _positional_embedding_class():
    class PositionalEmbedding(layers.Layer):
        """Token embedding + learned position embedding (the book's PositionalEmbedding)."""

        def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_embeddings = layers.Embedding(vocab_size, embed_dim, name="token_embeddings")
            self.position_embeddings = layers.Embedding(sequence_length, embed_dim, name="position_embeddings")

        def call(self, tokens):
            positions = ops.arange(ops.shape(tokens)[-1])
            return self.token_embeddings(tokens) + self.position_embeddings(positions)[None]

    return PositionalEmbedding


@functools.cache
def _transformer_decoder_class():
    class TransformerDecoder(layers.Layer):
        """The book's decoder block, called on (x, x): causal self-attention, a second (causal)
        attention back onto the embeddings, feed-forward; residual + LayerNorm after each."""

        def __init__(self, embed_dim, dense_dim, num_heads, dropout=0.0, **kwargs):
            super().__init__(**kwargs)
            self.dropout = layers.Dropout(dropout)  # no weights: generation's cached pass skips it
            self.attention_1 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim, name="attention_1")
            self.attention_2 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim, name="attention_2")
            self.dense_1 = layers.Dense(dense_dim, activation="relu", name="dense_1")
            self.dense_2 = layers.Dense(embed_dim, name="dense_2")
            self.layernorm_1 = layers.LayerNormalization(name="layernorm_1")
            self.layernorm_2 = layers.LayerNormalization(name="layernorm_2")
            self.layernorm_3 = layers.LayerNormalization(name="layernorm_3")

        def call(self, x, tokens, training=None):
            # (B, L, L): query i may see key j when j <= i and key j is not padding.
            length = ops.shape(tokens)[-1]
            causal = ops.arange(length)[:, None] >= ops.arange(length)[None, :]
            mask = ops.logical_and(causal[None], ops.not_equal(tokens, PAD)[:, None, :])
            a1 = self.attention_1(query=x, value=x, key=x, attention_mask=mask)
            out_1 = self.layernorm_1(x + self.dropout(a1, training=training))
            a2 = self.attention_2(query=out_1, value=x, key=x, attention_mask=mask)
            out_2 = self.layernorm_2(out_1 + self.dropout(a2, training=training))
            feed_forward = self.dense_2(self.dense_1(out_2))
            return self.layernorm_3(out_2 + self.dropout(feed_forward, training=training))

    return TransformerDecoder


@functools.cache
def _tied_head_class():
    class TiedHead(layers.Layer):
        """Logits = hidden @ token_embeddings^T + bias: the output layer shares the input embeddings.

        The embedding layer is reached through a closure, not an attribute, so Keras does not track
        its matrix a second time (``get_weights`` lists it once, as the embedding's)."""

        def __init__(self, token_embeddings, vocab_size, **kwargs):
            super().__init__(**kwargs)
            self._matrix = lambda: token_embeddings.embeddings
            self.bias = self.add_weight(shape=(vocab_size,), initializer="zeros", name="bias")

        def call(self, hidden):
            # einsum, not matmul(transpose(E)): no transposed 15,000 x 256 copy per generated word
            return ops.einsum("...d,vd->...v", hidden, ops.cast(self._matrix(), hidden.dtype)) + self.bias

    return TiedHead


@functools.cache
def _language_model_class():
    PositionalEmbedding, TransformerDecoder = _positional_embedding_class(), _transformer_decoder_class()
    TiedHead = _tied_head_class()

    class LanguageModel(keras.Model):
        """backbone (tokens -> hidden states) + head (hidden -> logits); the loss skips padding."""

        def __init__(self, config: TextLMConfig, **kwargs):
            tokens = keras.Input((None,), dtype="int32", name="tokens")
            embedding = PositionalEmbedding(config.sequence_length, config.vocab_size, config.embed_dim,
                                            name="positional_embedding")
            x = embedding(tokens)
            x = layers.Dropout(config.dropout, name="embedding_dropout")(x)
            hidden = TransformerDecoder(config.embed_dim, config.dense_dim, config.num_heads, config.dropout,
                                        name="transformer_decoder")(x, tokens)
            backbone = keras.Model(tokens, hidden, name="backbone")
            head = (TiedHead(embedding.token_embeddings, config.vocab_size, name="head") if config.tied_embeddings
                    else layers.Dense(config.vocab_size, name="head"))
            logits = head(layers.Dropout(config.dropout, name="head_dropout")(hidden))
            super().__init__(tokens, logits, **kwargs)
            self.config = config
            self.backbone = backbone
            self.head = head

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return masked_cross_entropy(y, y_pred)

    return LanguageModel


def masked_cross_entropy(targets, logits):
    """Mean cross-entropy (nats) over the non-padding targets only: (B, L) ids, (B, L, V) logits."""
    per_token = ops.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    weights = ops.cast(ops.not_equal(targets, PAD), per_token.dtype)
    return ops.sum(per_token * weights) / ops.maximum(ops.sum(weights), 1.0)


def make_language_model(config: TextLMConfig):
    """The book's model (code 12-7) as a ``LanguageModel``, weights built."""
    model = _language_model_class()(config, name="text_lm")
    model(np.zeros((1, config.sequence_length), np.int32))
    return model


def perplexity(model, x: np.ndarray, y: np.ndarray, batch_size: int = 64) -> tuple[float, int]:
    """exp(mean cross-entropy per non-padding target) over (x, y) windows; also the token count."""
    @tf.function(input_signature=[tf.TensorSpec((None, None), tf.int32)] * 2)
    def nll(xb, yb):
        logits = model(xb, training=False)
        ce = tf.keras.losses.sparse_categorical_crossentropy(yb, logits, from_logits=True)
        w = tf.cast(tf.not_equal(yb, PAD), ce.dtype)
        return tf.reduce_sum(ce * w), tf.reduce_sum(w)

    total, count = 0.0, 0.0
    for i in range(0, len(x), batch_size):
        s, n = nll(x[i:i + batch_size], y[i:i + batch_size])
        total, count = total + float(s), count + float(n)
    return math.exp(total / max(count, 1.0)), int(count)


# --- fast generation --------------------------------------------------------------------------------
def _attend(mha, query, key, value, visible):
    """One query position of ``mha`` against cached keys and values, as the layer computes it:
    query (B, 1, D); key/value (B, L, H, K); visible (L,) bool -> (B, 1, D)."""
    q = mha._query_dense(query) * mha._inverse_sqrt_key_dim
    scores = tf.einsum("bqhk,bshk->bhqs", q, key)
    scores = tf.where(visible[None, None, None, :], scores, tf.cast(-1e9, scores.dtype))
    weights = tf.nn.softmax(scores, axis=-1)
    return mha._output_dense(tf.einsum("bhqs,bshk->bqhk", weights, value))


def _decoder_steps(model):
    """(keys_values, logits_at, prefill): the decoder of ``model`` split for a key/value cache."""
    L = model.config.sequence_length
    embedding = model.get_layer("positional_embedding")
    decoder = model.get_layer("transformer_decoder")
    head = model.head

    def keys_values(x):
        # x: (B, T, D) embeddings -> keys and values of both attention layers, each (B, T, H, K)
        return tuple(dense(x) for mha in (decoder.attention_1, decoder.attention_2)
                     for dense in (mha._key_dense, mha._value_dense))

    def logits_at(x_p, cache, position):
        # The decoder at one position p (x_p: (B, 1, D) its embedding), seeing keys 0..p.
        k1, v1, k2, v2 = cache
        visible = tf.range(L) <= position
        out_1 = decoder.layernorm_1(x_p + _attend(decoder.attention_1, x_p, k1, v1, visible))
        out_2 = decoder.layernorm_2(out_1 + _attend(decoder.attention_2, out_1, k2, v2, visible))
        hidden = decoder.layernorm_3(out_2 + decoder.dense_2(decoder.dense_1(out_2)))
        return tf.cast(head(hidden[:, 0]), tf.float32)  # (B, V)

    def prefill(window, position):
        # The whole window's cache, and the logits after position ``position``.
        x = embedding(window)
        cache = keys_values(x)
        return logits_at(tf.gather(x, [position], axis=1), cache, position), cache

    return keys_values, logits_at, prefill


def _generate_function(model, keys_values, logits_at, prefill):
    """The compiled generation loop (see ``TextGenerator``): window, length, steps, temperatures,
    top_k, top_p, seed -> new token ids (B, steps)."""
    L = model.config.sequence_length
    embedding = model.get_layer("positional_embedding")

    @tf.function(input_signature=[
        tf.TensorSpec((None, L), tf.int32),  # window: the prompt, left-aligned, zero-padded
        tf.TensorSpec((), tf.int32),  # length: prompt tokens in the window (1..L)
        tf.TensorSpec((), tf.int32),  # steps
        tf.TensorSpec((None,), tf.float32),  # temperature per row; 0 = greedy
        tf.TensorSpec((), tf.int32),  # top_k (0 = off)
        tf.TensorSpec((), tf.float32),  # top_p (1 = off)
        tf.TensorSpec((2,), tf.int32),  # seed
    ])
    def generate(window, length, steps, temperatures, top_k, top_p, seed):
        rows = tf.shape(window)[0]
        slots = tf.range(L)
        logits, cache = prefill(window, length - 1)
        out = tf.TensorArray(tf.int32, size=steps)

        def body(i, window, length, logits, cache, out):
            logits = tf.concat([tf.fill([rows, 1], -1e9), logits[:, 1:]], axis=1)  # never padding
            u = tf.random.stateless_uniform([], seed=seed + tf.stack([0, i]))
            token = _sample(logits, temperatures, top_k, top_p, u)
            out = out.write(i, token)

            def extend():  # room left: one more position of the cache
                x_p = embedding.token_embeddings(token[:, None]) + embedding.position_embeddings(length)[None, None]
                new = keys_values(x_p)
                cache_n = tuple(tf.where((slots == length)[None, :, None, None], n, c) for n, c in zip(new, cache))
                return (tf.where(slots[None, :] == length, token[:, None], window),
                        logits_at(x_p, cache_n, length), cache_n)

            def slide():  # window full: drop the first token, recompute the window
                shifted = tf.concat([window[:, 1:], token[:, None]], axis=1)
                logits_n, cache_n = prefill(shifted, L - 1)
                return shifted, logits_n, cache_n

            window, logits, cache = tf.cond(length < L, extend, slide)
            return i + 1, window, tf.minimum(length + 1, L), logits, cache, out

        loop = tf.while_loop(lambda i, *_: i < steps, body, [0, window, length, logits, cache, out])
        return tf.transpose(loop[-1].stack())  # (B, steps)

    return generate


class TextGenerator:
    """Compiled generation and next-word distributions of a trained model; numpy in, numpy out.

    Generation is one ``tf.while_loop`` with a key/value cache: the prompt's keys and values are
    computed once (both attention layers attend to the embeddings, so those are all it needs), and
    each new word costs one position of the decoder plus the 15,000-way head. Past the 100-token
    window the positions shift, so from then on each step re-runs the backbone on the last 100
    tokens (still compiled, still one position of the head).

    Rows of a batch share the random draws: row r uses ``temperatures[r]`` with the same uniform
    number per step (inverse-CDF sampling), so with the same seed rows differ only by temperature.
    """

    def __init__(self, model, tokenizer: WordTokenizer) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.length = model.config.sequence_length
        keys_values, logits_at, prefill = _decoder_steps(model)

        @tf.function(input_signature=[tf.TensorSpec((None, self.length), tf.int32), tf.TensorSpec((), tf.int32)])
        def next_logits(window, position):
            return prefill(window, position)[0]

        self._next_logits = next_logits
        self._generate = _generate_function(model, keys_values, logits_at, prefill)

    def window(self, ids: list[int], rows: int = 1) -> tuple[np.ndarray, int]:
        """The last ``sequence_length`` ids, left-aligned in a zero window repeated ``rows`` times."""
        ids = list(ids)[-self.length:]
        if not ids:
            raise ValueError("Generation needs at least one token to start from.")
        window = np.zeros((rows, self.length), np.int32)
        window[:, :len(ids)] = ids
        return window, len(ids)

    def next_logits(self, ids: list[int]) -> np.ndarray:
        """The model's logits (V,) for the token after ``ids``."""
        window, n = self.window(ids)
        return self._next_logits(window, np.int32(n - 1)).numpy()[0]

    def next_distribution(self, ids: list[int]) -> np.ndarray:
        """The model's softmax over the vocabulary for the word after ``ids`` (float64, (V,)); padding 0."""
        logits = self.next_logits(ids).astype(np.float64)
        logits[PAD] = -np.inf
        return softmax(logits)

    def generate(self, ids: list[int], steps: int, temperatures, seed: int, top_k: int = 0,
                 top_p: float = 1.0) -> np.ndarray:
        """New token ids, (len(temperatures), steps); temperature 0 means greedy (argmax)."""
        temperatures = np.asarray(temperatures, np.float32).reshape(-1)
        window, n = self.window(ids, rows=len(temperatures))
        seed_pair = np.array([seed % (2 ** 31 - 1), seed // (2 ** 31 - 1)], np.int32)
        out = self._generate(window, np.int32(n), np.int32(steps), temperatures, np.int32(top_k),
                             np.float32(top_p), seed_pair)
        return out.numpy()

    def book_generate(self, ids: list[int], steps: int, temperature: float, seed: int) -> list[int]:
        """The book's TextGenerator loop (code 12-8), for the benchmark: ``model.predict`` on the
        whole text so far for every new word, then code 12-1 and numpy sampling."""
        rng = np.random.default_rng(seed)
        ids = list(ids)
        new = []
        for _ in range(steps):
            x = np.array([ids[-self.length:]], np.int32)
            logits = self.model.predict(x, verbose=0)[0, -1].astype(np.float64)
            logits[PAD] = -np.inf
            token = int(rng.choice(len(logits), p=reweight_distribution(softmax(logits), temperature)))
            ids.append(token)
            new.append(token)
        return new


def _sample(logits, temperatures, top_k, top_p, u):
    """One token per row from (B, V) logits; temperature 0 = argmax; ``u`` one uniform in [0, 1)."""
    greedy = tf.argmax(logits, axis=-1, output_type=tf.int32)
    t = tf.maximum(temperatures, 1e-6)[:, None]
    # Sort once: top-k and top-p both keep a prefix of the sorted distribution.
    order = tf.argsort(logits, axis=-1, direction="DESCENDING", stable=True)
    sorted_logits = tf.gather(logits, order, batch_dims=1) / t
    probs = tf.nn.softmax(sorted_logits, axis=-1)
    vocab = tf.shape(logits)[-1]
    rank = tf.range(vocab)[None, :]
    keep = tf.logical_or(top_k <= 0, rank < top_k)
    before = tf.cumsum(probs, axis=-1, exclusive=True)
    keep = tf.logical_and(keep, before < top_p)  # the smallest prefix reaching top_p (always >= 1)
    probs = tf.where(keep, probs, 0.0)
    cdf = tf.cumsum(probs, axis=-1)
    target = u * cdf[:, -1:]
    picked = tf.minimum(tf.reduce_sum(tf.cast(cdf <= target, tf.int32), axis=-1), vocab - 1)
    sampled = tf.gather(order, picked[:, None], batch_dims=1)[:, 0]
    return tf.where(temperatures > 0, sampled, greedy)
