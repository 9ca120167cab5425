"""What an article says about itself to machines: JSON-LD NewsArticle (schema.org), safe to put
inside a <script> element."""

from __future__ import annotations

import json

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

# The same escapes Django's json_script uses: no "</script>" or "<!--" can close the element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def news_article(*, page, url: str, home_title: str, home_url: str, headline: str = "") -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": (headline or page.title)[:110],
        "description": page.excerpt or strip_tags(page.body or "")[:300],
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": page.language or "en",
        "keywords": [str(t) for t in page.tags or []],
        "publisher": {"@type": "Organization", "name": home_title, "url": home_url},
    }
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if page.author_name:
        data["author"] = [{"@type": "Person", "name": page.author_name}]
    if page.featured_image_url:
        data["image"] = [{"@type": "ImageObject", "url": page.featured_image_url, "caption": page.featured_image_alt}]
    if page.audio_url:
        data["audio"] = {"@type": "AudioObject", "contentUrl": page.audio_url, "encodingFormat": page.audio_mime}
    return data


def json_ld(data: dict) -> SafeString:
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))
