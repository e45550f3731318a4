"""Stands in for Cython's ``cython`` module when the pipeline runs as plain
Python and Cython is not installed: only ``compiled`` is read."""

compiled = False
