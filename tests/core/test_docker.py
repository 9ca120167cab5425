"""docker/: the image and compose file keep their production promises (no Docker daemon needed)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[2] / "docker"


def test_dockerfile_is_multi_stage_non_root_and_collects_static_with_production_settings():
    text = (DOCKER / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, flags=re.M)) >= 3
    assert re.search(r"^USER (?!root)\w+", text, flags=re.M)
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in text
    assert "collectstatic --noinput" in text
    assert "requirements/production.txt" in text
    assert "HEALTHCHECK" in text


def test_compose_has_every_service_with_health_checks():
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "minio"} <= set(services)
    for name in ("web", "worker", "beat", "postgres", "redis", "minio"):
        assert "test" in services[name]["healthcheck"], name
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["AWS_S3_ENDPOINT_URL"].endswith("minio:9000}")
    assert (DOCKER / "env.example").exists()


def test_entrypoint_roles():
    text = (DOCKER / "entrypoint.sh").read_text()
    for role in ("web)", "worker)", "beat)", "migrate)"):
        assert role in text
    assert os.access(DOCKER / "entrypoint.sh", os.X_OK)
    assert subprocess.run(["sh", "-n", str(DOCKER / "entrypoint.sh")]).returncode == 0


@pytest.mark.django_db(transaction=True)
def test_web_health_check_against_a_live_server(asgi_live_server):
    env = {**os.environ, "PORT": str(asgi_live_server.port), "DJANGO_ALLOWED_HOSTS": "localhost"}
    result = subprocess.run([sys.executable, str(DOCKER / "healthcheck.py")], env=env, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_beat_health_check_finds_the_beat_process():
    # (no negative check: the devserver smoke test may run a real beat beside this test)
    script = [sys.executable, str(DOCKER / "healthcheck.py"), "beat"]
    fake_beat = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "/venv/bin/celery", "beat"])
    try:
        assert subprocess.run(script, capture_output=True, timeout=30).returncode == 0
    finally:
        fake_beat.kill()
        fake_beat.wait()
