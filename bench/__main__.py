"""``python -m bench NAME [options]``: run benchmarks against the database and broker of
DATABASE_URL / CELERY_BROKER_URL (the production shape: PostgreSQL and Redis).

The data goes into a separate database, ``<name>_bench`` on the same server (created and
migrated if missing), never into the one DATABASE_URL names. The last line printed is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("recompute", "incremental", "pages", "import")


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = ROOT / "bench" / "out" / "bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "crm"
    return urlunparse(parsed._replace(path=f"/{name}_bench"))


def _ensure_database(url: str) -> None:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_health.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # The incremental bench posts through Django's test client (host "testserver",
    # plain HTTP) in this process, as the gunicorn of the pages bench is served.
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run(names: list[str], *, quick: bool, database_url: str, options: argparse.Namespace) -> dict:
    """Run the named benchmarks in this (already configured) Django process."""
    from django.conf import settings
    from django.db import connection

    from . import suites

    figures: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": connection.vendor,
            "broker": "redis" if settings.CELERY_BROKER_URL else "in-process",
        },
        "quick": quick,
    }
    if "recompute" in names:
        sizes = [(40, 2_000), (80, 4_000)] if quick else [(options.accounts, options.interactions)]
        if not quick and options.growth:
            factor = options.growth_factor
            sizes.append((options.accounts * factor, options.interactions * factor))
        figures["recompute"] = suites.bench_recompute(sizes=sizes, database_url=database_url)
    if "incremental" in names:
        figures["incremental"] = suites.bench_incremental(
            trials=5 if quick else options.trials,
            database_url=database_url,
            accounts=20 if quick else 1000,
            interactions=500 if quick else 100_000,
        )
    if "pages" in names:
        figures["pages"] = suites.bench_pages(
            accounts=30 if quick else options.page_accounts,
            interactions=600 if quick else options.page_accounts * 20,
            clients=2 if quick else options.clients,
            requests=4 if quick else options.requests,
            database_url=database_url,
            compare=getattr(options, "compare", None),
            rounds=1 if quick else getattr(options, "rounds", 3),
        )
    if "import" in names:
        figures["import"] = suites.bench_import(
            rows=500 if quick else options.rows, accounts=20 if quick else 10_000
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=[*NAMES, "all"])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--growth", action="store_true", help="also run at a larger size")
    parser.add_argument(
        "--growth-factor", type=int, default=10, help="the larger size, as a multiple (10)"
    )
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--page-accounts", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=50, help="requests per client per page")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="pages: also serve git REF (same migrations) from a worktree, alternating"
        " with this checkout on the same data",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare (3)")
    options = parser.parse_args(argv)
    url = _bench_database_url()
    _ensure_database(url)
    _setup(url)
    names = list(NAMES) if options.name == "all" else [options.name]
    figures = run(names, quick=options.quick, database_url=url, options=options)
    print(json.dumps(figures, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
