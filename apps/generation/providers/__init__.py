"""AI providers behind one interface (base.py): offline (default, no key) and any OpenAI-compatible
server; factory.py picks a workspace's, addresses.py checks where it may be reached. The package
itself stays light: drafting and prompts import base.py without pulling in the providers."""

from .addresses import AI_ALLOW_SETTING, DEFAULT_BASE_URL, base_url_error, base_url_origin

__all__ = ["AI_ALLOW_SETTING", "DEFAULT_BASE_URL", "base_url_error", "base_url_origin"]
