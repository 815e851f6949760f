"""Demo data: a realistic, deterministic portfolio for ``manage.py seed_demo``.

``generator`` builds the portfolio as plain data (no database), ``writer`` stores it.
``behaviours`` says which behaviours exist in the demo and how each is expressed, so
the detectors can be evaluated against the recorded ground truth.
"""
