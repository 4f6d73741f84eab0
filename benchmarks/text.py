"""Text LM speed: generating 50 words the book's way against ours, and training tokens per second.

    python benchmarks/text.py [--repeats 5] [--train-steps 20]

1. Generation of 50 words from "This movie" with the shipped weights: the book's ``TextGenerator``
   (code 12-8: ``model.predict`` on the whole text so far for every word, softmax over every
   position, code 12-1 in numpy) against the studio's compiled loop with a key/value cache
   (target: under 0.3 s, at least 10x faster). Also the five book temperatures in one batched call.
2. Training throughput of the book's model (batch 64 of 100-token windows, compiled train_step),
   in next-word targets per second.
All numbers come from this one run on this machine.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: words50_ms=MS words50_speedup=X train_step_ms=MS``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from timing import add_weights_option, choose_weights, median_ms, summary

from studio.serving import runtime
from studio.techniques.text_lm import model as text_lm
from studio.techniques.text_lm.service import BOOK_TEMPERATURES, TextService

WORDS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train-steps", type=int, default=20)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    runtime.import_tensorflow()
    import keras

    print(runtime.device_info().label())
    generator = TextService().generator()
    prompt = generator.tokenizer.encode("This movie")

    generator.book_generate(prompt, 2, 1.0, seed=0)  # warm up predict's graph
    start = time.perf_counter()
    book_ids = generator.book_generate(prompt, WORDS, 1.0, seed=0)
    book_ms = (time.perf_counter() - start) * 1e3
    ours_ms = median_ms(lambda: generator.generate(prompt, WORDS, [1.0], seed=0), args.repeats)
    batch_ms = median_ms(lambda: generator.generate(prompt, WORDS, list(BOOK_TEMPERATURES), seed=0), args.repeats)
    print(f"\n1. generate {WORDS} words from 'This movie' at T = 1.0")
    print(f"   book (predict on the whole text per word)   {book_ms:8.0f} ms  ({book_ms / WORDS:.0f} ms a word)")
    print(f"   studio (compiled loop, key/value cache)     {ours_ms:8.1f} ms  speed-up {book_ms / ours_ms:.0f}x "
          f"(targets: < 300 ms, >= 10x)")
    print(f"   studio, the 5 book temperatures in one call {batch_ms:8.1f} ms")
    print(f"   book sample:   {generator.tokenizer.decode(prompt + book_ids)}")

    model = text_lm.make_language_model(generator.model.config)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    rng = np.random.default_rng(0)
    x = rng.integers(2, generator.model.config.vocab_size, (64 * args.train_steps, 100)).astype(np.int32)
    y = np.roll(x, -1, axis=1)
    model.fit(x[:128], y[:128], batch_size=64, epochs=1, verbose=0)  # trace
    start = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    print(f"\n2. training: {args.train_steps} steps of 64 x 100 tokens")
    print(f"   {x.size / seconds:,.0f} next-word targets per second ({seconds / args.train_steps * 1e3:.0f} ms a step)")
    summary(words50_ms=ours_ms, words50_speedup=book_ms / ours_ms, train_step_ms=seconds / args.train_steps * 1e3)


if __name__ == "__main__":
    main()
