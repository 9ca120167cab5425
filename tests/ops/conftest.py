"""Shared helpers for the operations tests: scrape /metrics and parse it with prometheus_client."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

METRICS_TOKEN = "test-metrics-token-ä-не-ascii-free"  # never sent: only compared


def parse(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def sample_value(families: dict, family: str, sample: str | None = None, **labels) -> float | None:
    for s in families[family].samples:
        if (sample is None or s.name == sample) and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"

    def do() -> dict:
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789")
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"].startswith("text/plain")
        return parse(response.content.decode())

    return do
