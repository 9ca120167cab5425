"""Local development: the embedded default (SQLite, in-memory channel layer, SQLite broker)."""

from .base import *
from .base import env_bool, env_str

DEBUG = env_bool("DJANGO_DEBUG", True)
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
FETCH_ALLOW_PRIVATE_NETWORKS = env_bool("FETCH_ALLOW_PRIVATE_NETWORKS", True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
