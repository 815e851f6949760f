#!/bin/sh
# Every quality gate, then the whole test suite. Used by `make test` and .ci/run.
set -eu
BIN=${BIN:-.venv/bin}
export DJANGO_SETTINGS_MODULE=crm_health.settings_test

sh scripts/install-chromium.sh || echo "warning: could not install chromium; browser tests will skip (or fail under REQUIRE_SERVICES=1)"

echo "== ruff"
"$BIN/ruff" check .
"$BIN/ruff" format --check .
echo "== bandit (medium and above)"
"$BIN/bandit" -q -r accounts signals offboarding crm_health -c pyproject.toml --severity-level medium
echo "== django checks"
"$BIN/python" manage.py check
"$BIN/python" manage.py makemigrations --check --dry-run
echo "== pytest (everything but the slow soak; that is make test-slow)"
"$BIN/python" -m pytest -p no:cacheprovider -m "not slow" "$@"
