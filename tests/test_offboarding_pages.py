"""The server-rendered offboarding pages, driven with Django's test client: a case
walked from the start view to close, guards shown as messages, access as 404s."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.vocabulary import AccountStatus
from offboarding import services
from offboarding.models import Case
from offboarding.vocabulary import ChecklistKey, ReflectionQuestion
from tests.test_offboarding_workflow import walk

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def alice_case(am_alice, alice_account):
    return services.start_case(account=alice_account, by=am_alice)


def test_a_case_walks_from_the_start_view_to_close_through_the_pages(
    client, am_alice, manager, alice_account
):
    client.force_login(am_alice)
    start_url = reverse("offboarding-start", kwargs={"external_id": "ALICE-001"})
    assert client.get(start_url).status_code == 200
    response = client.post(start_url, {"reason": "Invoices unpaid since spring"})
    case = Case.objects.get(account=alice_account)
    assert response.status_code == 302 and response.url == f"/offboarding/{case.pk}/"

    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "What could we change on our side first?" in html
    assert "Our side first" in html and "Pays late or not at all" in html

    base = f"/offboarding/{case.pk}"
    response = client.post(
        f"{base}/assessment/",
        {
            "criteria": ["chronic_non_payer"],
            "fit_judgement": "partly",
            "findings": "Five invoices overdue.",
            "vendor_change_first": "Offer a payment plan before anything else.",
        },
    )
    assert response.status_code == 302
    client.post(f"{base}/comments/", {"text": "Finance has tried twice."})
    client.post(f"{base}/request-decision/")
    case.refresh_from_db()
    assert case.status == "awaiting_decision"
    assert "Waiting for a manager" in client.get(base + "/").content.decode()

    client.force_login(manager)
    client.post(f"{base}/decision/", {"outcome": "approved", "reason": "Payment plan refused."})
    case.refresh_from_db()
    assert case.status == "communication"

    client.force_login(am_alice)
    client.post(f"{base}/tasks/", {"title": "Send the data bundle", "due_on": "2026-12-15"})
    client.post(f"{base}/transition/", {"referrals": "Acme Support Co.", "resources": ""})
    client.post(f"{base}/advance/")
    page = client.get(base + "/").content.decode()
    assert "15 December 2026" in page  # the letter draft carries the task's date
    client.post(f"{base}/letter/", {"body": "Dear customer, thank you."})
    client.post(f"{base}/advance/")
    case.refresh_from_db()
    assert case.status == "reflection"

    for key in ChecklistKey.values:
        client.post(f"{base}/checklist/{key}/", {f"{key}-done": "on", f"{key}-owner": am_alice.pk})
    answers = {f"{q.value}__rating": "yes" for q in ReflectionQuestion if q != "do_differently"}
    answers["do_differently__note"] = "Agree payment terms in writing from day one."
    client.post(f"{base}/reflection/", answers)
    response = client.post(f"{base}/close/", {"note": "Done."}, follow=True)
    case.refresh_from_db()
    alice_account.refresh_from_db()
    assert case.status == "closed" and alice_account.status == AccountStatus.OFFBOARDED
    assert "Offboarded" in response.content.decode()


def test_the_start_view_is_named_for_the_account_page_to_link(db):
    assert reverse("offboarding-start", kwargs={"external_id": "X-1"}) == "/offboarding/start/X-1/"


def test_another_owners_case_page_is_a_404(client, am_bob, alice_case):
    client.force_login(am_bob)
    base = f"/offboarding/{alice_case.pk}"
    assert client.get(base + "/").status_code == 404
    assert client.get(base + "/bundle.zip").status_code == 404
    assert client.get(base + "/letter/print/").status_code == 404
    assert client.post(base + "/comments/", {"text": "hi"}).status_code == 404
    assert client.get("/offboarding/start/ALICE-001/").status_code == 404


def test_the_list_shows_only_cases_of_the_users_own_accounts(
    client, am_alice, am_bob, manager, alice_case, bob_account
):
    services.start_case(account=bob_account, by=manager)
    client.force_login(am_bob)
    html = client.get("/offboarding/").content.decode()
    assert "Bob&#x27;s customer" in html and "Alice&#x27;s customer" not in html
    client.force_login(manager)
    html = client.get("/offboarding/").content.decode()
    assert "Bob&#x27;s customer" in html and "Alice&#x27;s customer" in html


def test_requesting_a_decision_too_early_explains_what_is_missing(client, am_alice, alice_case):
    client.force_login(am_alice)
    response = client.post(f"/offboarding/{alice_case.pk}/request-decision/", follow=True)
    text = " ".join(_messages(response))
    assert "Vendor change first" in text and "Findings" in text
    alice_case.refresh_from_db()
    assert alice_case.status == "assessment"


def test_an_account_manager_gets_403_posting_a_decision(client, am_alice, manager, alice_case):
    walk(alice_case, to="awaiting_decision", manager=manager, by=am_alice)
    client.force_login(am_alice)
    response = client.post(
        f"/offboarding/{alice_case.pk}/decision/", {"outcome": "approved", "reason": "x"}
    )
    assert response.status_code == 403


def test_closing_with_an_open_plan_shows_the_open_items(client, manager, alice_case):
    walk(alice_case, to="reflection", manager=manager)
    client.force_login(manager)
    response = client.post(f"/offboarding/{alice_case.pk}/close/", {}, follow=True)
    assert any("10 communication plan item(s) still open" in m for m in _messages(response))


def test_an_invalid_form_re_renders_the_case_with_its_errors(client, manager, alice_case):
    walk(alice_case, to="communication", manager=manager)
    client.force_login(manager)
    response = client.post(f"/offboarding/{alice_case.pk}/tasks/", {"title": "Call"})
    assert response.status_code == 400
    assert response.context["task_form"].errors["due_on"]


def test_the_stepper_shows_where_the_case_stands(client, manager, alice_case):
    walk(alice_case, to="communication", manager=manager)
    client.force_login(manager)
    steps = client.get(f"/offboarding/{alice_case.pk}/").context["steps"]
    assert [s["state"] for s in steps] == ["done", "done", "current", "todo", "todo", "todo"]


def test_pages_carry_no_inline_script_and_no_external_urls(client, manager, alice_case):
    walk(alice_case, to="reflection", manager=manager)
    client.force_login(manager)
    for url in [
        "/offboarding/",
        f"/offboarding/{alice_case.pk}/",
        f"/offboarding/{alice_case.pk}/letter/print/",
        "/offboarding/reflections/",
        "/offboarding/start/ALICE-001/",
    ]:
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert "http://" not in html and "https://" not in html, url


def test_the_print_view_is_print_friendly(client, manager, alice_case):
    walk(alice_case, to="transition", manager=manager)
    services.save_letter(case=alice_case, by=manager, body="Dear Alice,\n\nThank you.")
    client.force_login(manager)
    html = client.get(f"/offboarding/{alice_case.pk}/letter/print/").content.decode()
    assert "Version 1" in html and "Thank you." in html and "offboarding.css" in html
