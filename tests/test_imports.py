"""import_accounts / import_interactions: validated whole, nothing written on error,
idempotent, streamed."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.imports import import_interactions
from accounts.models import Account, Contact, Contract, Interaction
from tests.factories import UserFactory

ACCOUNTS = """account_id,name,segment,owner,annual_value,started_at,status,churned_at,contract_start,contract_end,auto_renew,renewals_so_far,early_termination_fee,notice_days
ACME-001,Acme Corp,enterprise,alice,120000,2023-02-01,active,,2023-02-01,2026-01-31,true,2,30000,90
GLOBEX,Globex,smb,,9000.50,2024-05-10,churned,2025-06-30,,,,,,
INITECH,Initech,,,,,,,,,,,,
"""

INTERACTIONS = """account_id,occurred_at,channel,direction,kind,contact,text,nps,csat,amount,due_at,interaction_id,responds_to
ACME-001,2026-01-05T09:00:00Z,email,inbound,complaint,Jane Roe,The export has been broken for a week.,,,,,c1,
ACME-001,2026-01-05T15:30:00+01:00,email,outbound,follow_up,,Sorry - we are on it and will fix it by Friday.,,,,,r1,c1
ACME-001,2026-01-06,survey,inbound,survey,Jane Roe,,9,4,,,,
ACME-001,2026-01-07,invoice,outbound,invoice,,Invoice 17,,,1200.00,2026-02-06,inv17,
NEWCO,2026-01-08T10:00:00,payment,inbound,payment,,,,,1200.00,,,inv17
"""


def _write(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def alice_user(db):
    return UserFactory(username="alice", role="account_manager")


def test_a_good_accounts_file_imports_accounts_and_contracts(tmp_path, alice_user):
    call_command("import_accounts", str(_write(tmp_path, "a.csv", ACCOUNTS)))
    acme = Account.objects.get(external_id="ACME-001")
    assert acme.owner == alice_user and acme.segment == "enterprise"
    assert acme.annual_value == 120000
    contract = Contract.objects.get(account=acme)
    assert contract.auto_renew and contract.renewals_so_far == 2 and contract.notice_days == 90
    globex = Account.objects.get(external_id="GLOBEX")
    assert globex.status == "churned" and str(globex.churned_at) == "2025-06-30"
    assert Account.objects.count() == 3


def test_reimporting_the_same_accounts_file_changes_nothing(tmp_path, alice_user):
    path = _write(tmp_path, "a.csv", ACCOUNTS)
    call_command("import_accounts", str(path))
    before = list(Account.objects.order_by("pk").values())
    out = io.StringIO()
    call_command("import_accounts", str(path), stdout=out)
    assert "unchanged 3" in out.getvalue()
    after = list(Account.objects.order_by("pk").values())
    assert [dict(a, updated_at=None) for a in after] == [dict(b, updated_at=None) for b in before]
    assert Contract.objects.count() == 1


def test_a_good_interactions_file_imports_fully_and_resolves_replies(tmp_path, alice_user):
    call_command("import_accounts", str(_write(tmp_path, "a.csv", ACCOUNTS)))
    call_command("import_interactions", str(_write(tmp_path, "i.csv", INTERACTIONS)))
    assert Interaction.objects.count() == 5
    reply = Interaction.objects.get(external_id="r1")
    assert reply.responds_to.external_id == "c1"
    # A time with an offset is stored in UTC; a date alone is midnight UTC.
    assert reply.occurred_at.isoformat() == "2026-01-05T14:30:00+00:00"
    survey = Interaction.objects.get(kind="survey")
    assert survey.occurred_at.isoformat() == "2026-01-06T00:00:00+00:00"
    assert (survey.nps, survey.csat) == (9, 4)
    # An unknown account_id creates the account, named after its id.
    newco = Account.objects.get(external_id="NEWCO")
    assert newco.name == "NEWCO"
    payment = newco.interactions.get()
    assert payment.responds_to.external_id == "inv17"
    assert Contact.objects.filter(name="Jane Roe").count() == 1


def test_text_is_analysed_once_when_imported(tmp_path, db):
    call_command("import_interactions", str(_write(tmp_path, "i.csv", INTERACTIONS)))
    complaint = Interaction.objects.get(external_id="c1")
    assert complaint.analysis_version >= 1
    assert complaint.tone < 0


def test_reimporting_the_same_interactions_changes_nothing(tmp_path, db):
    path = _write(tmp_path, "i.csv", INTERACTIONS)
    call_command("import_interactions", str(path))
    ids = sorted(Interaction.objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("import_interactions", str(path), stdout=out)
    assert sorted(Interaction.objects.values_list("pk", flat=True)) == ids
    assert "created 0" in out.getvalue() and "unchanged 5" in out.getvalue()


def test_rows_without_interaction_id_are_identified_by_their_natural_key(tmp_path, db):
    text = (
        "account_id,occurred_at,channel,direction,kind,text\n"
        "X1,2026-03-01T10:00:00Z,chat,inbound,message,Hello there\n"
        "X1,2026-03-01T10:00:00Z,chat,inbound,message,Hello there\n"
        "X1,2026-03-01T10:00:00Z,chat,inbound,message,A different text\n"
    )
    path = _write(tmp_path, "i.csv", text)
    call_command("import_interactions", str(path))
    call_command("import_interactions", str(path))
    assert Interaction.objects.count() == 2


BAD = """account_id,occurred_at,channel,direction,kind,contact,text,nps,csat,amount,due_at,interaction_id,responds_to
ACME-001,not-a-date,email,inbound,complaint,,Broken,,,,,,
ACME-001,2026-01-05,fax,sideways,rant,,Hmm,11,0,-5,,,
ACME-001,2026-01-06,email,inbound,message,,fine,,,,2026-13-45,dup,
ACME-001,2026-01-07,email,inbound,message,,fine again,,,,,dup,ghost-id
"""


def test_a_bad_file_writes_nothing_and_names_every_bad_cell(tmp_path, db):
    path = _write(tmp_path, "bad.csv", BAD)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_interactions", str(path), stderr=err)
    report = err.getvalue()
    expected = [
        "row 2, column occurred_at: 'not-a-date' is not an ISO 8601",
        "row 3, column channel: 'fax' must be one of",
        "row 3, column direction: 'sideways' must be one of",
        "row 3, column kind: 'rant' must be one of",
        "row 3, column nps: '11' must be between 0 and 10",
        "row 3, column csat: '0' must be between 1 and 5",
        "row 3, column amount: '-5' must not be negative",
        "row 4, column due_at: '2026-13-45' is not an ISO 8601",
        "row 5, column interaction_id: 'dup' repeats row 4",
        "row 5, column responds_to: 'ghost-id' names no interaction_id",
    ]
    for line in expected:
        assert line in report, line
    assert Interaction.objects.count() == 0
    assert Account.objects.count() == 0


def test_a_file_with_unknown_or_missing_columns_is_rejected_whole(tmp_path, db):
    path = _write(
        tmp_path,
        "bad.csv",
        "account_id,ocurred_at,channel,direction,kind\nA,2026-01-01,email,inbound,message\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interactions", str(path), stderr=err)
    assert "missing required column(s): occurred_at" in err.getvalue()
    assert "unknown column(s): ocurred_at" in err.getvalue()


def test_bad_account_cells_are_named(tmp_path, db):
    text = (
        "account_id,name,owner,annual_value,status,started_at,churned_at,notice_days\n"
        "A1,,nobody,abc,gone,2025-01-01,2024-01-01,x\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_accounts", str(_write(tmp_path, "a.csv", text)), stderr=err)
    out = err.getvalue()
    for piece in (
        "column name: is required",
        "column owner: 'nobody' is not an existing username",
        "column annual_value: 'abc' is not a number",
        "column status: 'gone' must be one of",
        "column notice_days: 'x' is not a whole number",
    ):
        assert piece in out, piece
    assert Account.objects.count() == 0


def test_dry_run_validates_and_reports_without_writing(tmp_path, db):
    out = io.StringIO()
    call_command(
        "import_interactions", str(_write(tmp_path, "i.csv", INTERACTIONS)), "--dry-run", stdout=out
    )
    assert "dry run" in out.getvalue()
    assert Interaction.objects.count() == 0 and Account.objects.count() == 0


def test_a_byte_order_mark_is_accepted_and_bad_encoding_is_refused(tmp_path, db):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeff".encode() + INTERACTIONS.encode())
    call_command("import_interactions", str(bom))
    assert Interaction.objects.count() == 5
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        b"account_id,occurred_at,channel,direction,kind,text\nA,2026-01-01,email,inbound,message,caf\xe9\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interactions", str(latin), stderr=err)
    assert "not valid UTF-8" in err.getvalue()


def test_a_failure_while_writing_rolls_back_everything(tmp_path, db, monkeypatch):
    from accounts import imports

    calls = {"n": 0}
    real = imports._link_responses

    def explode(pending):
        calls["n"] += 1
        real(pending)
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_link_responses", explode)
    with pytest.raises(RuntimeError):
        import_interactions(source=_write(tmp_path, "i.csv", INTERACTIONS))
    assert calls["n"] == 1
    assert Interaction.objects.count() == 0 and Account.objects.count() == 0


def test_a_large_file_is_streamed_in_batches(tmp_path, db, django_assert_max_num_queries):
    """25,000 rows go in batched statements, not one per row. (SQLite caps the
    parameters of one statement, so its batches are smaller than PostgreSQL's.)"""
    path = tmp_path / "big.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["account_id", "occurred_at", "channel", "direction", "kind", "text"])
        for i in range(25_000):
            writer.writerow(
                [
                    f"BIG-{i % 50}",
                    f"2026-01-01T00:00:{i % 60:02d}Z",
                    "email",
                    "inbound" if i % 2 else "outbound",
                    "message",
                    f"message {i}",
                ]
            )
    with django_assert_max_num_queries(1000):
        report = import_interactions(source=path)
    assert report.ok and report.created == 25_000
    assert Interaction.objects.count() == 25_000
    assert Account.objects.count() == 50


def test_a_file_object_is_read_twice_without_being_closed(db):
    stream = io.BytesIO(INTERACTIONS.encode())
    report = import_interactions(source=stream)
    assert report.ok and report.created == 5
    assert not stream.closed


def test_an_owner_change_by_import_is_audited(tmp_path, alice_user):
    from accounts.models import AuditEntry

    UserFactory(username="bob", role="account_manager")
    call_command("import_accounts", str(_write(tmp_path, "a.csv", ACCOUNTS)))
    moved = ACCOUNTS.replace(
        "ACME-001,Acme Corp,enterprise,alice", "ACME-001,Acme Corp,enterprise,bob"
    )
    call_command("import_accounts", str(_write(tmp_path, "b.csv", moved)))
    entry = AuditEntry.objects.get(action="account.owner_changed")
    assert entry.changes == {"owner": ["alice", "bob"]} and entry.note == "import_accounts"


def test_the_file_id_index_reports_first_rows_and_unresolved_parents_in_order():
    from pathlib import Path

    from accounts.import_index import FileIdIndex

    with FileIdIndex() as index:
        assert index.claim("B", 2) is None
        assert index.claim("A", 3) is None
        assert index.claim("B", 7) == 2  # the first definition wins, whatever comes later
        index.refer("Z", 4)
        index.refer("A", 5)
        index.refer("M", 6)
        index.refer("Z", 8)
        assert list(index.unresolved()) == ["M", "Z"]
        assert index.rows_referring_to("Z") == [4, 8]
        scratch = Path(index._dir.name)
    assert not scratch.exists()  # the scratch database goes with the import
