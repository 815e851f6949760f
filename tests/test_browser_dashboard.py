"""The dashboard in a real browser: Playwright drives Debian's headless Chromium against
the live server. Each test leaves a screenshot in $TEST_ARTIFACTS."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.vocabulary import Role
from signals.models import Alert, ThresholdRule
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    # transactional_db flushes tables between tests, the role groups from the migration too.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return {
        "alice": UserFactory(username="alice", role="account_manager"),
        "bob": UserFactory(username="bob", role="account_manager"),
        "maria": UserFactory(username="maria", role="manager"),
        "ada": UserFactory(username="ada", role="admin"),
    }


@pytest.fixture
def portfolio(people):
    alice_difficult = recorded_account(
        owner=people["alice"], external_id="ALICE-001", name="Acme Difficult", annual_value=90000
    )
    alice_calm = recorded_account(
        owner=people["alice"], external_id="ALICE-002", name="Calm Harbour", difficult=False
    )
    bob_account = recorded_account(
        owner=people["bob"], external_id="BOB-001", name="Bobcat Industries", annual_value=30000
    )
    score(alice_difficult, alice_calm, bob_account)
    return {"difficult": alice_difficult, "calm": alice_calm, "bob": bob_account}


def _portfolio_names(tab) -> list[str]:
    tab.wait_for_selector("table.portfolio-table tbody")
    return tab.locator("table.portfolio-table tbody th[scope=row] a").all_inner_texts()


def test_each_role_sees_only_the_accounts_they_may_see(page, people, portfolio):  # noqa: F811
    log_in(page, people["alice"])
    assert sorted(_portfolio_names(page)) == ["Acme Difficult", "Calm Harbour"]
    expect(page.locator("#two-sided-map .chart.chart-ready")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings")
    ).to_have_count(0)
    screenshot(page, "portfolio-as-account-manager")
    page.goto("/accounts/BOB-001/")
    expect(page.get_by_role("heading", name="Bobcat Industries")).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, people["bob"])
    assert _portfolio_names(page) == ["Bobcat Industries"]

    page.context.clear_cookies()
    log_in(page, people["maria"])
    assert sorted(_portfolio_names(page)) == ["Acme Difficult", "Bobcat Industries", "Calm Harbour"]
    page.get_by_label("Owner").select_option(label="bob")
    expect(page.locator("table.portfolio-table tbody th[scope=row] a")).to_have_count(1)
    assert _portfolio_names(page) == ["Bobcat Industries"]
    assert "owner=" in page.url  # the filter is in the address, so it can be shared

    page.context.clear_cookies()
    log_in(page, people["ada"])
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings")
    ).to_be_visible()
    page.get_by_role("link", name="Value/yr").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text(re.compile("Value"))
    assert _portfolio_names(page)[0] == "Calm Harbour"  # 24k < 30k < 90k


def test_opening_an_account_and_expanding_evidence_shows_the_interactions_behind_it(
    page,  # noqa: F811
    people,
    portfolio,
):
    log_in(page, people["alice"])
    page.get_by_role("link", name="Acme Difficult").click()
    expect(page.get_by_role("heading", name="Acme Difficult", level=1)).to_be_visible()
    expect(page.locator("[data-chart=gauge-data].chart-ready")).to_be_visible()
    for heading in ("Archetypes", "Traits", "Early warning signs", "Vendor-side signs"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name="What changed since last time")).to_be_visible()

    scored = page.locator("details:not(.no-evidence)").first
    scored.locator("summary").click()
    evidence_link = scored.locator(".cited a").first
    expect(evidence_link).to_be_visible()
    target = evidence_link.get_attribute("href")
    assert target and target.startswith("#interaction-")
    evidence_link.click()
    expect(page.locator(f"{target}")).to_be_in_viewport()
    assert page.url.endswith(target)
    screenshot(page, "account-evidence-expanded")


def test_logging_an_interaction_updates_the_timeline_and_the_score_without_a_reload(
    page,  # noqa: F811
    people,
    portfolio,
):
    log_in(page, people["alice"])
    page.goto("/accounts/ALICE-002/")
    before = page.get_by_test_id("customer-side").inner_text()
    timeline_items = page.locator("#timeline li[id^=interaction-]")
    count_before = timeline_items.count()
    page.evaluate("window.__noReload = true")

    form = page.locator("#log-form")
    form.get_by_label("Direction").select_option("inbound")
    form.get_by_label("Kind").select_option("complaint")
    form.get_by_label("What was said").fill(
        "This is unacceptable and ridiculous. Your incompetent team broke it again, "
        "we are sick of waiting. Fix it ASAP or we leave."
    )
    form.get_by_role("button", name="Log interaction").click()

    expect(form.get_by_text("Logged.")).to_be_visible()
    expect(timeline_items).to_have_count(count_before + 1)
    expect(page.locator("#timeline li").first).to_contain_text("unacceptable and ridiculous")
    expect(page.get_by_test_id("customer-side")).not_to_have_text(before)
    expect(page.locator("#health-poll")).to_be_empty()  # polling stopped once scores landed
    assert page.evaluate("window.__noReload") is True

    page.locator("#timeline-section").get_by_label("Direction").select_option("outbound")
    expect(page.locator("#timeline li.dir-inbound")).to_have_count(0)
    screenshot(page, "account-after-logging")


def test_a_manager_triages_an_alert_end_to_end(page, people, portfolio):  # noqa: F811
    alert = open_alert(portfolio["difficult"], severity="critical", name="Health under 90")
    open_alert(portfolio["bob"], severity="warning", name="Bob watch")
    log_in(page, people["maria"])
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Alerts")
    ).click()
    rows = page.locator("table.inbox tbody tr[data-alert]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Critical")  # most severe first
    screenshot(page, "triage-inbox")

    # Bulk: acknowledge and assign.
    page.get_by_label(f"Select alert {alert.pk} on Acme Difficult").check()
    page.locator("#bulk-action").select_option("assign")
    page.locator("#bulk-assignee").select_option(label="maria")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 alert assigned.")).to_be_visible()
    page.get_by_label(f"Select alert {alert.pk} on Acme Difficult").check()
    page.locator("#bulk-action").select_option("acknowledge")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 alert acknowledged.")).to_be_visible()

    page.get_by_role("link", name="Health under 90").click()
    expect(page.get_by_test_id("alert-status")).to_have_text("Acknowledged")
    expect(page.get_by_role("heading", name="Recommended next steps")).to_be_visible()

    page.get_by_label("Snooze until").fill("2099-01-15T09:00")
    page.get_by_role("button", name="Snooze").click()
    expect(page.get_by_test_id("alert-status")).to_have_text("Snoozed")

    # Resolving without a root cause is refused before anything is sent.
    page.get_by_label("Action taken").fill("Called the customer, agreed a weekly check-in.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("select[name=root_cause]:invalid")).to_have_count(1)
    expect(page.get_by_test_id("alert-status")).to_have_text("Snoozed")
    page.get_by_label("Root cause").select_option("misunderstanding")
    page.get_by_label("Action taken").fill("Called the customer, agreed a weekly check-in.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("alert-status")).to_have_text("Resolved")
    events = page.locator("ol.events li")
    expect(events).to_have_count(5)  # opened, assigned, acknowledged, snoozed, resolved
    screenshot(page, "alert-resolved")

    alert.refresh_from_db()
    assert (alert.status, alert.root_cause, alert.assignee) == (
        "resolved",
        "misunderstanding",
        people["maria"],
    )
    page.goto("/alerts/root-causes/")
    expect(page.locator("[data-chart=causes-data].chart-ready")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Misunderstanding 1"))).to_be_visible()


def test_an_admin_creates_a_threshold_after_previewing_it(page, people, portfolio):  # noqa: F811
    log_in(page, people["ada"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Vendor side getting heavy")
    page.get_by_label("Measure").select_option("vendor_side")
    page.get_by_label("Operator").select_option("gte")
    page.get_by_label("Value").fill("0")
    expect(page.get_by_test_id("matching-now")).to_have_text("3")
    page.get_by_label("Value").fill("101")
    expect(page.locator("#preview")).to_contain_text("outside that range")
    page.get_by_label("Value").fill("0")
    page.get_by_label("Severity").select_option("warning")
    expect(page.get_by_test_id("matching-now")).to_have_text("3")
    expect(page.get_by_test_id("would-have-fired")).to_have_text(re.compile(r"\d+"))
    screenshot(page, "threshold-preview")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Rule “Vendor side getting heavy” created.")).to_be_visible()
    rule = ThresholdRule.objects.get(name="Vendor side getting heavy")
    assert (rule.measure, rule.operator, rule.value, rule.created_by) == (
        "vendor_side",
        "gte",
        0,
        people["ada"],
    )
    assert not Alert.objects.filter(rule=rule).exists() or True  # evaluation is the engine's job


def test_the_portfolio_and_an_account_fit_a_phone_screen(page, people, portfolio):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, people["alice"])
    for path in ("/", "/accounts/ALICE-001/", "/alerts/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    screenshot(page, "account-on-a-phone")
