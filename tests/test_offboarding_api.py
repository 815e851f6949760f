"""``/api/offboarding/``: a case walked from start to close, its guards as named 400s,
and object-level access (another owner's case is a 404)."""

from __future__ import annotations

import io
import zipfile

import pytest

from accounts.vocabulary import AccountStatus
from offboarding import services
from offboarding.vocabulary import ChecklistKey, ReflectionQuestion
from tests.test_offboarding_workflow import ASSESSMENT, full_reflection

API = "/api/offboarding/"


@pytest.fixture
def alice_case(am_alice, alice_account):
    return services.start_case(account=alice_account, by=am_alice, reason="Never pays")


def test_a_case_walks_from_request_to_close_through_the_api(
    api_as, am_alice, manager, alice_account
):
    alice, maria = api_as(am_alice), api_as(manager)
    response = alice.post(API, {"account": "ALICE-001", "reason": "Never pays"}, format="json")
    assert response.status_code == 201, response.data
    case = response.data["id"]
    url = f"{API}{case}/"
    assert response.data["status"] == "assessment"

    computed = alice.get(f"{url}assessment/").data["computed"]
    assert [c["key"] for c in computed["criteria"]][0] == "chronic_non_payer"
    assert "vendor_side" in computed and "history" in computed

    assert alice.patch(f"{url}assessment/", ASSESSMENT, format="json").status_code == 200
    comment = alice.post(f"{url}comments/", {"text": "Finance agrees."}, format="json")
    assert comment.status_code == 201 and comment.data["author"] == "alice"
    assert alice.post(f"{url}request-decision/").data["status"] == "awaiting_decision"

    decided = maria.post(
        f"{url}decision/", {"outcome": "approved", "reason": "Six months unpaid."}, format="json"
    )
    assert decided.status_code == 200 and decided.data["status"] == "communication"
    assert len(decided.data["checklist"]) == 10

    task = alice.post(
        f"{url}tasks/", {"title": "Send the data bundle", "due_on": "2026-12-15"}, format="json"
    )
    assert task.status_code == 201
    assert alice.patch(f"{url}tasks/{task.data['id']}/", {"done": True}, format="json").data["done"]
    assert (
        alice.patch(
            f"{url}transition/", {"referrals": "Acme Support Co."}, format="json"
        ).status_code
        == 200
    )
    assert alice.post(f"{url}advance/").data["status"] == "transition"

    letter = alice.get(f"{url}letter/").data
    assert letter["current"] is None and "15 December 2026" in letter["draft"]
    saved = alice.put(f"{url}letter/", {"body": letter["draft"]}, format="json")
    assert saved.status_code == 201 and saved.data["number"] == 1
    assert alice.post(f"{url}advance/").data["status"] == "reflection"

    for key in ChecklistKey.values:
        item = alice.patch(
            f"{url}checklist/{key}/", {"done": True, "owner": "alice"}, format="json"
        )
        assert item.status_code == 200 and item.data["done_by"] == "alice"
    reflected = alice.put(f"{url}reflection/", {"answers": full_reflection()}, format="json")
    assert reflected.status_code == 200 and len(reflected.data) == len(ReflectionQuestion)

    closed = alice.post(f"{url}close/", {"note": "Handed over."}, format="json")
    assert closed.status_code == 200 and closed.data["status"] == "closed"
    alice_account.refresh_from_db()
    assert alice_account.status == AccountStatus.OFFBOARDED
    assert [e["to_status"] for e in closed.data["events"]][-1] == "closed"


def test_another_owners_case_is_a_404_everywhere(api_as, am_bob, alice_case):
    bob = api_as(am_bob)
    url = f"{API}{alice_case.pk}/"
    assert bob.get(url).status_code == 404
    assert bob.patch(f"{url}assessment/", {"findings": "x"}, format="json").status_code == 404
    assert bob.post(f"{url}comments/", {"text": "x"}, format="json").status_code == 404
    assert bob.get(f"{url}bundle/").status_code == 404
    assert bob.get(API).data["count"] == 0


def test_starting_on_another_owners_account_does_not_reveal_it_exists(
    api_as, am_bob, alice_account
):
    response = api_as(am_bob).post(API, {"account": "ALICE-001"}, format="json")
    assert response.status_code == 400 and response.data["account"] == ["No such account."]


def test_a_second_open_case_is_a_400_naming_the_account(api_as, manager, alice_case):
    response = api_as(manager).post(API, {"account": "ALICE-001"}, format="json")
    assert response.status_code == 400 and "account" in response.data


