#!/bin/sh
# One image, several roles: web (uvicorn, HTTP + websockets), worker, beat, migrate, or any command.
set -eu
role="${1:-web}"
case "$role" in
  web)
    shift || true
    exec uvicorn config.asgi:application --host 0.0.0.0 --port "${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
      --ws-max-size 33554432 --timeout-graceful-shutdown 20 --no-server-header "$@"
    ;;
  worker)
    shift || true
    exec celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${CELERY_CONCURRENCY:-4}" \
      -n "worker@%h" "$@"
    ;;
  beat)
    shift || true
    exec celery -A config beat --loglevel "${LOG_LEVEL:-INFO}" \
      --scheduler django_celery_beat.schedulers:DatabaseScheduler --pidfile= "$@"
    ;;
  migrate)
    python manage.py migrate --noinput
    exit 0
    ;;
  *)
    exec "$@"
    ;;
esac
