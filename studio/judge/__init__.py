"""The judge: a small classifier per data set whose features give FID, agreement and coverage for
every generator tab (``model``, its bundles in ``presets``, ``python -m studio.train judge`` in ``recipe``)."""
