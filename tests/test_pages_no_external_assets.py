"""Every page, as every role, loads scripts and stylesheets from this origin only and
carries no inline script (CSP script-src 'self'): the app works with no internet."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.test import Client

from tests.browser import open_alert, recorded_account, score

pytestmark = pytest.mark.django_db


class AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._inline: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.urls.append(a["src"] or "")
            elif a.get("type") != "application/json":
                self._inline = a
        elif tag == "link" and a.get("href"):
            self.urls.append(a["href"] or "")
        for handler in ("onclick", "onload", "onchange", "onsubmit"):
            if handler in a:
                self.inline_scripts.append(f"<{tag} {handler}=…>")

    def handle_data(self, data: str) -> None:
        if self._inline is not None:
            self.inline_scripts.append(data.strip()[:80] or "(empty inline script)")
            self._inline = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline is not None:
            self.inline_scripts.append("(empty inline script)")
            self._inline = None


@pytest.fixture
def pages(am_alice):
    account = recorded_account(owner=am_alice, external_id="ALICE-001", name="Acme")
    score(account)
    alert = open_alert(account)
    return [
        "/",
        "/accounts/ALICE-001/",
        "/alerts/",
        f"/alerts/{alert.pk}/",
        "/alerts/root-causes/",
        "/settings/thresholds/",
        "/settings/thresholds/new/",
        f"/settings/thresholds/{alert.rule_id}/",
        "/settings/weights/",
        "/runs/",
    ]


def test_pages_load_assets_only_from_this_origin_and_run_no_inline_script(
    pages, am_alice, manager, admin_user
):
    checked = 0
    problems = []
    anonymous = Client()
    login = anonymous.get("/login/")
    responses = [("anonymous", "/login/", login)]
    for user in (am_alice, manager, admin_user):
        client = Client()
        client.force_login(user)
        responses += [(user.username, path, client.get(path)) for path in pages]
    for who, path, response in responses:
        if response.status_code != 200:
            continue
        checked += 1
        assert "script-src 'self'" in response["Content-Security-Policy"]
        parser = AssetParser()
        parser.feed(response.content.decode())
        for url in parser.urls:
            parsed = urlparse(url)
            if parsed.scheme or parsed.netloc or url.startswith("//"):
                problems.append(f"{who} {path}: external asset {url}")
        problems += [f"{who} {path}: inline script {s}" for s in parser.inline_scripts]
    assert checked >= 20
    assert not problems, "\n".join(problems)


def test_vendored_libraries_are_served_locally_with_their_licences():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "static" / "vendor"
    for library, script in (("htmx", "htmx.min.js"), ("plotly", "plotly.min.js")):
        assert (root / library / script).stat().st_size > 10_000
        assert any(p.name.startswith("LICENSE") for p in (root / library).iterdir())
