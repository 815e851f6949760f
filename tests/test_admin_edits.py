"""Edits in the Django admin reach the scores as the API's writes do: an interaction's
text is analysed again when it changes, and every account an edit touches is marked for
recompute (and recomputed once the edit commits)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms import MultiWidget
from django.test import Client
from django.utils import timezone

from accounts.models import Account, text_hash
from accounts.services import record_interaction
from signals.models import AccountHealth
from tests.factories import AccountFactory, ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _form_data(response) -> dict:
    """What the admin's change form posts back unchanged: each field's current value,
    split widgets (date and time) under their sub-names."""
    data = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value)
            data.update({f"{bound.html_name}_{i}": p or "" for i, p in enumerate(parts)})
        elif value is not None:
            data[bound.html_name] = "on" if value is True else value
    return {k: v for k, v in data.items() if v is not False}


def _clean(account: Account) -> None:
    Account.objects.filter(pk=account.pk).update(scores_dirty_since=None)


def _message(account: Account, text: str):
    """A message from the customer yesterday, written through the service."""
    return record_interaction(
        account=account,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        channel="email",
        direction="inbound",
        kind="message",
        text=text,
    )


def test_editing_an_interactions_text_analyses_it_again_and_rescores_the_account(
    admin_client, django_capture_on_commit_callbacks
):
    account = AccountFactory(external_id="ADM-1")
    with django_capture_on_commit_callbacks(execute=True):
        interaction = _message(
            account, "Thank you, the team has been wonderful and we are delighted."
        )
    before = AccountHealth.objects.get(account=account)
    assert interaction.tone > 0
    _clean(account)

    url = f"/admin/accounts/interaction/{interaction.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["text"] = "This is unacceptable. We are furious and will cancel the contract."
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    interaction.refresh_from_db()
    assert interaction.text_hash == text_hash(data["text"])
    assert interaction.tone < 0
    assert interaction.cue_flags  # the new text's cues, not the old text's
    after = AccountHealth.objects.get(account=account)
    assert after.snapshot_id != before.snapshot_id  # recomputed on commit


def test_a_contract_changed_or_an_interaction_deleted_in_the_admin_marks_the_account(
    admin_client,
):
    contract = ContractFactory(account=AccountFactory(external_id="ADM-2"))
    account = contract.account
    _clean(account)
    url = f"/admin/accounts/contract/{contract.pk}/change/"
    data = {**_form_data(admin_client.get(url)), "early_termination_fee": "50000"}
    assert admin_client.post(url, data).status_code == 302
    account.refresh_from_db()
    assert account.scores_dirty_since is not None

    # Moved to another account: the one it left and the one it joined are both rescored.
    other = AccountFactory(external_id="ADM-2B")
    _clean(account)
    _clean(other)
    assert admin_client.post(url, {**data, "account": str(other.pk)}).status_code == 302
    assert Account.objects.get(pk=account.pk).scores_dirty_since is not None
    assert Account.objects.get(pk=other.pk).scores_dirty_since is not None

    interaction = _message(account, "Fine.")
    _clean(account)
    response = admin_client.post(
        f"/admin/accounts/interaction/{interaction.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.scores_dirty_since is not None


def test_saving_an_account_with_its_inlines_in_the_admin_marks_it(admin_client):
    account = AccountFactory(external_id="ADM-3")
    _clean(account)
    url, data = _account_form(admin_client, account)
    data["annual_value"] = "99000"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    account.refresh_from_db()
    assert account.scores_dirty_since is not None


def test_adding_an_interaction_the_record_already_holds_is_refused_with_a_reason(
    admin_client,
):
    account = AccountFactory(external_id="ADM-4")
    existing = record_interaction(
        account=account,
        occurred_at=timezone.now().replace(microsecond=0) - dt.timedelta(days=1),
        channel="email",
        direction="inbound",
        kind="message",
        text="Same words twice.",
    )
    data = _form_data(admin_client.get(f"/admin/accounts/interaction/{existing.pk}/change/"))
    response = admin_client.post("/admin/accounts/interaction/add/", data)
    assert response.status_code == 200  # the form again, with the reason; no 500
    errors = response.context["adminform"].form.non_field_errors()
    assert f"Interaction {existing.pk} already records this" in errors[0]
    assert account.interactions.count() == 1

    # The same row saved again (nothing changed) is not a duplicate of itself.
    url = f"/admin/accounts/interaction/{existing.pk}/change/"
    assert admin_client.post(url, data).status_code == 302


def _account_form(admin_client, account: Account) -> tuple[str, dict]:
    url = f"/admin/accounts/account/{account.pk}/change/"
    response = admin_client.get(url)
    data = _form_data(response)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management[f].html_name: management[f].value() for f in management.fields})
    return url, data


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"status": "offboarding"}, "status", "set by the offboarding workflow"),
        (
            {"status": "churned", "churned_at": ""},
            "churned_at",
            "is required when status is churned",
        ),
    ],
)
def test_the_admin_holds_accounts_to_the_rules_the_api_follows(admin_client, change, field, reason):
    account = AccountFactory(external_id="ADM-5")
    url, data = _account_form(admin_client, account)
    response = admin_client.post(url, {**data, **change})
    assert response.status_code == 200  # the form again, nothing saved
    errors = response.context["adminform"].form.errors
    assert any(reason in message for message in errors[field]), errors
    account.refresh_from_db()
    assert account.status == "active"
