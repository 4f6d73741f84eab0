"""Model bundles: the registry of shipped and trained weights, their files, provenance, and the cache
of objects built from them."""
