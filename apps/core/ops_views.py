"""Operations endpoints that are not pages: /readyz (the probes) and /metrics (apps.core.metrics)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import readiness
from .metrics import metrics_view

__all__ = ["metrics_view", "readyz"]


@never_cache
@require_GET
def readyz(request):
    strict = request.GET.get("strict", "") in ("1", "true", "yes")
    ready, checks = readiness(strict=strict)
    failed = [name for name, result in checks.items() if not result["ok"]]
    status = "ok" if not failed else ("fail" if not ready else "degraded")
    return JsonResponse({"status": status, "failed": failed, "checks": checks}, status=200 if ready else 503)
