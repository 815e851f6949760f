"""The OpenAPI contract: the schema validates without warnings, the docs page loads no
outside asset, and a schemathesis run against the live schema (in-process, as each
role) finds no 5xx and no response the schema does not describe."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_helpers import World, no_role_user, shared_world
from tests.factories import UserFactory

# The schemathesis tests reach the database through fixtures pytest cannot see.
pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_the_docs_page_references_no_outside_url(client, am_alice):
    client.force_login(am_alice)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    # The Content-Security-Policy allows no inline script: every script is a file.
    assert not re.search(r"<script>\s*\S", html), html
    for src in re.findall(r'<script src="([^"]+)"', html):
        assert client.get(src).status_code == 200, src


def test_an_unknown_api_path_is_a_json_404(api_as, am_alice):
    response = api_as(am_alice).get("/api/alerts/not-a-number/nowhere/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_the_schema_is_served_without_login(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200 and "/api/accounts/" in response.content.decode()


# --- schemathesis -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with shared_world(django_db_blocker) as world:
        yield world


@pytest.fixture(scope="module")
def tokens(world, django_db_blocker) -> dict[str, str | None]:
    """An API token per role (created inside the module's rolled-back world)."""
    with django_db_blocker.unblock():
        users = {
            "alice": UserFactory(username="alice"),
            "bob": UserFactory(username="bob"),
            "maria": UserFactory(username="maria", role="manager"),
            "ada": UserFactory(username="ada", role="admin"),
            "norole": no_role_user(),
        }
        return {"anonymous": None} | {
            role: Token.objects.get_or_create(user=user)[0].key for role, user in users.items()
        }


@pytest.fixture
def in_process_wsgi(settings):
    """Django's own WSGI handler, run in this thread and this test's transaction: the
    end-of-request connection cleanup is switched off as Django's test client does."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _live_schema() -> schemathesis.BaseSchema:
    """The schema ``/api/schema/`` serves (same generator, no request needed at
    collection time), bound to the project's WSGI application."""
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(JSONRenderer().render(raw)))
    loaded.app = get_wsgi_application()
    return loaded


schema = _live_schema()


ROLES = ("anonymous", "alice", "bob", "maria", "ada", "norole")

# No 5xx, and every response (status, content type, headers, body) is one the schema
# describes. Schema-valid input may still be refused for a reason a schema cannot say
# (an unknown owner, a duplicate), so "valid data accepted" is not asserted.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


_turn = itertools.count()


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # report the first failure; no shrinking
    suppress_health_check=list(HealthCheck),
)
def test_the_live_api_matches_its_schema_for_every_role(case, tokens, world, in_process_wsgi):
    """Generated requests take turns at the roles (token auth; anonymous without), so
    every operation is tried as each of them within its examples."""
    role = ROLES[next(_turn) % len(ROLES)]
    headers = {"Authorization": f"Token {tokens[role]}"} if tokens[role] else {}
    try:
        case.call_and_validate(headers=headers, checks=CHECKS)
    except Exception as exc:
        exc.add_note(f"(sent as {role})")
        raise
