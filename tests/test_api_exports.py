"""CSV exports: streamed, access-scoped, filtered like the lists, formulas neutralised,
and the interactions export re-imports through ``import_interactions``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from accounts.cells import neutralise, unneutralise
from accounts.imports import INTERACTION_COLUMNS, import_interactions
from accounts.models import Interaction
from tests.factories import ContactFactory, InteractionFactory


def _rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain words", "plain words"),
    ],
)
def test_cells_a_spreadsheet_would_evaluate_get_a_leading_apostrophe(raw, shown):
    assert neutralise(raw) == shown
    assert unneutralise(shown) == raw


def test_the_interactions_export_neutralises_a_hyperlink_formula(api_as, am_alice, alice_account):
    InteractionFactory(account=alice_account, text='=HYPERLINK("http://x")')
    rows = _rows(api_as(am_alice).get("/api/interactions/export/"))
    assert rows[0]["text"] == '\'=HYPERLINK("http://x")'


def test_the_accounts_export_has_current_health_and_neutralised_names(
    api_as, manager, alice_account
):
    alice_account.name = "=cmd|' /C calc'!A0"
    alice_account.save()
    rows = _rows(api_as(manager).get("/api/accounts/export/?owner=alice"))
    assert [r["account_id"] for r in rows] == ["ALICE-001"]
    assert rows[0]["name"].startswith("'=")
    assert rows[0]["owner"] == "alice" and rows[0]["health"] == ""


def test_exports_never_include_another_owners_rows(api_as, am_alice, alice_account, bob_account):
    InteractionFactory(account=alice_account)
    InteractionFactory(account=bob_account)
    client = api_as(am_alice)
    assert {r["account_id"] for r in _rows(client.get("/api/accounts/export/"))} == {"ALICE-001"}
    assert {r["account_id"] for r in _rows(client.get("/api/interactions/export/"))} == {
        "ALICE-001"
    }
    assert _rows(client.get("/api/interactions/export/?account=BOB-001")) == []


def test_the_export_honours_the_lists_filters(api_as, manager, alice_account):
    InteractionFactory(account=alice_account, kind="complaint")
    InteractionFactory(account=alice_account, kind="praise")
    rows = _rows(api_as(manager).get("/api/interactions/export/?kind=praise"))
    assert [r["kind"] for r in rows] == ["praise"]


def test_a_bad_export_filter_is_a_json_400_even_when_csv_was_asked_for(api_as, manager):
    response = api_as(manager).get(
        "/api/interactions/export/?kind=nonsense", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json") and "kind" in response.json()


def test_the_export_is_streamed(api_as, manager, alice_account):
    response = api_as(manager).get("/api/interactions/export/")
    assert response.streaming and "attachment" in response["Content-Disposition"]


def _snapshot_of_record() -> list[tuple]:
    rows = Interaction.objects.select_related("account", "contact", "responds_to").order_by(
        "account__external_id", "occurred_at", "kind"
    )
    return [
        (
            i.account.external_id,
            i.occurred_at,
            i.channel,
            i.direction,
            i.kind,
            i.contact.name if i.contact else None,
            i.text,
            i.nps,
            i.csat,
            i.amount,
            i.due_at,
            i.external_id,
            i.responds_to.external_id if i.responds_to else None,
            i.tone,
            i.cue_flags,
        )
        for i in rows
    ]


def test_the_interactions_export_round_trips_through_the_import(
    api_as, manager, alice_account, bob_account, tmp_path
):
    t = dt.datetime(2026, 1, 10, 9, 15, tzinfo=dt.UTC)
    dana = ContactFactory(account=alice_account, name="Dana, CTO")
    promise = InteractionFactory(
        account=alice_account,
        occurred_at=t,
        direction="outbound",
        kind="commitment",
        text="We will ship the fix by Friday.",
        due_at=t + dt.timedelta(days=4),
        external_id="C-1",
    )
    InteractionFactory(
        account=alice_account,
        occurred_at=t + dt.timedelta(days=3),
        direction="outbound",
        kind="follow_up",
        text="Shipped, as promised.",
        responds_to=promise,
        external_id="F-1",
    )
    InteractionFactory(
        account=alice_account,
        occurred_at=t + dt.timedelta(days=5),
        contact=dana,
        kind="complaint",
        text='Multi-line\n"quoted", with commas — and ünïcode 🙂',
    )
    InteractionFactory(
        account=bob_account,
        occurred_at=t,
        channel="survey",
        kind="survey",
        text="",
        nps=9,
        csat=5,
    )
    InteractionFactory(
        account=bob_account,
        occurred_at=t,
        channel="invoice",
        kind="invoice",
        direction="outbound",
        text="",
        amount=Decimal("1234.50"),
        due_at=t + dt.timedelta(days=30),
    )
    # The import's analysis and the test factory's differ; compare what the import writes.
    for interaction in Interaction.objects.all():
        from signals.text import analyse_text

        analysis = analyse_text(interaction.text, direction=interaction.direction)
        interaction.tone, interaction.cue_flags = analysis.tone, analysis.cue_flags
        interaction.save()
    before = _snapshot_of_record()

    response = api_as(manager).get("/api/interactions/export/")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.splitlines()[0] == ",".join(INTERACTION_COLUMNS)
    exported = tmp_path / "interactions.csv"
    exported.write_text(body, encoding="utf-8")

    Interaction.objects.all().delete()
    report = import_interactions(source=exported)
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 5 and report.accounts_created == 0
    assert _snapshot_of_record() == before

    again = import_interactions(source=exported)
    assert again.ok and again.created == 0 and again.unchanged == 5
