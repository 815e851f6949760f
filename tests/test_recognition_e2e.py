"""A hand-written portfolio, imported through the CSV commands, is recognised.

The texts in tests/data/recognition_*.csv were written for this test, in wording
the cue rules were not written from: one account per archetype, accounts showing
the vendor-side signs, and one plainly healthy account.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from accounts.models import Account, Interaction
from signals.models import AccountHealth, ChurnModelState, ClvModelState, HealthSnapshot
from signals.scoring import health_document

DATA = Path(__file__).parent / "data"
ARCHETYPE_ACCOUNTS = {
    "REC-PERFECT": "perfectionist",
    "REC-CHRONIC": "chronic_complainer",
    "REC-NITPICK": "nitpicker",
    "REC-GATE": "gatekeeper",
    "REC-GHOST": "ghost",
    "REC-BARGAIN": "bargainer",
    "REC-EXPERT": "know_it_all",
    "REC-VICTIM": "victim",
    "REC-RULES": "rule_breaker",
}
VENDOR_ACCOUNTS = {
    "REC-PUSHY": ["ignores_no"],
    "REC-LOCKED": ["exit_penalties", "renewal_lock_in"],
    "REC-SLOW": ["slow_response"],
    "REC-SILENT": ["unanswered_inbound"],
    "REC-BROKEN": ["broken_commitments"],
    "REC-ONESIDED": ["effort_imbalance"],
    "REC-INWARD": ["inward_focus"],
}


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), freeze_time("2026-06-01 12:00:00"):
        call_command("import_accounts", str(DATA / "recognition_accounts.csv"))
        call_command("import_interactions", str(DATA / "recognition_interactions.csv"))
        call_command("recompute_scores", sync=True)
        docs = {a.external_id: health_document(a) for a in Account.objects.all()}
        yield docs
        # Module-scoped data lives outside the per-test transactions: clean up by hand,
        # newest snapshots first (each protects its predecessor).
        AccountHealth.objects.all().delete()
        while HealthSnapshot.objects.exists():
            HealthSnapshot.objects.filter(superseded_by__isnull=True).delete()
        Account.objects.all().delete()
        ChurnModelState.objects.all().delete()
        ClvModelState.objects.all().delete()


@pytest.mark.parametrize(("external_id", "archetype"), sorted(ARCHETYPE_ACCOUNTS.items()))
def test_each_archetype_account_has_its_archetype_on_top(documents, external_id, archetype):
    top = documents[external_id]["archetypes"][0]
    assert top["key"] == archetype, documents[external_id]["archetypes"][:3]
    assert top["score"] >= 50
    assert top["evidence"]


@pytest.mark.parametrize(("external_id", "signs"), sorted(VENDOR_ACCOUNTS.items()))
def test_vendor_side_accounts_score_high_on_their_signs(documents, external_id, signs):
    scores = {i["key"]: i["score"] for i in documents[external_id]["vendor_signs"]}
    for sign in signs:
        assert scores[sign] >= 50, (sign, documents[external_id]["vendor_signs"][:3])


def test_the_plainly_healthy_account_is_the_healthiest_and_in_band_healthy(documents):
    healthy = documents["REC-HEALTHY"]
    assert healthy["band"] == "healthy"
    others = [d["health"] for k, d in documents.items() if k != "REC-HEALTHY"]
    assert healthy["health"] > max(others)
    assert all(i["score"] < 50 for g in ("archetypes", "vendor_signs") for i in healthy[g])


def test_nps_is_exactly_the_standard_formula(documents):
    # REC-HEALTHY answered 9, 10, 10: 3 promoters, 0 detractors → 100.
    assert documents["REC-HEALTHY"]["metrics"]["nps"] == 100.0
    # REC-PERFECT answered 5 and 6: 2 detractors of 2 → −100.
    assert documents["REC-PERFECT"]["metrics"]["nps"] == -100.0
    # REC-CHRONIC: three detractors → −100; CSAT is the plain mean.
    assert documents["REC-CHRONIC"]["metrics"]["csat"] == 1.0


@pytest.mark.django_db
def test_every_document_holds_every_key_with_evidence_behind_high_scores(documents):
    assert Interaction.objects.exists()
    for doc in documents.values():
        for group in ("archetypes", "traits", "warning_signs", "vendor_signs"):
            scores = [i["score"] for i in doc[group]]
            assert scores == sorted(scores, reverse=True)
            assert all(i["evidence"] for i in doc[group] if i["score"] >= 50)
