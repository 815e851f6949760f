"""Shared by the page tests (Django test client) and the browser tests (Playwright
driving Debian's headless Chromium against pytest-django's live server).

Data is made with the factories and the real services: ``record_interaction`` writes
interactions (text analysed as in production), ``recompute_accounts`` scores them and
``signals.alerts.open_alert`` opens alerts. Tasks run eagerly (settings_test).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from django.utils import timezone

from accounts.models import Account
from accounts.services import record_interaction
from signals.models import Alert, HealthSnapshot, ThresholdRule
from signals.scoring import recompute_accounts
from tests.factories import AccountFactory, ContactFactory, ContractFactory
from tests.services import ARTIFACTS, REQUIRED, unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's default

#: Texts that the detectors read as a difficult customer and as a neglectful vendor.
ANGRY = [
    "This is not acceptable. We expected better and this is the third time it broke.",
    "Still waiting for an answer. This is ridiculous, fix it ASAP.",
    "Your team is incompetent and we are sick of repeating ourselves.",
]
OUR_POLICY = "As per our policy we cannot change our process; our terms apply to all customers."


# --- data ------------------------------------------------------------------------------


def scored_account(**kwargs) -> Account:
    """An account with a contract, a contact, a few weeks of interactions and two
    snapshots (so history, trend and "what changed" have something to show)."""
    account = recorded_account(**kwargs)
    score(account)
    account.refresh_from_db()
    return account


def score(*accounts: Account) -> None:
    """Two recomputes a day apart: a history and a diff to show."""
    ids = [a.pk for a in accounts]
    recompute_accounts(account_ids=ids, as_of=timezone.now() - dt.timedelta(days=1, hours=1))
    recompute_accounts(account_ids=ids)


def recorded_account(
    *,
    owner,
    external_id: str,
    name: str,
    difficult: bool = True,
    annual_value: int = 24000,
    segment: str = "smb",
) -> Account:
    """An account with a contract, a contact and a few weeks of interactions, unscored
    (the per-write recompute is held back; ``score`` recomputes once for all accounts)."""
    with mock.patch("signals.dispatch.request_recompute"):
        return _record(
            owner=owner,
            external_id=external_id,
            name=name,
            difficult=difficult,
            annual_value=annual_value,
            segment=segment,
        )


def _record(
    *, owner, external_id: str, name: str, difficult: bool, annual_value: int, segment: str
) -> Account:
    account = AccountFactory(
        external_id=external_id,
        name=name,
        owner=owner,
        annual_value=annual_value,
        segment=segment,
    )
    ContractFactory(
        account=account,
        start=dt.date(2025, 1, 1),
        end=dt.date(2027, 12, 31),
        auto_renew=True,
        renewals_so_far=1,
        early_termination_fee=6000,
        notice_days=90,
    )
    contact = ContactFactory(account=account, name=f"{name} contact")
    now = timezone.now()
    start = now - dt.timedelta(days=60)
    for week in range(6):
        at = start + dt.timedelta(days=7 * week)
        if difficult:
            record_interaction(
                account=account,
                occurred_at=at,
                channel="email",
                direction="inbound",
                kind="complaint",
                text=ANGRY[week % len(ANGRY)],
                contact=contact,
            )
            record_interaction(
                account=account,
                occurred_at=at + dt.timedelta(days=3),
                channel="email",
                direction="outbound",
                kind="message",
                text=OUR_POLICY,
            )
        else:
            record_interaction(
                account=account,
                occurred_at=at,
                channel="call",
                direction="inbound",
                kind="praise",
                text="Thanks, the rollout went smoothly and the team is happy.",
                contact=contact,
            )
            record_interaction(
                account=account,
                occurred_at=at + dt.timedelta(hours=4),
                channel="email",
                direction="outbound",
                kind="follow_up",
                text="Glad to hear it. Here are the notes from our call for you.",
            )
    record_interaction(
        account=account,
        occurred_at=now - dt.timedelta(days=2),
        channel="survey",
        direction="inbound",
        kind="survey",
        nps=3 if difficult else 9,
        csat=2 if difficult else 5,
    )
    return account


def open_alert(account: Account, *, severity: str = "critical", name: str | None = None) -> Alert:
    """A rule that matches the account now and an alert opened through the service."""
    from signals.alerts import open_alert as open_alert_service

    rule = ThresholdRule.objects.create(
        name=name or f"Health below 90 ({severity})",
        measure="health",
        operator="lt",
        value=90,
        severity=severity,
    )
    tip = HealthSnapshot.objects.filter(account=account, superseded_by__isnull=True).get()
    opened = open_alert_service(account=account, rule=rule, snapshot=tip, value=tip.health)
    assert opened is not None
    return opened.alert


# --- browser ---------------------------------------------------------------------------


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (scripts/install-chromium.sh installs it)")


# One Playwright and one browser per process. Each browser test module imports the
# ``chromium`` fixture, and pytest makes a separate session fixture of every import; a
# second ``sync_playwright().start()`` while the first one's loop runs would fail, so
# the instances share this and the last one to finish closes it.
_SHARED: dict = {"users": 0}


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    _require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - listed in requirements-dev
        unavailable("playwright is not installed")
    if not _SHARED["users"]:
        # Playwright's sync API runs an event loop in this thread; Django would refuse
        # database access from the test body without this.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        _SHARED["browser"] = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()


class _OneRequestAtATime(WSGIServer):
    """The live server without threads. On SQLite the test database is in memory and
    its one connection is shared by every thread of the live server; two requests at
    once (a page and the chart document its script fetches) used it together and hung
    the run. PostgreSQL keeps the threaded server: a connection per thread."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server_for_the_database() -> Iterator[None]:
    if connection.vendor == "sqlite":
        with mock.patch.object(LiveServerThread, "server_class", _OneRequestAtATime):
            yield
    else:
        yield


@pytest.fixture
def page(
    chromium, live_server_for_the_database, live_server, transactional_db, request
) -> Iterator:
    """A fresh browser page on the live server; its last screen is saved as a test
    artifact, and page errors (CSP violations, JS exceptions) fail the test."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 1000}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    tab.on(
        "request",
        lambda req: (
            problems.append(f"external request: {req.url}")
            if not req.url.startswith(live_server.url)
            and not req.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    yield tab
    screenshot(tab, request.node.name)
    context.close()
    assert not problems, "\n".join(problems)


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def log_in(tab, user) -> None:
    tab.goto("/login/")
    tab.get_by_label("Username").fill(user.username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(re.compile(r".*/$"))


__all__ = [
    "REQUIRED",
    "log_in",
    "open_alert",
    "recorded_account",
    "score",
    "scored_account",
    "screenshot",
]
