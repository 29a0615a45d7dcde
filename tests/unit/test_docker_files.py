"""docker-compose.yml and docker/Dockerfile, checked without a Docker engine (the compose
schema and hadolint run in `make test`; these check what they cannot)."""

import re

import yaml

from embedded.settings import ROOT
from tests.docker import test_localstack

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()


def test_every_service_belongs_to_a_profile_and_pulled_images_are_pinned():
    for name, service in SERVICES.items():
        assert service.get("profiles"), name
        image = service["image"]
        if "build" not in service:
            assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", image), f"{name}: {image} is not pinned to a version"
    assert SERVICES["localstack"]["image"] == test_localstack.LOCALSTACK_IMAGE


def test_profiles_hold_what_each_audience_runs():
    members = {p: {n for n, s in SERVICES.items() if p in s["profiles"]} for p in ("demo", "loadtest", "moto")}
    assert members["demo"] == {"localstack", "postgres", "init", "app", "simulator"}
    assert members["loadtest"] == {"localstack", "postgres", "init", "app", "locust-master", "locust-worker"}
    assert members["moto"] == {"embedded"}


def test_the_dashboard_runs_on_postgres_with_docker_and_on_sqlite_in_the_moto_profile():
    for name in ("init", "app"):
        assert SERVICES[name]["environment"]["DATABASE_URL"].startswith("postgres://liveinsight:"), name
        assert SERVICES[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}, name
    assert "ports" not in SERVICES["postgres"]  # reachable from the stack's network only
    assert "DATABASE_URL" not in SERVICES["embedded"]["environment"]


def test_every_dependency_names_its_condition_and_waits_only_on_what_can_report_it():
    for name, service in SERVICES.items():
        for needed, how in service.get("depends_on", {}).items():
            assert how["condition"] in ("service_healthy", "service_completed_successfully", "service_started")
            if how["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[needed], f"{name} waits for {needed}, which has no healthcheck"


def test_workers_scale_without_fixed_names_or_host_ports():
    worker = SERVICES["locust-worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_every_base_image_is_pinned_and_every_image_runs_unprivileged():
    bases = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    external = [b for b in bases if ":" in b]
    assert external and all(re.search(r":\d+\.\d+\.\d+-", b) for b in external), external
    stages = re.split(r"^FROM ", DOCKERFILE, flags=re.M)[1:]
    finals = [s for s in stages if re.match(r"python AS (app|tools)", s)]
    assert len(finals) == 2
    for stage in finals:
        assert re.search(r"^USER 10001:10001$", stage, re.M), stage.splitlines()[0]


def test_the_app_image_takes_its_versions_from_requirements_txt():
    pinned = {line.split("==")[0].lower() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if "==" in line}
    wanted = [re.split(r"[\[;<>=]", line.strip())[0].lower()
              for line in (ROOT / "docker" / "app-requirements.in").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert wanted and set(wanted) <= pinned
