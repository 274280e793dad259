"""compose.yaml is a deployment path that matches what the project runs locally."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

from alur.cli import WORKERS
from runtime.settings import AlurSettings
from services.intake.mail.settings import MailSettings
from services.notifier.settings import NotifierSettings

REPO = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text())


def test_compose_runs_official_kafka_and_postgresql_images() -> None:
    services = COMPOSE["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_every_alur_worker_in_compose_has_an_entry_point_that_exists() -> None:
    workers = {n: s for n, s in COMPOSE["services"].items() if "command" in s}
    assert (
        set(workers)
        == set(WORKERS)
        == {"web", "relay", "projections", "notifier", "routing", "sla", "retention", "mail"}
    )
    for name, service in workers.items():
        assert service["command"] == ["serve", name]
        assert callable(importlib.import_module(WORKERS[name]).main)


def _known(*settings_classes: type) -> set[str]:
    return {f.validation_alias for c in settings_classes for f in c.model_fields.values()}


def test_compose_settings_are_the_ones_the_services_read() -> None:
    known = _known(AlurSettings)  # the settings every worker reads
    settings = COMPOSE["x-alur-settings"]
    assert set(settings) <= known, set(settings) - known
    notifier = COMPOSE["services"]["notifier"]["environment"]
    assert set(notifier) <= _known(NotifierSettings), set(notifier) - _known(NotifierSettings)
    assert {"ALUR_SMTP_HOST", "ALUR_SMTP_PORT", "ALUR_SMTP_FROM"} <= set(notifier)
    mail = COMPOSE["services"]["mail"]["environment"]
    assert set(mail) <= _known(MailSettings), set(mail) - _known(MailSettings)


def test_compose_takes_the_secret_key_from_a_docker_secret() -> None:
    settings = COMPOSE["x-alur-settings"]
    assert "ALUR_SECRET_KEY" not in settings
    assert settings["ALUR_SECRET_KEY_FILE"] == "/run/secrets/alur_secret_key"
    assert "alur_secret_key" in COMPOSE["secrets"]
    for name in WORKERS:
        assert COMPOSE["services"][name]["secrets"] == ["alur_secret_key"], name
