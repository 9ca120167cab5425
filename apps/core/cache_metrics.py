"""Django's own Redis cache counted with django-prometheus's cache metrics. django-prometheus ships the
same class in django_prometheus.cache.backends.redis, but that module imports django-redis, which this
project does not use."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)


class InstrumentedRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        django_cache_get_total.labels(backend="redis").inc()
        try:
            result = super().get(key, default=None, version=version)
        except Exception:
            django_cache_get_fail_total.labels(backend="redis").inc()
            raise
        if result is not None:
            django_cache_hits_total.labels(backend="redis").inc()
            return result
        django_cache_misses_total.labels(backend="redis").inc()
        return default
