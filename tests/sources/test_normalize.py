"""Canonical URLs, sanitizing, text, language, sentiment and MinHash."""

from __future__ import annotations

import pytest

from apps.sources.normalize import (
    RawEntry,
    canonical_url,
    detect_language,
    html_to_text,
    jaccard_estimate,
    minhash_signature,
    normalize_entry,
    normalized_words,
    sanitize_html,
    sentiment_score,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.COM/Story/?utm_source=tw&utm_medium=x&id=3", "https://example.com/Story?id=3"),
        ("https://www.example.com:443/a/b/#frag", "https://example.com/a/b"),
        ("http://example.com:80/", "http://example.com"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com/a?b=2&a=1&fbclid=zzz&gclid=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://amp.example.com/news/story", "https://example.com/news/story"),
        ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
        ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story", "https://example.com/news/story"),
        ("https://www.google.com/amp/s/example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com//double//slash/", "https://example.com/double/slash"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


XSS = [
    "<script>alert(1)</script><p>ok</p>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    '<div onmouseover="alert(1)">x</div>',
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example.com"></iframe>',
    '<style>body{}</style><p style="background:url(javascript:alert(1))">x</p>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<form action="https://evil"><input name=x></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
]


@pytest.mark.parametrize("dirty", XSS)
def test_sanitize_removes_scripts_and_handlers(dirty):
    clean = sanitize_html(dirty, base_url="https://example.com/")
    lowered = clean.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and "onerror" not in lowered
    assert "onmouseover" not in lowered and "<iframe" not in lowered and "style=" not in lowered
    assert "data:" not in lowered and "<form" not in lowered and "<embed" not in lowered


def test_sanitize_keeps_markup_and_resolves_links():
    clean = sanitize_html('<p>Hi <a href="/about">us</a> <img src="i.png" alt="i"></p>', base_url="https://e.com/x/")
    assert 'href="https://e.com/about"' in clean and 'src="https://e.com/x/i.png"' in clean
    assert 'rel="noopener noreferrer nofollow ugc"' in clean


def test_html_to_text():
    assert html_to_text("<p>One &amp; two</p><p>three<br>four</p>") == "One & two\nthree\nfour"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The quick brown fox jumps over the lazy dog and it was not amused by the weather", "en"),
        ("Путин заявил, что экономика России растёт быстрее, чем ожидалось", "ru"),
        ("Der schnelle braune Fuchs springt über den faulen Hund und es ist nicht gut", "de"),
        ("Le gouvernement a annoncé que les prix sont en hausse pour la fin de cette année", "fr"),
        ("El presidente dijo que la economía del país está creciendo más de lo esperado", "es"),
        ("Україна отримала нові підтримку від партнерів і їх допомогу", "uk"),
        ("東京で新しい技術が発表されました", "ja"),
    ],
)
def test_language(text, lang):
    assert detect_language(text) == lang


def test_language_hint_for_short_text():
    assert detect_language("OK", hint="de-DE") == "de"


def test_sentiment():
    assert sentiment_score("Great success: the launch was excellent and everyone is happy") > 0.5
    assert sentiment_score("Terrible crash, the outage caused losses and fear") < -0.5
    assert sentiment_score("This is not good") < 0
    assert sentiment_score("Отличные новости: рост и успех компании") > 0.3
    assert sentiment_score("Ужасная авария и большие потери") < -0.3
    assert sentiment_score("The meeting is on Tuesday") == 0


def test_minhash_similarity_tracks_edits():
    text = " ".join(f"word{i}" for i in range(120))
    edited = text.replace("word50", "changed").replace("word90", "other")
    a = minhash_signature(normalized_words("Title", text))
    b = minhash_signature(normalized_words("Title", edited))
    c = minhash_signature(normalized_words("Something", " ".join(f"other{i}" for i in range(120))))
    assert len(a) == 64 and all(0 <= v < 2**32 for v in a)
    assert jaccard_estimate(a, b) > 0.8 and jaccard_estimate(a, c) < 0.2


def test_normalize_entry():
    entry = RawEntry(
        guid="",
        url="/posts/1?utm_campaign=x",
        title="<b>Hello</b> &amp; welcome",
        summary_html='<p>Summary <a href="javascript:evil()">x</a><script>1</script></p>',
    )
    item = normalize_entry(entry, feed_url="https://blog.example.com/feed")
    assert item.url == "https://blog.example.com/posts/1?utm_campaign=x"
    assert item.guid == item.url and item.canonical_url == "https://blog.example.com/posts/1"
    assert item.title == "Hello & welcome"
    assert "javascript" not in item.summary_html and "script" not in item.summary_html
    assert item.text == "Summary x"
    assert normalize_entry(RawEntry(), feed_url="https://e.com/") is None


def test_normalize_refuses_unsafe_urls():
    item = normalize_entry(
        RawEntry(url="javascript:alert(1)", title="x", image_url="data:x"), feed_url="https://e.com/"
    )
    assert item.url == "" and item.image_url == "" and item.canonical_url.startswith("urn:trendoscope:")
