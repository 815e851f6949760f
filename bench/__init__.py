"""Benchmarks: ``python -m bench <recompute|incremental|pages|import|all>``.

See BENCHMARKS.md for the figures and the exact commands that produced them.
"""
