"""Benchmarks of the course package: ``python -m bench.run`` (or ``--quick`` for a smoke run).

One module per benchmark, each with a ``run(...)`` that returns :class:`bench.common.Table`
objects; :mod:`bench.run` runs them in order and writes ``bench/README.md``. Figures are
medians of repeated runs next to a baseline measured in the same run; no test ever asserts
a figure.
"""
