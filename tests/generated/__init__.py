"""Tests of the generated client (nextschool/generated_client).

A package so that pytest and mypy name these modules `generated.*` and the
file names cannot collide with test modules in other directories of tests/.
"""
