"""The text tab's work (Keras book 12.1): generations side by side at several temperatures, the
next-word distribution before and after ``reweight_distribution``, one word at a time, and status.

All input checking happens here and raises ``UserError`` with a sentence for the student.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import plots
from studio.bundles import registry
from studio.bundles.cache import BundleCache, RecentDraws
from studio.checks import MAX_SEED, UserError, check_seed
from studio.techniques.text_lm import model as text_lm
from studio.techniques.text_lm.plots import next_word_bars
from studio.techniques.text_lm.presets import NAME, OWN_NAME, load_generator
from studio.training.jobs import JobSpec
from studio.training.request import request

BOOK_TEMPERATURES = (0.2, 0.5, 0.7, 1.0, 1.5)  # code 12-9
GREEDY = "greedy"
MAX_PROMPT_CHARS = 2000
MAX_LENGTH = 200
MAX_TEMPERATURE = 10.0
MAX_BARS = 30


@dataclass(frozen=True)
class Generation:
    """One row of the side-by-side view."""

    temperature: float  # 0 = greedy
    prompt: str
    text: str  # the new words only
    repeated_3grams: float  # share of the generation's 3-grams seen earlier in it
    distinct_words: int


@dataclass(frozen=True)
class Prompt:
    """A checked prompt: its ids (the last window), the words the model does not know, and whether it was cut."""

    ids: list[int]
    unknown: list[str]
    truncated: int  # tokens dropped from the start (the model sees at most sequence_length)


def parse_temperature(value) -> float:
    """A temperature from the UI or the API: a number above 0 (at most 10), or "greedy" (0)."""
    if isinstance(value, str) and value.strip().lower() in (GREEDY, "0 (greedy)", "argmax"):
        return 0.0
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{value!r} is not a temperature: give a number above 0 (such as 0.7) or 'greedy'.") from None
    if math.isnan(t) or t <= 0:
        raise UserError("The temperature must be above 0: dividing the log-probabilities by 0 or a negative "
                        "number is undefined. For always taking the most likely word, choose 'greedy'.")
    if t > MAX_TEMPERATURE:
        raise UserError(f"Use a temperature of at most {MAX_TEMPERATURE:g}: above that every word is about "
                        "equally likely.")
    return t


def check_sampling(top_k, top_p) -> tuple[int, float]:
    """Validated (top_k, top_p): top_k 0 = off, top_p 1 = off."""
    try:
        k, p = int(top_k), float(top_p)
    except (TypeError, ValueError):
        raise UserError("top-k must be a whole number and top-p a number.") from None
    if k < 0:
        raise UserError("top-k must be 0 (off) or a positive number of words.")
    if math.isnan(p) or not 0 < p <= 1:
        raise UserError("top-p must be above 0 and at most 1 (1 = off).")
    return k, p


class TextService:
    """Loads the language model lazily (cached until its weights change) and serves the tab."""

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self._models = BundleCache()
        # The bars of recent (prompt, temperature, count): every page load asks for the default
        # prompt's, and drawing them (Matplotlib) costs far more than the model's forward pass.
        self._distributions = RecentDraws(size=32)

    def generator(self) -> text_lm.TextGenerator:
        """The compiled generator of the active weights."""
        return self._models.get(self.name, self._build)

    @staticmethod
    def _build(bundle: registry.Bundle) -> text_lm.TextGenerator:
        generator = load_generator(bundle)
        generator.generate([text_lm.UNK], 2, [1.0], 0)  # trace now, not on a student's first click
        generator.next_logits([text_lm.UNK])
        return generator

    def status(self) -> dict:
        """Which weights are in use and what they measured."""
        bundle = registry.load(self.name)
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {}),
                "level": bundle.config.get("level", "word")}

    # --- inputs ------------------------------------------------------------------------------------
    def prompt(self, text: str) -> Prompt:
        """Check and tokenise a prompt."""
        text = (text or "").strip()
        if not text:
            raise UserError("Type a prompt first, for example 'This movie'.")
        if len(text) > MAX_PROMPT_CHARS:
            raise UserError(f"The prompt is {len(text):,} characters long; keep it under {MAX_PROMPT_CHARS:,} "
                            f"(the model reads only its last {self.generator().length} words anyway).")
        generator = self.generator()
        tokenizer = generator.tokenizer
        ids = tokenizer.encode(text)
        if not ids:
            raise UserError("The prompt has no words left once punctuation is removed; type some words.")
        unknown = [p for p in tokenizer.pieces(text) if p != text_lm.UNK_TOKEN and tokenizer.index.get(p) is None]
        if all(i == text_lm.UNK for i in ids):
            if tokenizer.level == "char":
                raise UserError("None of the prompt's characters occur in the text the model learned; use "
                                "characters of that text.")
            raise UserError(f"None of the prompt's words are in the model's {len(tokenizer):,}-word vocabulary "
                            f"({', '.join(unknown[:5])}…). The IMDB model knows English movie-review words: "
                            "try 'This movie'.")
        truncated = max(0, len(ids) - generator.length)
        return Prompt(ids[-generator.length:], unknown, truncated)

    # --- generations -------------------------------------------------------------------------------
    def generate(self, prompt: str, length: int, temperatures, seed: int, top_k: int = 0,
                 top_p: float = 1.0) -> tuple[Prompt, list[Generation]]:
        """One generation per temperature, same seed (so only the temperature differs), one batched call."""
        checked = self.prompt(prompt)
        length = int(length)
        if not 1 <= length <= MAX_LENGTH:
            raise UserError(f"Generate between 1 and {MAX_LENGTH} words.")
        temps = [parse_temperature(t) for t in (temperatures or [])]
        if not temps:
            raise UserError("Choose at least one temperature.")
        k, p = check_sampling(top_k, top_p)
        generator = self.generator()
        new = generator.generate(checked.ids, length, temps, check_seed(seed), k, p)
        tokenizer = generator.tokenizer
        shown_prompt = tokenizer.decode(checked.ids)
        return checked, [Generation(t, shown_prompt, tokenizer.decode(row), text_lm.repeated_ngram_share(row.tolist()),
                                    len(set(row.tolist()))) for t, row in zip(temps, new)]

    # --- the distribution viewer (code 12-1) -------------------------------------------------------
    def distribution(self, prompt: str, temperature, top: int, lang: str = "en") -> dict:
        """The next-word distribution after ``prompt``: top words, their probabilities before and after
        reweighting at ``temperature``, both entropies (bits, over the whole vocabulary), and bars
        titled in ``lang``."""
        checked = self.prompt(prompt)
        t = parse_temperature(temperature)
        top = int(top)
        if not 2 <= top <= MAX_BARS:
            raise UserError(f"Show between 2 and {MAX_BARS} words.")
        key = ((tuple(checked.ids), tuple(checked.unknown), checked.truncated), t, top, lang)
        return self._distributions.get(self.name, key, lambda: self._distribution(checked, t, top, lang))

    def _distribution(self, checked, t: float, top: int, lang: str) -> dict:
        generator = self.generator()
        probs = generator.next_distribution(checked.ids)
        reweighted = text_lm.reweight_distribution(probs, t) if t > 0 else np.eye(len(probs))[int(np.argmax(probs))]
        order = np.argsort(-probs, kind="stable")[:top]
        words = [generator.tokenizer.token(i) or "(pad)" for i in order]
        label = f"T = {t:g}" if t > 0 else plots.word("text.fig_greedy", lang)
        h_before, h_after = text_lm.entropy_bits(probs), text_lm.entropy_bits(reweighted)
        picture = next_word_bars(
            [repr(w) if generator.tokenizer.level == "char" else w for w in words], probs[order], reweighted[order],
            (plots.word("text.fig_softmax", lang, bits=h_before),
             plots.word("text.fig_reweighted", lang, how=label, bits=h_after)))
        return {"words": words, "before": probs[order], "after": reweighted[order], "entropy_before": h_before,
                "entropy_after": h_after, "picture": picture, "top_share_after": float(reweighted[order].sum()),
                "top_share_before": float(probs[order].sum()), "prompt": checked}

    def next_word(self, prompt: str, temperature, seed: int, step: int, top_k: int = 0, top_p: float = 1.0) -> str:
        """The prompt with one more word sampled at ``temperature`` (seed and step fix the draw)."""
        checked = self.prompt(prompt)
        t = parse_temperature(temperature)
        k, p = check_sampling(top_k, top_p)
        generator = self.generator()
        token = int(generator.generate(checked.ids, 1, [t], (check_seed(seed) + int(step)) % (MAX_SEED + 1), k, p)[0, 0])
        return f"{prompt.strip()}{generator.tokenizer.joiner}{generator.tokenizer.token(token)}"


# --- a student's own text (beyond the book) ----------------------------------------------------------


def read_text_upload(path) -> str:
    """The text of an uploaded .txt file (UTF-8, or the Korean CP949 / EUC-KR of older Windows files)."""
    try:
        return data.read_text_file(path)
    except ValueError as exc:
        raise UserError(str(exc)) from None


class OwnTextService(TextService):
    """A character-level model trained from the tab on an uploaded text (kept in the user cache)."""

    def __init__(self) -> None:
        super().__init__(OWN_NAME)

    def trained(self) -> bool:
        """Whether a model of the student's text exists."""
        return registry.exists(self.name, registry.USER)

    def generator(self) -> text_lm.TextGenerator:
        if not self.trained():
            raise UserError("Train a model on your text first (upload a .txt file and press Train).")
        return super().generator()

    def sample(self, prompt: str, length: int, temperature, seed: int) -> str:
        """One generation of the student's model: the prompt followed by ``length`` new characters."""
        rows = self.generate(prompt, length, [temperature], seed)[1]
        return rows[0].prompt + rows[0].text

    def training_job(self, path, epochs: int, keep_on_stop: bool) -> JobSpec:
        """The training job of the tab's Train button: a character model of the uploaded file."""
        read_text_upload(path)  # refuse a wrong file now, before the job waits in line
        return JobSpec(request("text-own", file=str(path), epochs=int(epochs)),
                       f"your text · {int(epochs)} epochs", None, keep_on_stop)
