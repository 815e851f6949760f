"""Relationship metrics as plain functions on pandas/numpy (no Django).

- :mod:`signals.metrics.clv` — BG/NBD + Gamma-Gamma customer lifetime value from payments.
- :mod:`signals.metrics.churn` — churn probability fitted on the portfolio's own churned accounts.
- :mod:`signals.metrics.survey` — NPS, CSAT and the portfolio churn rate per month and segment.
- :mod:`signals.metrics.validation` — reproduces the published reference figures
  (``python -m signals.metrics.validation``).

Submodules are not imported here on purpose: scikit-learn and scipy are slow to import and
most callers need only one of them.
"""
