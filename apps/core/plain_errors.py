"""Errors in plain words. A stored technical error (a resolver's "[Errno -2] Name or service not known",
"HTTP 503 from …", a TLS failure) is explained when it is shown, in the reader's language; the original
text stays one click away ({% plain_error %} in apps/core/templatetags/plain_errors.py)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# (pattern, plain words), first match wins; patterns are matched case-insensitively on the raw text.
RULES = [
    (
        r"errno -[235]\b|name or service not known|nodename nor servname|getaddrinfo|could not resolve"
        r"|temporary failure in name resolution|no address associated",
        _(
            "The site's address could not be found. Check the host name in the URL; if it is right, the site's DNS may be down for now."
        ),
    ),
    (
        r"private or reserved address",
        _("The address points into a private network, which Trendoscope does not fetch from."),
    ),
    (
        r"errno 111\b|connection refused",
        _("The site refused the connection: its server may be down or not listening."),
    ),
    (
        r"errno 10[14]\b|network is unreachable|connection reset|remote end closed|server disconnected",
        _("The connection to the site broke off. It is often temporary: the next try may work."),
    ),
    (
        r"certificate|\bssl\b|\btls\b",
        _("The site's security certificate could not be verified, so the connection was not trusted."),
    ),
    (
        r"timed? ?out|time limit",
        _("The site took too long to answer."),
    ),
    (r"\bhttp 404\b|\b404\b.*not found", _("The page was not found on the site (404). Check the URL.")),
    (r"\bhttp 410\b", _("The site says this address is gone for good (410).")),
    (r"\bhttp 40[13]\b", _("The site refused access (it needs a login or blocks us).")),
    (r"\bhttp 429\b|too many requests|rate limit", _("The site asked us to slow down; it will be tried again later.")),
    (r"\bhttp 5\d\d\b", _("The site had a problem of its own (a server error); it will be tried again.")),
    (r"larger than|too large", _("The response was larger than the size limit.")),
    (r"could not be decoded|not well-formed|parse", _("The response could not be read as a feed or page.")),
]
_COMPILED = [(re.compile(pattern, re.I), words) for pattern, words in RULES]


def explain(raw: str | None) -> tuple[str, str]:
    """(plain words, technical detail). Without a known pattern the text is shown as it is, with no
    detail; an empty error gives two empty strings."""
    text = (raw or "").strip()
    if not text:
        return "", ""
    for pattern, words in _COMPILED:
        if pattern.search(text):
            return str(words), text
    return text, ""
