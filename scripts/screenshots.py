"""Capture the README screenshots from the demo data.

    python scripts/screenshots.py [--accounts 150] [--out docs/screenshots]

Seeds the demo into a temporary SQLite database, scores twelve weeks of history (so
trends and "what changed" have something to show), opens a few threshold rules and
resolves some of their alerts with root causes, serves the app with ``runserver`` and
photographs it with Playwright driving /usr/bin/chromium (headless, offline).
Nothing touches the project's own database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_RULES = [
    # name, measure, operator, value, severity
    ("Health critical", "health", "lt", 30.0, "critical"),
    ("Health at risk", "health", "lt", 45.0, "warning"),
    ("We are the problem", "vendor_side", "gte", 60.0, "warning"),
    ("Aggressive customer", "aggressiveness", "gte", 70.0, "critical"),
    ("Gone quiet", "ghost", "gte", 70.0, "info"),
]
ROOT_CAUSES = [
    "dissatisfaction",
    "misunderstanding",
    "dissatisfaction",
    "perceived_injustice",
    "lack_of_control",
    "previous_negative_experience",
    "dissatisfaction",
    "misunderstanding",
    "personality",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(accounts: int) -> None:
    """Runs inside this process with the temporary database configured."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Account
    from signals import alerts as alert_actions
    from signals.jobs import evaluate_rule_everywhere
    from signals.models import Alert, ThresholdRule
    from signals.scoring import fit_portfolio_models, recompute_accounts

    call_command("migrate", verbosity=0)
    call_command("seed_demo", accounts=accounts, seed=42, verbosity=0)
    fit_portfolio_models()
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    for weeks_ago in range(12, 0, -1):
        recompute_accounts(account_ids=ids, as_of=now - dt.timedelta(weeks=weeks_ago))
        print(f"history: {weeks_ago} weeks ago scored", flush=True)
    call_command("recompute_scores", sync=True, no_refit=True)
    admin = get_user_model().objects.get(username="admin")
    manager = get_user_model().objects.get(username="manager")
    for name, measure, operator, value, severity in DEMO_RULES:
        rule, _ = ThresholdRule.objects.get_or_create(
            name=name,
            defaults={
                "measure": measure,
                "operator": operator,
                "value": value,
                "severity": severity,
                "created_by": admin,
            },
        )
        evaluate_rule_everywhere(rule_id=rule.pk)
    # Some triage history, so the root-cause view has a story to tell.
    for alert, cause in zip(
        Alert.objects.filter(status="open").order_by("pk")[: len(ROOT_CAUSES)],
        ROOT_CAUSES,
        strict=False,
    ):
        alert_actions.resolve_alert(
            alert=alert,
            by=manager,
            root_cause=cause,
            action_taken="Met the customer, agreed the next steps in writing.",
        )
    for alert in Alert.objects.filter(status="open").order_by("-pk")[:3]:
        alert_actions.acknowledge_alert(alert=alert, by=manager, note="Looking into it.")
    print(f"alerts: {Alert.objects.count()}", flush=True)


def interesting_account() -> str:
    """An account with friction on both sides: the page says the most."""
    from signals.models import AccountHealth

    active = AccountHealth.objects.filter(account__status="active")
    best = (
        active.filter(customer_side__gte=40, vendor_side__gte=30)
        .select_related("account")
        .order_by("health")
        .first()
    ) or active.select_related("account").order_by("health").first()
    return best.account.external_id


def capture(base_url: str, out: Path, external_id: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(
            base_url=base_url, viewport={"width": 1440, "height": 900}, device_scale_factor=1
        )
        page.goto("/login/")
        page.get_by_label("Username").fill("manager")
        page.get_by_label("Password").fill("demo-manager-pw")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("#two-sided-map .chart-ready")
        page.wait_for_timeout(600)
        shots.append(out / "portfolio.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        shots.append(out / "two-sided-map.png")
        page.locator("#two-sided-map").screenshot(path=str(shots[-1]))

        page.goto(f"/accounts/{external_id}/")
        page.wait_for_selector("[data-chart=gauge-data].chart-ready")
        # Open the strongest score on each side, to show evidence.
        page.evaluate(
            """() => document.querySelectorAll('.side-card').forEach((card) => {
                let best = null, top = -1;
                card.querySelectorAll('details:not(.no-evidence)').forEach((d) => {
                    const v = parseFloat(d.querySelector('.score-value').textContent);
                    if (v > top) { top = v; best = d; }
                });
                if (best) best.open = true;
            })"""
        )
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(600)
        shots.append(out / "account.png")
        page.screenshot(path=str(shots[-1]), full_page=False)

        page.goto("/alerts/?status=all_unresolved")
        page.wait_for_selector("table.inbox")
        shots.append(out / "triage-inbox.png")
        page.screenshot(path=str(shots[-1]), full_page=False)

        page.goto("/alerts/root-causes/")
        page.wait_for_timeout(800)
        shots.append(out / "root-causes.png")
        page.screenshot(path=str(shots[-1]), full_page=False)
        browser.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=150)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path("/usr/bin/chromium").exists():
        print("/usr/bin/chromium is missing: run scripts/install-chromium.sh", file=sys.stderr)
        return 1

    workdir = Path(tempfile.mkdtemp(prefix="crm-screens-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_health.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
        "CELERY_BROKER_URL": "",
        "CRM_AXES_ENABLED": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    prepare(args.accounts)
    external_id = interesting_account()

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "server.log").open("w"),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/login/", timeout=2)  # noqa: S310 - localhost
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print((workdir / "server.log").read_text(), file=sys.stderr)
                    return 1
                time.sleep(0.3)
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        for path in capture(base_url, args.out, external_id):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
