"""Pages keep answering while the portfolio is only partly scored (found by the soak:
new accounts exist before their first recompute has run)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_portfolio_page_answers_while_an_account_has_no_score_yet(manager):
    AccountFactory(external_id="UNSCORED-1", name="Not scored yet")
    client = Client()
    client.force_login(manager)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Not scored yet" in response.content
