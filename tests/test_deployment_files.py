"""docker-compose.yml, the Makefile and .ci/run stay in step with the README and settings.

No Docker engine runs on the CI machine, so the compose file is checked as data."""

from __future__ import annotations

import re

import yaml

from tests.services import ROOT


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_production_shape():
    services = _compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "crm_health", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "crm_health", "beat"]
    for name in ("web", "worker", "beat"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )


def test_compose_configures_the_app_only_with_documented_variables():
    env = _compose()["services"]["web"]["environment"]
    readme = (ROOT / "README.md").read_text()
    for variable in env:
        assert variable in readme, f"{variable} is not documented in the README"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")


def test_readme_commands_are_make_targets_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"^make (\w[\w-]*)$", readme, flags=re.M):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    ci = (ROOT / ".ci" / "run").read_text()
    assert "REQUIRE_SERVICES=1" in ci and "make test" in ci
