"""Issue 17 items 2 and 7: dashboards and alert rules name only metrics the endpoint exposes; every
Kustomize overlay renders, validates against the Kubernetes schema, and agrees with docker/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = sorted(p.name for p in (DEPLOY / "kubernetes" / "overlays").iterdir() if p.is_dir())
KUBERNETES_VERSION = "1.32.0"
# PromQL words that are not metric names
_PROMQL = {
    "sum", "max", "min", "avg", "by", "without", "rate", "increase", "delta", "time", "histogram_quantile",
    "clamp_min", "le", "on", "ignoring", "bool", "and", "or", "unless", "count", "offset",
}  # fmt: skip


def _metric_names(expr: str) -> set[str]:
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr))
    return {w for w in words if w not in _PROMQL and ("_" in w) and not w.startswith("$")}


def _family(name: str, families: set[str]) -> bool:
    if name in families:
        return True
    for suffix in ("_total", "_bucket", "_count", "_sum", "_created"):
        if name.endswith(suffix) and name[: -len(suffix)] in families:
            return True
    return False


def _dashboard_exprs() -> list[str]:
    exprs = []
    for path in (DEPLOY / "grafana").glob("*.json"):
        for panel in json.loads(path.read_text())["panels"]:
            exprs += [t["expr"] for t in panel["targets"]]
    return exprs


def _alert_exprs() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [r["expr"] for g in rules["groups"] for r in g["rules"]]


@pytest.mark.django_db
def test_dashboards_and_alerts_name_only_metrics_the_endpoint_exposes(scrape):
    families = set(scrape())
    exprs = _dashboard_exprs() + _alert_exprs()
    assert len(exprs) >= 20
    named = set().union(*(_metric_names(e) for e in exprs))
    assert {"trendoscope_beat_last_run_timestamp_seconds", "trendoscope_celery_queue_length"} <= named
    unknown = sorted(n for n in named if not _family(n, families))
    assert not unknown, f"named by deploy/ but not on /metrics: {unknown}"


def test_alerts_cover_what_the_issue_asks():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    names = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    for wanted in (
        "BeatStalled",
        "QueueBackingUp",
        "PublicationsFailing",
        "SourcesFailing",
        "HighErrorRate",
        "LiveEditingSlow",
    ):
        assert f"Trendoscope{wanted}" in names
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["labels"]["severity"] in ("warning", "critical")
            assert rule["annotations"]["summary"]


def _render(overlay: str) -> list[dict]:
    if not shutil.which("kubectl"):
        pytest.skip("kubectl is not installed")
    out = subprocess.run(
        ["kubectl", "kustomize", str(DEPLOY / "kubernetes" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request):
    return request.param, _render(request.param)


def test_overlays_exist():
    assert {"staging", "production"} <= set(OVERLAYS)


def test_every_overlay_validates_against_the_kubernetes_schema(rendered):
    import kubernetes_validate

    _overlay, docs = rendered
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def _by_kind(docs: list[dict]) -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def _container(doc: dict) -> dict:
    return doc["spec"]["template"]["spec"]["containers"][0]


def test_overlay_has_every_piece(rendered):
    overlay, docs = rendered
    objects = _by_kind(docs)
    for key in [
        ("Deployment", "trendoscope-web"),
        ("Deployment", "trendoscope-worker"),
        ("Deployment", "trendoscope-beat"),
        ("Job", "trendoscope-migrate"),
        ("Service", "trendoscope-web"),
        ("Ingress", "trendoscope"),
        ("HorizontalPodAutoscaler", "trendoscope-web"),
        ("HorizontalPodAutoscaler", "trendoscope-worker"),
        ("PodDisruptionBudget", "trendoscope-web"),
        ("PodDisruptionBudget", "trendoscope-worker"),
        ("ConfigMap", "trendoscope-config"),
        ("Secret", "trendoscope-secrets"),
    ]:
        assert key in objects, (overlay, key)
    namespaces = {d["metadata"].get("namespace") for d in docs}
    assert len(namespaces) == 1 and None not in namespaces
    beat = objects[("Deployment", "trendoscope-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    assert not any(
        d["kind"] == "HorizontalPodAutoscaler" and d["spec"]["scaleTargetRef"]["name"] == "trendoscope-beat"
        for d in docs
    )
    annotations = objects[("Ingress", "trendoscope")]["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    for kind, name in objects:
        if kind not in ("Deployment", "Job"):
            continue
        spec = objects[(kind, name)]["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"]:
            assert container["resources"]["requests"] and container["resources"]["limits"], name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_images_commands_and_probes_agree_with_docker(rendered):
    overlay, docs = rendered
    objects = _by_kind(docs)
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    compose = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    uid = int(re.search(r"--uid (\d+)", dockerfile).group(1))
    port = int(re.search(r"^EXPOSE (\d+)", dockerfile, flags=re.M).group(1))
    roles = {
        "trendoscope-web": "web",
        "trendoscope-worker": "worker",
        "trendoscope-beat": "beat",
        "trendoscope-migrate": "migrate",
    }
    images = set()
    for name, role in roles.items():
        kind = "Job" if role == "migrate" else "Deployment"
        doc = objects[(kind, name)]
        container = _container(doc)
        images.add(container["image"])
        # the same role argument the entrypoint understands and compose passes
        assert container["args"] == [role] == compose["services"][role]["command"]
        assert f"  {role})" in entrypoint
        assert doc["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == uid
    assert len(images) == 1, images  # one image runs every role, as in compose
    assert images.pop().split(":")[0].endswith("trendoscope")
    web = _container(objects[("Deployment", "trendoscope-web")])
    assert web["ports"][0]["containerPort"] == port
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    # compose probes the same endpoints
    assert compose["services"]["web"]["healthcheck"]["test"][-1] == "ready"
    assert "/readyz" in (ROOT / "docker" / "healthcheck.py").read_text()
    worker_probe = " ".join(
        _container(objects[("Deployment", "trendoscope-worker")])["livenessProbe"]["exec"]["command"]
    )
    assert "celery -A config inspect ping -d worker@$HOSTNAME" in worker_probe
    assert (
        "celery -A config inspect ping -d worker@$$HOSTNAME" in compose["services"]["worker"]["healthcheck"]["test"][1]
    )
    beat_probe = _container(objects[("Deployment", "trendoscope-beat")])["livenessProbe"]["exec"]["command"]
    assert beat_probe == compose["services"]["beat"]["healthcheck"]["test"][1:]
    # the probes' Host header (and the pod IP Prometheus scrapes) are allowed hosts
    data = objects[("ConfigMap", "trendoscope-config")]["data"]
    env = {e["name"]: e.get("value") for e in web["env"]}
    hosts = env["DJANGO_ALLOWED_HOSTS"].replace("$(PUBLIC_HOST)", data["PUBLIC_HOST"]).split(",")
    assert "$(POD_IP)" in hosts and [e for e in web["env"] if e["name"] == "POD_IP"][0]["valueFrom"]
    assert list(env).index("POD_IP") < list(env).index("DJANGO_ALLOWED_HOSTS")  # defined before use
    probe_host = next(h["value"] for h in web["readinessProbe"]["httpGet"]["httpHeaders"] if h["name"] == "Host")
    assert probe_host in hosts
    ingress_host = objects[("Ingress", "trendoscope")]["spec"]["rules"][0]["host"]
    assert ingress_host == hosts[0]
    if overlay == "production":
        assert not _container(objects[("Deployment", "trendoscope-web")])["image"].endswith(":latest")


def test_readyz_probe_path_is_routed():
    from django.urls import resolve

    assert resolve("/readyz").url_name == "readyz"
    assert resolve("/healthz").url_name == "healthz"
    assert resolve("/metrics").url_name == "metrics"
