"""backup_data / restore_data: a portfolio dumped, the database emptied, the dump
restored — and every key table comes back row for row."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, AuditEntry, Contact, Contract, Interaction
from accounts.services import change_owner
from accounts.vocabulary import Role
from signals.alerts import acknowledge_alert
from signals.models import AccountHealth, Alert, AlertEvent, HealthSnapshot, Notification
from signals.thresholds import create_rule
from tests.browser import open_alert, recorded_account, score

pytestmark = pytest.mark.django_db(transaction=True)

KEY_MODELS = [
    get_user_model(),
    Account,
    Contact,
    Contract,
    Interaction,
    HealthSnapshot,
    AccountHealth,
    Alert,
    AlertEvent,
    Notification,
    AuditEntry,
]


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every column of every row, per key table."""
    result = {}
    for model in KEY_MODELS:
        rows = list(model.objects.order_by("pk").values())
        digest = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode())
        result[model._meta.label] = (len(rows), digest.hexdigest())
    return result


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    # A transactional test flushes the tables afterwards, the roles' groups included.
    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def portfolio(am_alice, am_bob, manager, admin_user):
    alice = recorded_account(owner=am_alice, external_id="BK-A", name="Backup A")
    bob = recorded_account(owner=am_bob, external_id="BK-B", name="Backup B")
    score(alice, bob)
    alert = open_alert(alice, name="Backup rule")
    acknowledge_alert(alert=alert, by=manager, note="restored too?")
    change_owner(account=bob, owner=am_alice, by=manager)
    create_rule(by=admin_user, name="Ghosts", measure="ghost", operator="gte", value=70)


def test_a_backup_restored_into_an_empty_database_has_every_row_back(portfolio, tmp_path):
    before = _fingerprint()
    assert before["accounts.Interaction"][0] > 0 and before["accounts.AuditEntry"][0] == 3
    call_command("backup_data", str(tmp_path / "crm"))
    dump = tmp_path / "crm.json.gz"
    assert json.loads(gzip.decompress(dump.read_bytes()))  # plain gzip JSON

    call_command("flush", interactive=False, verbosity=0)
    assert not Account.objects.exists() and not AuditEntry.objects.exists()
    call_command("restore_data", str(dump))

    assert _fingerprint() == before


def test_restoring_into_a_database_that_holds_data_is_refused(portfolio, tmp_path):
    call_command("backup_data", str(tmp_path / "crm.json.gz"))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore_data", str(tmp_path / "crm.json.gz"))


def test_restore_with_flush_replaces_what_was_there(portfolio, tmp_path):
    before = _fingerprint()
    call_command("backup_data", str(tmp_path / "crm.json.gz"))
    Account.objects.create(external_id="AFTER-BACKUP", name="Not in the backup")
    call_command("restore_data", str(tmp_path / "crm.json.gz"), flush=True)
    assert _fingerprint() == before
    assert not Account.objects.filter(external_id="AFTER-BACKUP").exists()


def test_a_damaged_backup_restores_nothing(portfolio, tmp_path):
    call_command("backup_data", str(tmp_path / "crm.json.gz"))
    rows = json.loads(gzip.decompress((tmp_path / "crm.json.gz").read_bytes()))
    # Cut the file after the accounts: their interactions' references still resolve,
    # but an alert pointing at a missing rule must abort the whole load.
    broken = [r for r in rows if r["model"] != "signals.thresholdrule"]
    (tmp_path / "broken.json.gz").write_bytes(gzip.compress(json.dumps(broken).encode()))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        call_command("restore_data", str(tmp_path / "broken.json.gz"))
    assert not Account.objects.exists()
