"""The offboarding workflow in a real browser: Playwright drives Debian's headless
Chromium against the live server. A manager walks a case from the account page to
close, and the close guard's refusal is shown on the page. Each step leaves a
screenshot in $TEST_ARTIFACTS."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Account
from accounts.vocabulary import AccountStatus, Role
from offboarding import services
from offboarding.letter import long_date, service_end
from offboarding.models import Case
from offboarding.vocabulary import (
    FREE_TEXT_QUESTIONS,
    LETTER_REASONS,
    CaseStatus,
    ChecklistKey,
    Criterion,
    ReflectionQuestion,
)
from signals.models import Alert
from tests.browser import (  # noqa: F401 - chromium, live_server_for_the_database and page are fixtures
    chromium,
    live_server_for_the_database,
    log_in,
    open_alert,
    page,
    recorded_account,
    score,
    screenshot,
)
from tests.factories import UserFactory
from tests.test_offboarding_workflow import full_reflection, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITERIA = [Criterion.CHRONIC_NON_PAYER, Criterion.ABUSIVE]
TASK_DUE = timezone.localdate() + dt.timedelta(days=21)
CLOSE_REFUSAL = "10 communication plan item(s) still open"


@pytest.fixture
def people(transactional_db):
    # transactional_db flushes tables between tests, the role groups from the migration too.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return {
        "alice": UserFactory(username="alice", role="account_manager"),
        "maria": UserFactory(username="maria", role="manager"),
    }


@pytest.fixture
def difficult(people) -> Account:
    """A scored, difficult account of Alice's with a contract (90 days' notice) and an
    open critical alert."""
    account = recorded_account(
        owner=people["alice"], external_id="ALICE-001", name="Acme Difficult", annual_value=90000
    )
    score(account)
    open_alert(account, severity="critical", name="Health under 90")
    account.refresh_from_db()
    return account


def _flash(tab, text: str) -> None:
    expect(tab.locator("ul.messages")).to_contain_text(text)


def _plan_row(tab, key: ChecklistKey):
    return tab.locator("#plan form.ob-plan-row").filter(has_text=key.label)


def test_a_manager_walks_a_case_from_the_account_page_to_close(page, people, difficult):  # noqa: F811
    tab = page
    log_in(tab, people["maria"])

    # Start, from the account page.
    tab.goto("/accounts/ALICE-001/")
    expect(tab.get_by_role("heading", name="Acme Difficult", level=1)).to_be_visible()
    tab.get_by_role("link", name="Start offboarding").click()
    expect(
        tab.get_by_role("heading", name=re.compile("Consider offboarding Acme Difficult"))
    ).to_be_visible()
    tab.get_by_label("Why should we consider ending this relationship?").fill(
        "Hostile messages every week and invoices left open."
    )
    tab.get_by_role("button", name="Open the case").click()
    _flash(tab, "Offboarding case opened. Start with the assessment.")
    case = Case.objects.get(account=difficult)
    assert tab.url.endswith(f"/offboarding/{case.pk}/")
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Assess")
    assert case.frozen_health, "starting freezes the current health snapshot"

    # Assessment: the vendor-side score sits beside the criteria.
    assessment = tab.locator("#assessment")
    expect(assessment.get_by_role("heading", name="Our side first")).to_be_visible()
    expect(assessment.locator(".ob-score")).to_have_text(re.compile(r"^\d+$"))
    expect(assessment.locator(".ob-criterion")).to_have_count(len(Criterion.values))
    for criterion in CRITERIA:
        assessment.get_by_label(criterion.label, exact=True).check()
    assessment.get_by_label("Do their values and needs still fit what we offer?").select_option(
        "partly"
    )
    assessment.get_by_label("Notes on fit").fill("They want a bespoke service we do not offer.")
    assessment.get_by_label("Findings").fill("Six hostile complaints in six weeks.")
    assessment.get_by_label("What could we change on our side first?").fill(
        "Stop answering with policy quotes; offer a weekly call."
    )
    screenshot(tab, "offboarding-1-assessment")
    tab.get_by_role("button", name="Save the assessment").click()
    _flash(tab, "Assessment saved.")

    # Request a decision, then decide (Maria is a manager).
    tab.get_by_role("button", name="Request a manager's decision").click()
    _flash(tab, "Decision requested")
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Decide")
    expect(tab.locator("#assessment")).to_contain_text(
        "Stop answering with policy quotes; offer a weekly call."
    )
    decision = tab.locator("#decision")
    decision.get_by_label("Approved: we part ways").check()
    decision.get_by_label("Reason for the decision").fill(
        "The weekly call was tried for a month; the hostility went on."
    )
    tab.get_by_role("button", name="Record the decision").click()
    _flash(tab, "Decision recorded.")
    expect(tab.get_by_role("heading", name="Decision: Approved: we part ways")).to_be_visible()
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Communicate")
    difficult.refresh_from_db()
    assert difficult.status == AccountStatus.OFFBOARDING

    # Communication plan: tick every item, one form each.
    # Each control is labelled with its item (the labels are visually hidden).
    for key in ChecklistKey:
        row = _plan_row(tab, key)
        row.get_by_label(f"Who: {key.label}").select_option(label="maria")
        row.get_by_label(f"When: {key.label}").fill(TASK_DUE.isoformat())
        row.get_by_label(f"Done: {key.label}").check()
        row.get_by_role("button", name="Save").click()
        _flash(tab, "Plan item saved.")
        expect(_plan_row(tab, key)).to_have_class(re.compile(r"\bob-done\b"))
    expect(tab.locator("#plan form.ob-done")).to_have_count(len(ChecklistKey.values))
    screenshot(tab, "offboarding-2-plan-ticked")

    # Transition help: a follow-up task with a date and an owner.
    transition = tab.locator("#transition")
    transition.get_by_label("Title").fill("Send the data bundle")
    transition.get_by_label("Due").fill(TASK_DUE.isoformat())
    transition.get_by_label("Owner").select_option(label="maria")
    transition.get_by_role("button", name="Add task").click()
    _flash(tab, "Follow-up task added.")
    expect(
        tab.locator("#transition").get_by_role("row", name=re.compile("Send the data bundle"))
    ).to_contain_text(TASK_DUE.isoformat())

    # The letter draft names the reasons and the dates; save it as version 1.
    case.refresh_from_db()
    ends = service_end(case, today=timezone.localdate())
    letter = tab.locator("#letter").get_by_label("Letter")
    draft = letter.input_value()
    for criterion in CRITERIA:
        assert LETTER_REASONS[criterion] in draft
    assert f"{long_date(TASK_DUE)}: Send the data bundle" in draft
    assert f"{long_date(ends)}: Your service ends, after the 90-day notice period" in draft
    assert "Acme Difficult contact" in draft  # addressed to the customer's contact
    tab.get_by_role("button", name="Save as a new version").click()
    _flash(tab, "Letter saved as a new version.")
    expect(tab.locator("#letter")).to_contain_text("Showing version 1.")
    screenshot(tab, "offboarding-3-letter")

    # Advance: communication → hand-over → reflection.
    tab.get_by_role("button", name=re.compile("The conversation happened")).click()
    _flash(tab, "Moved on.")
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Hand over")
    tab.get_by_role("button", name=re.compile("Hand-over under way")).click()
    _flash(tab, "Moved on.")
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Reflect")

    # Reflect: all ten questions.
    reflection = tab.locator("#reflection")
    for question in ReflectionQuestion:
        if question in FREE_TEXT_QUESTIONS:
            reflection.get_by_label(question.label, exact=True).fill(
                "Agree how we talk to each other in week one."
            )
        else:
            reflection.get_by_label(question.label, exact=True).select_option("partly")
    reflection.get_by_label(f"Notes: {ReflectionQuestion.LISTENED.label}").fill(
        "We answered before they had finished."
    )
    screenshot(tab, "offboarding-4-reflection")
    tab.get_by_role("button", name="Save the reflection").click()
    _flash(tab, "Reflection saved.")
    answers = {e.question: (e.rating, e.note) for e in case.reflections.all()}
    assert set(answers) == set(ReflectionQuestion.values)
    assert answers[ReflectionQuestion.LISTENED] == (
        "partly",
        "We answered before they had finished.",
    )
    assert answers[ReflectionQuestion.DO_DIFFERENTLY][1].startswith("Agree how we talk")
    plan = case.checklist.all()
    assert all(i.done_by == people["maria"] and i.owner == people["maria"] for i in plan)
    assert {i.due_on for i in plan} == {TASK_DUE}

    # Close.
    tab.locator("#close").get_by_label("Closing note").fill("Hand-over done, data sent.")
    tab.get_by_role("button", name="Close the case").click()
    _flash(tab, "Case closed. The account is offboarded and its alerts are resolved.")
    expect(tab.locator(".ob-step-done")).to_have_count(6)
    expect(tab.get_by_role("heading", name="Reflection")).to_be_visible()
    screenshot(tab, "offboarding-5-closed")

    case.refresh_from_db()
    difficult.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == people["maria"]
    assert difficult.status == AccountStatus.OFFBOARDED
    alerts = Alert.objects.filter(account=difficult)
    assert alerts.exists()
    assert set(alerts.values_list("status", flat=True)) == {"resolved"}

    # The account page shows it offboarded, with no open alerts left.
    tab.goto("/accounts/ALICE-001/")
    expect(tab.locator(".account-head .lede")).to_contain_text("Offboarded")
    expect(tab.get_by_role("heading", name="Open alerts")).to_have_count(0)
    screenshot(tab, "offboarding-6-account-offboarded")


def test_closing_with_open_plan_items_is_refused_on_the_page(page, people, difficult):  # noqa: F811
    case = services.start_case(account=difficult, by=people["maria"])
    walk(case, to=CaseStatus.REFLECTION, manager=people["maria"])
    # Every question answered: the open plan is the only thing standing in the way.
    services.save_reflection(case=case, by=people["maria"], answers=full_reflection())
    tab = page
    log_in(tab, people["maria"])
    tab.goto(f"/offboarding/{case.pk}/")
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Reflect")

    tab.get_by_role("button", name="Close the case").click()
    refusal = tab.locator("ul.messages li.error")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text(CLOSE_REFUSAL)
    for key in ChecklistKey:
        expect(refusal).to_contain_text(key.label)
    expect(tab.locator(".ob-step[aria-current=step]")).to_have_text("Reflect")
    screenshot(tab, "offboarding-close-refused")

    case.refresh_from_db()
    difficult.refresh_from_db()
    assert case.status == CaseStatus.REFLECTION
    assert difficult.status == AccountStatus.OFFBOARDING
    assert Alert.objects.filter(account=difficult).exclude(status="resolved").exists()
