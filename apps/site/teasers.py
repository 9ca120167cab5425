"""What each reader sees of a headline test: a random first-party id in a cookie (no account, no
address, no fingerprint) picks the variant by hash, the same one on every visit; list views count
impressions, opens from a list count clicks. Robots are neither assigned nor counted.

Model classes are looked up in the app registry: the page models call into this module."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import F
from django.utils.cache import patch_vary_headers

from .bots import request_is_bot
from .choices import HeadlineTestState

if TYPE_CHECKING:
    from .models import HeadlineTest, HeadlineVariant

VISITOR_COOKIE = "tv_id"
VISITOR_MAX_AGE = 365 * 24 * 3600
VISITOR_RE = re.compile(r"^[0-9a-f]{32}$")
# Article links in lists carry it, so an open can be told from an arrival by a shared link.
FROM_LIST = "list"


@dataclass
class Teaser:
    article: object
    headline: str
    variant_id: int | None = None


def variant_index(*, test_id: int, visitor: str, count: int) -> int:
    """The variant (0..count-1) a visitor sees in a test: uniform over visitors, stable per visitor."""
    digest = hashlib.sha256(f"{test_id}:{visitor}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def visitor_id(request) -> str | None:
    """The visitor's random id (made now when the cookie is missing), or None for a robot."""
    if request is None or request_is_bot(request):
        return None
    cached = getattr(request, "_site_visitor", None)
    if cached:
        return cached
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    if not VISITOR_RE.match(value):
        value = secrets.token_hex(16)
        request._site_visitor_new = True
    request._site_visitor = value
    return value


def with_visitor_cookie(request, response):
    if getattr(request, "_site_visitor", None) and hasattr(response, "set_cookie"):
        # The headline depends on the visitor's id: a shared cache must not hand one reader's to another.
        patch_vary_headers(response, ["Cookie"])
    if getattr(request, "_site_visitor_new", False) and hasattr(response, "set_cookie"):
        response.set_cookie(
            VISITOR_COOKIE,
            request._site_visitor,
            max_age=VISITOR_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def _running_tests(page_ids: list[int]) -> dict[int, tuple[HeadlineTest, list[HeadlineVariant]]]:
    """page id -> its running test and the test's variants in order."""
    if not page_ids:
        return {}
    test_model = apps.get_model("site", "HeadlineTest")
    tests = test_model.objects.filter(page_id__in=page_ids, state=HeadlineTestState.RUNNING).prefetch_related(
        "variants"
    )
    return {t.page_id: (t, list(t.variants.all())) for t in tests}


def _pick(request, test, variants):
    visitor = visitor_id(request)
    if visitor is None or len(variants) < 2:
        return None
    return variants[variant_index(test_id=test.pk, visitor=visitor, count=len(variants))]


def _counting(request) -> bool:
    return request is not None and not getattr(request, "is_preview", False) and not request_is_bot(request)


def teasers_for(*, request, articles: list) -> list[Teaser]:
    """The list's teasers, each with the headline this visitor sees; counts one impression per test."""
    running = _running_tests([a.pk for a in articles])
    out, shown = [], []
    for article in articles:
        test_and_variants = running.get(article.pk)
        variant = _pick(request, *test_and_variants) if test_and_variants else None
        if variant is None:
            out.append(Teaser(article=article, headline=article.title))
            continue
        out.append(Teaser(article=article, headline=variant.headline, variant_id=variant.pk))
        shown.append(variant.pk)
    if shown and _counting(request):
        apps.get_model("site", "HeadlineVariant").objects.filter(pk__in=shown).update(impressions=F("impressions") + 1)
    return out


def article_headline(*, request, article) -> str:
    """The title this visitor reads on the article; an open from a list counts as a click."""
    running = _running_tests([article.pk]).get(article.pk)
    variant = _pick(request, *running) if running else None
    if variant is None:
        return article.title
    if _counting(request) and request.GET.get("from") == FROM_LIST:
        apps.get_model("site", "HeadlineVariant").objects.filter(pk=variant.pk).update(clicks=F("clicks") + 1)
    return variant.headline
