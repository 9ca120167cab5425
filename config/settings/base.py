"""Settings shared by every environment. Values come from the environment through apps.core.env."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

from apps.collaboration.conf import default_channel_prefix
from apps.core.env import env_bool, env_float, env_int, env_list, env_str
from apps.core.logging import logging_config
from apps.core.schedule import backup_schedule

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("TRENDOSCOPE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-development-key-change-me-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    # third party
    "allauth",
    "allauth.account",
    "allauth.headless",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "channels",
    "storages",
    "csp",
    "django_prometheus",
    "django_structlog",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # ours
    "apps.core",
    "apps.accounts",
    "apps.notifications",
    "apps.sources",
    "apps.trends",
    "apps.personas",
    "apps.posts",
    "apps.generation",
    "apps.collaboration",
    "apps.publishing",
    "apps.site",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.uploads.RequestSizeLimitMiddleware",
    "apps.core.badinput.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.accounts.middleware.WorkspaceMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # binds request_id for every log line of the request and the Celery tasks it starts
    "django_structlog.middlewares.RequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# django-structlog would read request.user to log its id before the view runs: that caches the anonymous
# user before allauth's headless views load the X-Session-Token session (every token then fails).
DJANGO_STRUCTLOG_USER_ID_FIELD = None

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.accounts.context_processors.workspace",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "trendoscope.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
# Web server, worker and beat share the file: WAL lets readers run beside the one writer,
# IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, channels, broker ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# Channel names must be unique per installation: Redis pub/sub ignores the database number, so two
# installations on one Redis server would otherwise share channels (and posts with the same id their
# live edits). Empty (the default) = derived from the database and the Redis URL; set it to name the
# installation yourself (every process of one installation must use the same value).
CHANNEL_PREFIX = env_str("CHANNEL_PREFIX", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout, the same as channels-redis's 5 s BZPOPMIN: the
            # read times out and kills idle consumers. A longer socket timeout avoids the race.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "capacity": 1500,
                "expiry": 30,
                "prefix": CHANNEL_PREFIX or default_channel_prefix(database=DATABASES["default"], redis_url=REDIS_URL),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# visibility_timeout is a Redis/SQS option; kombu hands the SQLAlchemy transport's options to create_engine().
CELERY_BROKER_TRANSPORT_OPTIONS = {} if CELERY_BROKER_URL.startswith("sqla+") else {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Each app lists its periodic tasks in apps/<app>/schedule.py; apps.core.wiring adds them at startup.
CELERY_BEAT_SCHEDULE: dict = {}

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/app/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {"login_failed": "10/m/ip,5/5m/key"}  # False: none
# Client addresses: the ASGI server (uvicorn --proxy-headers, trusting only FORWARDED_ALLOW_IPS) already
# puts the client's address into REMOTE_ADDR, so neither DRF nor allauth reads X-Forwarded-For itself
# (0 = REMOTE_ADDR). Set NUM_PROXIES only when proxies append to X-Forwarded-For and the server does not
# resolve it; a client's own X-Forwarded-For never picks the throttle key.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
# Failed token logins per username (any address) before POST /api/v1/auth/token/ answers 429.
TOKEN_LOGIN_FAILURES = env_int("TOKEN_LOGIN_FAILURES", 5)
TOKEN_LOGIN_FAILURE_WINDOW = env_int("TOKEN_LOGIN_FAILURE_WINDOW", 300)
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = False
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("ru", "Russian")]

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "us-east-1")
AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# --- email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trendoscope <noreply@localhost>")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ExpiringTokenAuthentication",
        # the session token from allauth's headless login (POST /_allauth/app/v1/auth/login)
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "apps.core.api.metadata.Metadata",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "1200/min"),
        "login": env_str("API_THROTTLE_LOGIN", "10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Request bodies nesting deeper than this are refused before they are parsed (apps.core.api.parsers).
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 200)
SPECTACULAR_SETTINGS = {
    "TITLE": "Trendoscope API",
    "DESCRIPTION": "The editorial API: sources, trends, personas, posts, collaboration and publishing.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["apps.core.api.schema.only_our_api"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"AlertKindEnum": "apps.notifications.models.Kind"},
}

# --- wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Trendoscope")
# The public address every absolute link is built from; locally it follows PORT (as `make run` serves).
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "") or f"http://127.0.0.1:{env_int('PORT', 8000)}"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
SITE_URL = WAGTAILADMIN_BASE_URL

# --- uploads --------------------------------------------------------------------------------
# Request bodies: Django refuses a non-file body above DATA_UPLOAD_MAX_MEMORY_SIZE; files above
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory. UPLOAD_MAX_BYTES caps every
# request body as a whole (apps.core.uploads: the ASGI wrapper in config/asgi.py checks Content-Length
# before the body is read and counts the bytes of a chunked body; the middleware checks it under WSGI).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
# Images uploaded into a post's text: at most this many bytes and pixels (width × height).
POSTS_IMAGE_MAX_BYTES = env_int("POSTS_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
POSTS_IMAGE_MAX_PIXELS = env_int("POSTS_IMAGE_MAX_PIXELS", 40_000_000)

# --- content security policy (django-csp) ---------------------------------------------------
# Scripts only from our origin (or with the per-response nonce); no inline handlers. Style attributes
# stay allowed (the editor colours remote cursors with them), <style> elements do not.
CONTENT_SECURITY_POLICY = {
    # Wagtail's admin, Django's admin and the Swagger page bring their own inline scripts.
    "EXCLUDE_URL_PREFIXES": ["/cms/", "/admin/", "/api/docs/", "/documents/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "media-src": ["'self'", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": [SELF],  # 'self' covers ws:/wss: to our own host
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- trendoscope ----------------------------------------------------------------------------
# The password of the demo users `manage.py seed_demo` makes (`make run` prints it).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "trendoscope-demo")
# Fernet keys for stored credentials (platform tokens, AI keys), comma-separated: the first encrypts,
# all decrypt (rotation). FIELD_ENCRYPTION_KEY is the older name of one key. Data written before either
# was set (with a key derived from SECRET_KEY) stays readable; production refuses to start without one.
CREDENTIALS_KEYS = env_list("CREDENTIALS_KEYS", [])
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")
# Every stored credential (model field -> the purpose string of its legacy SECRET_KEY derivation):
# `manage.py rotate_credentials_key` re-encrypts them under the first CREDENTIALS_KEYS key.
CREDENTIAL_FIELDS = {
    "publishing.Channel.credentials_encrypted": "trendoscope.publishing.credentials:",
    "generation.AIProviderSettings.api_key_encrypted": "trendoscope-fields:",
    "trends.TrendSettings.embedding_api_key": "trendoscope-fields:",
}
# Django's own: earlier SECRET_KEYs still accepted (sessions, signed values, and credentials stored
# under a SECRET_KEY-derived key) while SECRET_KEY is rotated.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
FETCH_ALLOW_PRIVATE_NETWORKS = env_bool("FETCH_ALLOW_PRIVATE_NETWORKS", False)
# Origins of AI servers on private addresses a workspace may use as its base URL, e.g. a local Ollama:
# AI_ALLOWED_PRIVATE_ORIGINS=http://localhost:11434,http://ollama:11434 (host and port as written).
AI_ALLOWED_PRIVATE_ORIGINS = env_list("AI_ALLOWED_PRIVATE_ORIGINS", [])
WEBSOCKET_ALLOWED_ORIGINS = env_list("WEBSOCKET_ALLOWED_ORIGINS", [])
# Live editing (apps/collaboration). Updates are in the log before they are relayed; off = relay
# first, write behind (benchmarks only).
COLLAB_DURABLE = env_bool("COLLAB_DURABLE", True)
# A document larger than this refuses further growth with a clear message.
COLLAB_MAX_DOCUMENT_BYTES = env_int("COLLAB_MAX_DOCUMENT_BYTES", 32 * 1024 * 1024)
# The largest websocket frame any server here accepts (uvicorn refuses a bigger one from its header):
# a full sync of the largest live document must fit.
COLLAB_MAX_FRAME_BYTES = env_int("COLLAB_MAX_FRAME_BYTES", 33 * 1024 * 1024)
# One awareness message (a cursor, a name, a colour) is small; anything larger closes the sender.
COLLAB_MAX_AWARENESS_BYTES = env_int("COLLAB_MAX_AWARENESS_BYTES", 64 * 1024)
# Nesting of shared types (the editor's lists in blockquotes reach 10-20) and inside one attribute or
# embed value (the editor's are flat): deeper updates are refused before they touch a document.
COLLAB_MAX_NESTING_DEPTH = env_int("COLLAB_MAX_NESTING_DEPTH", 64)
COLLAB_MAX_VALUE_DEPTH = env_int("COLLAB_MAX_VALUE_DEPTH", 32)
# A room with nobody in it is unloaded (and snapshotted into a Revision) after this long; rooms of one
# post in different processes compare state this often; while people keep editing, a Revision
# snapshot is taken at most this often.
COLLAB_IDLE_SECONDS = env_float("COLLAB_IDLE_SECONDS", 30.0)
COLLAB_RESYNC_SECONDS = env_float("COLLAB_RESYNC_SECONDS", 5.0)
COLLAB_SNAPSHOT_SECONDS = env_float("COLLAB_SNAPSHOT_SECONDS", 300.0)
# Compaction folds update-log rows older than this into the checkpoint, so many at a time.
COLLAB_COMPACT_MIN_AGE_SECONDS = env_float("COLLAB_COMPACT_MIN_AGE_SECONDS", 60.0)
COLLAB_COMPACT_BATCH_ROWS = env_int("COLLAB_COMPACT_BATCH_ROWS", 5000)
# When the first room of a process opens, freeze the heap loaded so far out of the cyclic GC (full
# collections over Django's import-time objects were event-loop pauses of tens of ms).
COLLAB_FREEZE_GC = env_bool("COLLAB_FREEZE_GC", True)
# Over Redis, rooms of different processes meet through channels-redis's pub/sub layer (one PUBLISH
# per group message) instead of the default layer's sorted-set queues.
COLLAB_PUBSUB = env_bool("COLLAB_PUBSUB", True)
# PostgreSQL's synchronous_commit for the update log's connection. "on" relays an update only once its
# row is flushed to disk. "off" relays once PostgreSQL has it (a crash of the app keeps every relayed
# update; a crash of the database server or machine may lose the last fraction of a second, which the
# editors' own copies send back when they reconnect).
COLLAB_LOG_SYNCHRONOUS_COMMIT = env_str("COLLAB_LOG_SYNCHRONOUS_COMMIT", "on")
# On PostgreSQL, the update log's own commit announces each update (up to this size) to the rooms of
# the same post in other processes (NOTIFY, delivered by the database at commit): one hop from the
# database to the other process instead of back to the writer, then through Redis. 0 turns it off
# (every update then goes through the channel layer).
COLLAB_LOG_ANNOUNCE_MAX_BYTES = env_int("COLLAB_LOG_ANNOUNCE_MAX_BYTES", 5000)
# Open websockets re-decide their access this often, besides the messages every change sends.
ACCESS_RECHECK_SECONDS = env_float("ACCESS_RECHECK_SECONDS", 30.0)
# Sources: due sources claimed per beat tick, and fetches at once against one host.
SOURCES_TICK_BATCH = env_int("SOURCES_TICK_BATCH", 200)
SOURCES_PER_HOST_CONCURRENCY = env_int("SOURCES_PER_HOST_CONCURRENCY", 2)
# Where the services behind the newer source kinds answer (tests point them at local servers).
SOURCES_YOUTUBE_FEED_URL = env_str("SOURCES_YOUTUBE_FEED_URL", "https://www.youtube.com/feeds/videos.xml")
SOURCES_BLUESKY_APPVIEW = env_str("SOURCES_BLUESKY_APPVIEW", "https://public.api.bsky.app")
SOURCES_GOOGLE_TRENDS_URL = env_str("SOURCES_GOOGLE_TRENDS_URL", "https://trends.google.com/trending/rss")
SOURCES_GITHUB_URL = env_str("SOURCES_GITHUB_URL", "https://github.com")
# Full text: seconds between two article fetches from one host (robots.txt Crawl-delay may ask for
# more, up to 60 s), articles fetched per source and fetch, and how long robots.txt answers are kept.
SOURCES_FULLTEXT_HOST_INTERVAL = env_float("SOURCES_FULLTEXT_HOST_INTERVAL", 2.0)
SOURCES_FULLTEXT_PER_FETCH = env_int("SOURCES_FULLTEXT_PER_FETCH", 20)
SOURCES_ROBOTS_CACHE_SECONDS = env_int("SOURCES_ROBOTS_CACHE_SECONDS", 3600)
# A watched web page: new links whose articles are fetched per check.
SOURCES_WEB_PAGE_ARTICLES = env_int("SOURCES_WEB_PAGE_ARTICLES", 15)
# Notifications: a source that has failed every fetch for this many hours is reported (sources.alert_failing).
SOURCES_FAILING_ALERT_HOURS = env_int("SOURCES_FAILING_ALERT_HOURS", 6)
# Publishing: seconds a platform has to answer one request.
PUBLISHING_HTTP_TIMEOUT = env_float("PUBLISHING_HTTP_TIMEOUT", 15.0)
# Publishing: how long a dispatcher claim on a publication holds before another worker may take the
# row over (a worker that died). Longer than one row's send (the HTTP timeout), so a live worker keeps
# its rows.
PUBLISHING_LEASE_SECONDS = env_int("PUBLISHING_LEASE_SECONDS", 120)
# Publishing: the start of the per-channel token-bucket and circuit-breaker keys in Redis.
PUBLISHING_REDIS_PREFIX = env_str("PUBLISHING_REDIS_PREFIX", "pub:")
# Publishing: connecting accounts. The OAuth apps registered with X and LinkedIn (Mastodon apps are
# registered per instance at connect time), and where each platform's OAuth endpoints live (tests and
# self-hosted gateways point them elsewhere).
PUBLISHING_X_CLIENT_ID = env_str("PUBLISHING_X_CLIENT_ID", "")
PUBLISHING_X_CLIENT_SECRET = env_str("PUBLISHING_X_CLIENT_SECRET", "")
PUBLISHING_X_AUTHORIZE_URL = env_str("PUBLISHING_X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
PUBLISHING_X_TOKEN_URL = env_str("PUBLISHING_X_TOKEN_URL", "https://api.x.com/2/oauth2/token")
PUBLISHING_X_REVOKE_URL = env_str("PUBLISHING_X_REVOKE_URL", "https://api.x.com/2/oauth2/revoke")
PUBLISHING_X_API_URL = env_str("PUBLISHING_X_API_URL", "https://api.x.com")
PUBLISHING_LINKEDIN_CLIENT_ID = env_str("PUBLISHING_LINKEDIN_CLIENT_ID", "")
PUBLISHING_LINKEDIN_CLIENT_SECRET = env_str("PUBLISHING_LINKEDIN_CLIENT_SECRET", "")
PUBLISHING_LINKEDIN_AUTHORIZE_URL = env_str(
    "PUBLISHING_LINKEDIN_AUTHORIZE_URL", "https://www.linkedin.com/oauth/v2/authorization"
)
PUBLISHING_LINKEDIN_TOKEN_URL = env_str(
    "PUBLISHING_LINKEDIN_TOKEN_URL", "https://www.linkedin.com/oauth/v2/accessToken"
)
PUBLISHING_LINKEDIN_REVOKE_URL = env_str("PUBLISHING_LINKEDIN_REVOKE_URL", "https://www.linkedin.com/oauth/v2/revoke")
PUBLISHING_LINKEDIN_API_URL = env_str("PUBLISHING_LINKEDIN_API_URL", "https://api.linkedin.com")
# Tokens expiring within this many seconds are refreshed by the beat task.
PUBLISHING_TOKEN_REFRESH_MARGIN = env_int("PUBLISHING_TOKEN_REFRESH_MARGIN", 15 * 60)
# A channel whose deliveries failed this many times in a row is paused (0: never).
PUBLISHING_PAUSE_AFTER_FAILURES = env_int("PUBLISHING_PAUSE_AFTER_FAILURES", 5)

# --- operations: logs, metrics, traces, health, backups -------------------------------------
# Logs: json (one object a line, production's default) or plain; every line carries the request_id
# (apps.core.logging), which follows the request into the Celery tasks it starts.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# Take the X-Request-ID a proxy sends (on by default: it is only a log correlation key).
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env_bool("TRUST_UPSTREAM_REQUEST_ID", True)
DJANGO_STRUCTLOG_COMMAND_LOGGING_ENABLED = False

# Prometheus (/metrics, apps.core.metrics): a bearer token and/or client networks; both empty = loopback only.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])
# A Celery worker serves its own figures on this port when set (no web server in a worker pod).
METRICS_WORKER_PORT = env_int("METRICS_WORKER_PORT", 0)
METRICS_WORKER_ADDR = env_str("METRICS_WORKER_ADDR", "0.0.0.0")
# Queues whose depth is reported (empty = the default queue).
METRICS_CELERY_QUEUES = env_list("METRICS_CELERY_QUEUES", [])
# prometheus_client reads PROMETHEUS_MULTIPROC_DIR itself (docker/entrypoint.sh sets it).
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR", "")

# OpenTelemetry (apps.core.telemetry): on when an OTLP endpoint is set; the SDK reads the rest of OTEL_*.
OTEL_TRACES_ENDPOINT = env_str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "") or env_str("OTEL_EXPORTER_OTLP_ENDPOINT", "")
OTEL_SDK_DISABLED = env_bool("OTEL_SDK_DISABLED", False)
OTEL_SERVICE_NAME = env_str("OTEL_SERVICE_NAME", "trendoscope")
# Sentry: on when SENTRY_DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "")
SENTRY_RELEASE = env_str("SENTRY_RELEASE", "")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0)

# /readyz (apps.core.health): beat must have sent a task within READYZ_BEAT_MAX_AGE seconds, a worker
# must have written its heartbeat within READYZ_WORKER_MAX_AGE. Checks named in READYZ_SOFT_CHECKS are
# reported but fail readiness only with ?strict=1 (a stalled beat must not take the web servers out of
# the load balancer; the BeatStalled alert pages someone instead).
READYZ_BEAT_MAX_AGE = env_int("READYZ_BEAT_MAX_AGE", 300)
READYZ_WORKER_MAX_AGE = env_int("READYZ_WORKER_MAX_AGE", 180)
READYZ_SOFT_CHECKS = env_list("READYZ_SOFT_CHECKS", ["beat", "worker"])
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)

# Backups (manage.py backup/restore, apps.core.backup): to BACKUP_DIR or, when set, the S3 bucket
# BACKUP_S3_BUCKET (same endpoint and account as media unless BACKUP_S3_ENDPOINT_URL is set). The beat
# entry runs a backup every BACKUP_INTERVAL_HOURS (0 = no scheduled backup) and keeps BACKUP_KEEP.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_S3_BUCKET = env_str("BACKUP_S3_BUCKET", "")
BACKUP_S3_PREFIX = env_str("BACKUP_S3_PREFIX", "backups/")
BACKUP_S3_ENDPOINT_URL = env_str("BACKUP_S3_ENDPOINT_URL", "") or AWS_S3_ENDPOINT_URL
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
BACKUP_INTERVAL_HOURS = env_int("BACKUP_INTERVAL_HOURS", 0)
CELERY_BEAT_SCHEDULE.update(backup_schedule(BACKUP_INTERVAL_HOURS))