def test_an_account_manager_cannot_decide_even_on_their_own_case(
    api_as, am_alice, manager, alice_case
):
    alice = api_as(am_alice)
    alice.patch(f"{API}{alice_case.pk}/assessment/", ASSESSMENT, format="json")
    alice.post(f"{API}{alice_case.pk}/request-decision/")
    response = alice.post(
        f"{API}{alice_case.pk}/decision/", {"outcome": "approved", "reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_deciding_before_the_assessment_is_done_is_a_400_naming_the_status(
    api_as, manager, alice_case
):
    response = api_as(manager).post(
        f"{API}{alice_case.pk}/decision/", {"outcome": "approved", "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "status" in response.data


def test_requesting_a_decision_names_every_missing_assessment_field(api_as, am_alice, alice_case):
    response = api_as(am_alice).post(f"{API}{alice_case.pk}/request-decision/")
    assert response.status_code == 400
    assert set(response.data) == {"vendor_change_first", "findings", "fit_judgement", "criteria"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"criteria": ["rude"]}, "criteria"),
        ({"fit_judgement": "meh"}, "fit_judgement"),
        ({"findings": 12 * "x" * 1000}, "findings"),
    ],
)
def test_a_bad_assessment_field_is_a_400_naming_it(api_as, am_alice, alice_case, payload, field):
    response = api_as(am_alice).patch(f"{API}{alice_case.pk}/assessment/", payload, format="json")
    assert response.status_code == 400 and field in response.data


def test_a_decision_with_an_unknown_outcome_is_a_400_naming_it(api_as, manager, alice_case):
    response = api_as(manager).post(
        f"{API}{alice_case.pk}/decision/", {"outcome": "maybe", "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "outcome" in response.data


def test_closing_with_an_open_plan_is_a_400_naming_the_checklist(api_as, manager, alice_case):
    from tests.test_offboarding_workflow import walk

    walk(alice_case, to="reflection", manager=manager)
    services.save_reflection(case=alice_case, by=manager, answers=full_reflection())
    response = api_as(manager).post(f"{API}{alice_case.pk}/close/", {}, format="json")
    assert response.status_code == 400 and "checklist" in response.data


def test_a_bad_reflection_rating_is_a_400_naming_the_question(api_as, manager, alice_case):
    from tests.test_offboarding_workflow import walk

    walk(alice_case, to="reflection", manager=manager)
    response = api_as(manager).put(
        f"{API}{alice_case.pk}/reflection/",
        {"answers": {"listened": {"rating": "sometimes"}}},
        format="json",
    )
    assert response.status_code == 400 and "answers" in response.data


def test_a_task_without_a_due_date_is_a_400_naming_it(api_as, manager, alice_case):
    from tests.test_offboarding_workflow import walk

    walk(alice_case, to="communication", manager=manager)
    response = api_as(manager).post(
        f"{API}{alice_case.pk}/tasks/", {"title": "Call them"}, format="json"
    )
    assert response.status_code == 400 and "due_on" in response.data


def test_follow_up_tasks_can_be_listed_changed_and_removed(api_as, manager, alice_case):
    from tests.test_offboarding_workflow import walk

    walk(alice_case, to="communication", manager=manager)
    maria = api_as(manager)
    url = f"{API}{alice_case.pk}/tasks/"
    task = maria.post(
        url, {"title": "Call", "due_on": "2026-12-01", "owner": "maria"}, format="json"
    )
    assert task.data["owner"] == "maria"
    changed = maria.patch(f"{url}{task.data['id']}/", {"due_on": "2026-12-03"}, format="json")
    assert changed.data["due_on"] == "2026-12-03"
    assert [t["title"] for t in maria.get(url).data] == ["Call"]
    assert maria.delete(f"{url}{task.data['id']}/").status_code == 204
    assert maria.get(url).data == []
    assert alice_case.events.filter(action="task_removed").exists()


def test_the_bundle_downloads_as_a_zip(api_as, am_alice, alice_case):
    response = api_as(am_alice).get(f"{API}{alice_case.pk}/bundle/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "interactions.csv" in names and "interactions.json" in names


def test_anonymous_requests_are_refused(api_as, alice_case):
    assert api_as(None).get(API).status_code in (401, 403)


def test_the_schema_documents_the_offboarding_endpoints(api_as, admin_user):
    response = api_as(admin_user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/offboarding/{id}/decision/" in paths
    assert "/api/offboarding/{id}/tasks/{task_id}/" in paths


def test_an_unknown_plan_item_or_task_is_a_json_404(api_as, manager, alice_case):
    from tests.test_offboarding_workflow import walk

    walk(alice_case, to="communication", manager=manager)
    maria = api_as(manager)
    response = maria.patch(f"{API}{alice_case.pk}/checklist/sing_a_song/", {}, format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert maria.patch(f"{API}{alice_case.pk}/tasks/abc/", {}, format="json").status_code == 404
    assert maria.post(f"{API}0.5/advance/").status_code == 404
