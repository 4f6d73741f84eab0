"""Serving the studio's results: computed once and shared (results), bursts coalesced (batching), the
server's threads and warm-up (runtime), and Keras loaded at first use (lazy_keras)."""
