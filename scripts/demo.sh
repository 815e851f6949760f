#!/bin/sh
# The embedded default: SQLite in the project folder, Celery tasks in-process.
set -eu
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
export DJANGO_DEBUG=1
unset DATABASE_URL CELERY_BROKER_URL || true
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py seed_demo
"$BIN/python" manage.py recompute_scores --sync
echo
echo "crm-health demo is ready on http://127.0.0.1:$PORT/"
echo "  log in as: admin / demo-admin-pw    manager / demo-manager-pw"
echo "             alice / demo-alice-pw    (account manager; also bob, carol)"
echo
exec "$BIN/python" manage.py runserver "127.0.0.1:$PORT"
