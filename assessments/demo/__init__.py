"""Data that is not the product's own: the demo portfolio (`seed`) of `manage.py seed_demo`
and the synthetic portfolios (`synthetic`) of the benchmarks and scale tests."""
