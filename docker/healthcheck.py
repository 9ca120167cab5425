"""Container health checks.

python docker/healthcheck.py          web: GET /healthz on the local server (200 = healthy)
python docker/healthcheck.py ready    web: GET /readyz (database, migrations, cache, channel layer, broker)
python docker/healthcheck.py beat     beat: the celery beat process is alive (it has no port)
"""

import os
import sys
import urllib.request


def web(path: str = "/healthz") -> int:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{path}",
        # The server sits behind a TLS proxy: say so, or SECURE_SSL_REDIRECT answers 301.
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=8) as response:
            return 0 if response.status == 200 else 1
    except Exception as exc:  # any failure means unhealthy; say why in `docker inspect`
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


def beat() -> int:
    me = os.getpid()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == me:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if any(arg.endswith(b"celery") for arg in argv) and b"beat" in argv:
            return 0
    print("unhealthy: no celery beat process", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if sys.argv[1:] == ["beat"]:
        sys.exit(beat())
    sys.exit(web("/readyz" if sys.argv[1:] == ["ready"] else "/healthz"))
