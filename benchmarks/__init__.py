"""Benchmarks of the nextschool SDK against the alternatives; run `python benchmarks/run.py`."""
