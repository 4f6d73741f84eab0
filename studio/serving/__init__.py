"""Serving the studio's results: computed once and shared (results), bursts coalesced (batching), the
server's threads and warm-up (runtime), Keras loaded at first use (lazy_keras), and malloc's arenas
capped for a long-running server (memory)."""
