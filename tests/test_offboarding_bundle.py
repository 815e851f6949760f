"""The customer's data bundle: exactly that account's rows, in CSV and JSON, and an
interactions CSV that ``import_interactions`` reads back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.imports import INTERACTION_COLUMNS
from accounts.models import Interaction
from offboarding import services
from offboarding.bundle import bundle_file
from tests.factories import AccountFactory, ContactFactory, ContractFactory, InteractionFactory

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def portfolio(alice_account, bob_account):
    """Alice's customer with a full record, and two other accounts with their own."""
    alice = alice_account
    jane = ContactFactory(account=alice, name="Jane Roe", email="jane@alice.example")
    ContactFactory(account=alice, name="Raj Patel", email="raj@alice.example")
    ContractFactory(account=alice, start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31))
    ContractFactory(
        account=alice, start=dt.date(2026, 1, 1), end=None, notice_days=60, auto_renew=True
    )
    invoice = InteractionFactory(
        account=alice,
        occurred_at=T0,
        channel="invoice",
        kind="invoice",
        direction="outbound",
        text="",
        amount=Decimal("1200.00"),
        due_at=T0 + dt.timedelta(days=30),
    )
    InteractionFactory(
        account=alice,
        occurred_at=T0 + dt.timedelta(days=50),
        channel="payment",
        kind="payment",
        text="",
        amount=Decimal("1200.00"),
        responds_to=invoice,
    )
    InteractionFactory(
        account=alice,
        contact=jane,
        occurred_at=T0 + dt.timedelta(days=3),
        kind="complaint",
        text='=HYPERLINK("x") this is still broken, fix it',
    )
    InteractionFactory(
        account=alice, occurred_at=T0 + dt.timedelta(days=4), kind="survey", nps=3, csat=2
    )
    InteractionFactory(
        account=alice,
        occurred_at=T0 + dt.timedelta(days=5),
        kind="commitment",
        direction="outbound",
        external_id="crm-991",
        due_at=T0 + dt.timedelta(days=9),
    )
    for other in (bob_account, AccountFactory(external_id="CAROL-001")):
        ContactFactory(account=other, name=f"Someone at {other.external_id}")
        ContractFactory(account=other)
        for i in range(3):
            InteractionFactory(account=other, occurred_at=T0 + dt.timedelta(hours=i))
    return alice


def _open(account):
    return zipfile.ZipFile(bundle_file(account))


def _csv_rows(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_the_bundle_holds_every_part_as_csv_and_json(portfolio):
    names = set(_open(portfolio).namelist())
    assert names == {
        "README.txt",
        *(
            f"{part}.{ext}"
            for part in ("account", "contacts", "contracts", "interactions")
            for ext in ("csv", "json")
        ),
    }


def test_the_bundle_holds_exactly_that_accounts_rows(portfolio):
    archive = _open(portfolio)
    for name in ("account", "contacts", "contracts", "interactions"):
        rows = _csv_rows(archive, f"{name}.csv")
        assert rows and {r["account_id"] for r in rows} == {"ALICE-001"}, name
        assert len(json.loads(archive.read(f"{name}.json"))) == len(rows), name
    assert len(_csv_rows(archive, "interactions.csv")) == portfolio.interactions.count() == 5
    assert {r["name"] for r in _csv_rows(archive, "contacts.csv")} == {"Jane Roe", "Raj Patel"}
    assert len(_csv_rows(archive, "contracts.csv")) == 2


def test_the_interactions_csv_uses_exactly_the_import_columns(portfolio):
    header = _open(portfolio).read("interactions.csv").decode().splitlines()[0]
    assert header.split(",") == INTERACTION_COLUMNS


def test_a_formula_in_a_text_cell_is_neutralised_in_csv_but_exact_in_json(portfolio):
    archive = _open(portfolio)
    texts = [r["text"] for r in _csv_rows(archive, "interactions.csv")]
    assert '\'=HYPERLINK("x") this is still broken, fix it' in texts
    exact = [r["text"] for r in json.loads(archive.read("interactions.json"))]
    assert '=HYPERLINK("x") this is still broken, fix it' in exact


def test_the_interactions_csv_re_imports_the_same_rows(portfolio, tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_bytes(_open(portfolio).read("interactions.csv"))
    before = {
        (i.occurred_at, i.kind, i.direction, i.amount, i.nps, i.csat, i.due_at)
        for i in portfolio.interactions.all()
    }
    others = Interaction.objects.exclude(account=portfolio).count()
    portfolio.interactions.all().delete()

    call_command("import_interactions", str(path))

    after = portfolio.interactions.all()
    assert after.count() == len(before) == 5
    assert {
        (i.occurred_at, i.kind, i.direction, i.amount, i.nps, i.csat, i.due_at) for i in after
    } == before
    assert Interaction.objects.exclude(account=portfolio).count() == others
    payment = after.get(kind="payment")
    assert payment.responds_to is not None and payment.responds_to.kind == "invoice"
    assert after.get(kind="complaint").contact.name == "Jane Roe"
    assert after.get(kind="commitment").external_id == "crm-991"


def test_re_importing_over_the_intact_record_repeats_only_rows_whose_identity_changed(
    portfolio, tmp_path
):
    path = tmp_path / "interactions.csv"
    path.write_bytes(_open(portfolio).read("interactions.csv"))
    call_command("import_interactions", str(path))
    # The invoice gets a bundle id (so the payment's link survives); every other row,
    # the neutralised formula cell included, is recognised as already there.
    assert portfolio.interactions.count() == 5 + 1


def test_downloading_the_bundle_is_recorded_on_the_case(client, am_alice, portfolio):
    case = services.start_case(account=portfolio, by=am_alice)
    client.force_login(am_alice)
    response = client.get(f"/offboarding/{case.pk}/bundle.zip")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ALICE-001-data.zip"')
    assert case.events.filter(action="bundle_downloaded", by=am_alice).exists()
