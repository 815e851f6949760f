"""recompute_scores and account_health, as interfaces.md promises them."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from signals.models import AccountHealth, ChurnModelState, HealthSnapshot
from signals.scoring import health_document
from tests.factories import AccountFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def account():
    account = AccountFactory(external_id="ACME-001")
    now = dt.datetime.now(dt.UTC)
    for i in range(4):
        InteractionFactory(
            account=account,
            occurred_at=now - dt.timedelta(days=3 + i),
            kind="discount_request",
            text=f"Could you lower the price a bit, take {i}?",
        )
    return account


def test_recompute_scores_sync_writes_every_score_and_reports_counts(account):
    AccountFactory(external_id="OTHER-1")
    output = run("recompute_scores", sync=True)
    assert "2 account(s) scored, 2 changed" in output
    assert AccountHealth.objects.count() == 2
    assert ChurnModelState.objects.count() == 1  # a full run refits the portfolio models


def test_recompute_scores_for_one_account_leaves_the_others_alone(account):
    other = AccountFactory(external_id="OTHER-1")
    output = run("recompute_scores", account="ACME-001", sync=True)
    assert "1 account(s) scored" in output
    assert not HealthSnapshot.objects.filter(account=other).exists()
    assert ChurnModelState.objects.count() == 0


def test_recompute_scores_without_sync_enqueues_the_task(account):
    output = run("recompute_scores", account="ACME-001")
    assert "1 account(s) queued in 1 task(s)" in output
    # Eager mode (no broker): the task already ran in-process.
    assert health_document(account) is not None


def test_recompute_scores_rejects_an_unknown_account():
    with pytest.raises(CommandError, match="No account with external id 'NOPE'"):
        run("recompute_scores", account="NOPE", sync=True)


def test_account_health_json_prints_exactly_the_document(account):
    run("recompute_scores", account="ACME-001", sync=True)
    output = run("account_health", "ACME-001", json=True)
    document = health_document(account)
    assert json.loads(output) == document
    assert output.strip() == json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False)
    assert list(json.loads(output))[:6] == [
        "account",
        "computed_at",
        "health",
        "band",
        "customer_side",
        "vendor_side",
    ]


def test_account_health_scores_an_account_never_scored_before(account):
    document = json.loads(run("account_health", "ACME-001", json=True))
    assert document["account"] == "ACME-001"
    bargainer = next(i for i in document["archetypes"] if i["key"] == "bargainer")
    assert bargainer["score"] >= 50 and bargainer["evidence"]


def test_account_health_prints_a_readable_summary(account):
    output = run("account_health", "ACME-001")
    assert "ACME-001  health" in output
    assert "bargainer" in output
    assert "→ bargainer:" in output


def test_account_health_rejects_an_unknown_account():
    with pytest.raises(CommandError, match="No account with external id 'NOPE'"):
        run("account_health", "NOPE")
