#!/bin/sh
# One image, several roles: web (uvicorn, HTTP + websockets), worker, beat, migrate, or any command.
set -eu
role="${1:-web}"
# X-Forwarded-For / -Proto are believed only from FORWARDED_ALLOW_IPS (the TLS proxy's address, comma-
# separated); from anyone else they are ignored, so a client cannot pick its own address (rate limits).
case "${FORWARDED_ALLOW_IPS:-}" in
  *"*"*) echo "FORWARDED_ALLOW_IPS must list the proxy's addresses, not *" >&2; exit 64 ;;
esac
# Prometheus multiprocess mode: every uvicorn worker and Celery child writes its figures here; files
# left by an earlier run of this container would be added to the new one's, so start empty.
case "$role" in
  web|worker)
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
    ;;
esac
case "$role" in
  web)
    shift || true
    # Websocket frames: the live editor's COLLAB_MAX_FRAME_BYTES (33 MiB) refused from the header, and
    # no permessage-deflate (see apps/core/management/commands/devserver.py websocket_options).
    exec uvicorn config.asgi:application --host 0.0.0.0 --port "${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
      --ws-max-size "${COLLAB_MAX_FRAME_BYTES:-34603008}" --ws-per-message-deflate false \
      --timeout-graceful-shutdown 20 --no-server-header "$@"
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
