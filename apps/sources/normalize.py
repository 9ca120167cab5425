"""Turning a raw entry into what we store: canonical URL, sanitized HTML, plain text, language,
sentiment, a content hash and a MinHash signature. Pure functions, no database."""

from __future__ import annotations

import hashlib
import html
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3
import numpy as np
from w3lib.url import canonicalize_url

from apps.core.language import detect_language as detect

from .engagement import clean_signals
from .lexicon import NEGATIONS, RU_NEGATIVE_STEMS, RU_POSITIVE_STEMS, WORDS_EN_NEGATIVE, WORDS_EN_POSITIVE
from .tokenize import search_tokens, shingle_words

# --- canonical URLs ---------------------------------------------------------------------------

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "ysclid", "mc_cid", "mc_eid", "_ga", "_gl",
        "igshid", "igsh", "ref_src", "ref_url", "spm", "cmpid", "ncid", "sr_share", "share", "smid",
        "ito", "wt.mc_id", "wt_mc_id", "s_cid", "oly_enc_id", "oly_anon_id", "vero_id", "mkt_tok", "_hsenc",
        "_hsmi", "hsctatracking", "twclid", "li_fat_id", "rb_clickid", "at_medium", "at_campaign", "guccounter",
        "guce_referrer", "guce_referrer_sig", "si", "feature", "amp", "outputtype", "usqp", "amp_js_v", "__twitter_impression",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "ga_", "__hs")
DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")


def _fold_amp(host: str, path: str) -> tuple[str, str]:
    if host.startswith("amp."):
        host = host[4:]
    for suffix in ("/amp", "/amp/", "/amp.html"):
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)] or "/"
            break
    if path.endswith(".amp.html"):
        path = path[: -len(".amp.html")] + ".html"
    elif path.endswith(".amp"):
        path = path[: -len(".amp")]
    if path.startswith("/amp/") and len(path) > 5:
        path = path[4:]
    return host, path


@lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """A stable identity for a story's URL: tracking parameters gone, host lower-cased without www.,
    default port and fragment dropped, trailing slash and AMP variants folded, query sorted."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url[:2000]
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url[:2000]
    host = (parts.hostname or "").lower().rstrip(".")
    path = parts.path or "/"
    # AMP cache and Google AMP viewer URLs carry the original URL in their path.
    if _AMP_CACHE.match(host) and path.startswith(("/c/s/", "/v/s/", "/c/", "/v/")):
        inner = path.split("/s/", 1)[1] if "/s/" in path[:6] else path[3:]
        return canonical_url(f"https://{inner}" + (f"?{parts.query}" if parts.query else ""))
    if host in ("www.google.com", "google.com") and path.startswith("/amp/"):
        inner = path[len("/amp/") :]
        inner = inner[2:] if inner.startswith("s/") else inner
        return canonical_url(("https://" if path.startswith("/amp/s/") else "http://") + inner)
    if host.startswith("www."):
        host = host[4:]
    host, path = _fold_amp(host, path)
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    if port and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    # w3lib gives one spelling per URL: the host in punycode (an internationalised domain and its
    # punycode are one key), escapes of ordinary characters decoded and the rest escaped as UTF-8 in
    # upper case, the reserved ones kept (%2F is not a path separator), the query sorted.
    folded = urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))
    try:
        canonical = urlsplit(canonicalize_url(folded, keep_blank_values=True))
    except ValueError:  # an address w3lib refuses to split: a feed's URL never makes ingest fail
        return folded[:2000]
    # A site's root is its bare host, as the keys already stored spell it.
    return urlunsplit(canonical._replace(path="" if canonical.path == "/" else canonical.path))[:2000]


# --- sanitizing -------------------------------------------------------------------------------

ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"area", "map", "center", "nav", "header", "footer", "bdo", "data"}) | {"source"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "source": {"src", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRS = {"href", "src", "cite"}


def sanitize_html(value: str, *, base_url: str = "") -> str:
    """Only harmless markup survives: no scripts or styles, no event attributes, no javascript: URLs.
    Relative links are made absolute against base_url."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return html.escape(value, quote=False)

    def attribute_filter(tag: str, attribute: str, val: str) -> str | None:
        if attribute in _URL_ATTRS:
            val = val.strip()
            if base_url and val and "://" not in val[:12] and not val.startswith(("mailto:", "#")):
                val = urljoin(base_url, val)
        return val

    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter if base_url else None,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        clean_content_tags={"script", "style", "noscript", "iframe", "object", "template", "svg", "math"},
    )


_BLOCK_END = re.compile(r"(?i)<(?:br\s*/?|/p|/div|/li|/h[1-6]|/tr|/blockquote|/pre|/figcaption|hr\s*/?)>")
_TAG = re.compile(r"<[^>]*>")
_WS = re.compile(r"[ \t\r\f\v]+")
_NL = re.compile(r"\s*\n\s*")


def html_to_text(value: str) -> str:
    """Plain text of already sanitized HTML (block ends become line breaks)."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n", value)
    text = html.unescape(_TAG.sub(" ", text))
    text = _WS.sub(" ", text)
    return _NL.sub("\n", text).strip()


def plain_title(value: str) -> str:
    if not value:
        return ""
    if "<" in value or "&" in value:
        value = html.unescape(_TAG.sub("", value))
    return " ".join(value.split())[:1000]


_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.I)


def first_image(sanitized_html: str) -> str:
    match = _IMG_SRC.search(sanitized_html or "")
    return html.unescape(match.group(1)) if match else ""


# --- language ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def detect_language(text: str, *, hint: str = "") -> str:
    """A two-letter language code (py3langid, see apps/core/language.py). Falls back to the feed's
    declared language (hint) when the text says too little."""
    return detect(text, hint=hint)


# --- sentiment --------------------------------------------------------------------------------

_RU_STEM_LENGTHS = sorted({len(s) for s in RU_POSITIVE_STEMS | RU_NEGATIVE_STEMS}, reverse=True)


def sentiment_score(text: str) -> float:
    """A lexicon score in [-1, 1] for English and Russian; a negation flips the next sentiment word."""
    pos = neg = 0
    negate = 0
    for raw in _WORD.findall(text[:5000].lower()):
        if raw in NEGATIONS:
            negate = 3
            continue
        polarity = 0
        if raw in WORDS_EN_POSITIVE:
            polarity = 1
        elif raw in WORDS_EN_NEGATIVE:
            polarity = -1
        elif len(raw) >= 4 and "\u0400" <= raw[0] <= "\u04ff":
            for k in _RU_STEM_LENGTHS:
                stem = raw[:k]
                if stem in RU_POSITIVE_STEMS:
                    polarity = 1
                    break
                if stem in RU_NEGATIVE_STEMS:
                    polarity = -1
                    break
        if polarity:
            if negate:
                polarity = -polarity
            if polarity > 0:
                pos += 1
            else:
                neg += 1
        if negate:
            negate -= 1
    if not pos and not neg:
        return 0.0
    return round((pos - neg) / (pos + neg + 1.0), 4)


# --- hashing and MinHash ----------------------------------------------------------------------

NUM_PERM = 64
_rng = np.random.RandomState(1)
# Multiply-shift hashing (Dietzfelbinger): h(x) = (a*x + b mod 2^64) >> 32 with odd a; no modulo, so
# 64 permutations of a few hundred shingles cost a handful of vector operations.
_PERM_A = _rng.randint(1, 2**63 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64) | np.uint64(1)
_PERM_B = _rng.randint(0, 2**63 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_SHIFT = np.uint64(32)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_NORMALIZE = re.compile(r"[^\w]+", re.UNICODE)


def normalized_words(title: str, text: str, *, limit: int = 400) -> list[str]:
    return _NORMALIZE.sub(" ", f"{title} {text[:6000]}".lower()).split()[:limit]


def content_hash(title: str, text: str, *, words: list[str] | None = None) -> str:
    if words is None:
        words = _NORMALIZE.sub(" ", f"{title} {text}".lower()).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def shingles(words: list[str]) -> set[bytes]:
    """Word bigrams (character 4-grams for very short texts), so a small edit changes few shingles."""
    if len(words) >= 8:
        return {f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)}
    joined = " ".join(words)
    if len(joined) < 4:
        return {joined.encode()} if joined else set()
    return {joined[i : i + 4].encode() for i in range(len(joined) - 3)}


def _shingle_hashes(words: list[str]) -> np.ndarray:
    if len(words) >= 8:
        # Word bigrams hashed from per-word CRCs: one C call per word, the pairing vectorized.
        w = np.fromiter((zlib.crc32(x.encode()) for x in words), dtype=np.uint64, count=len(words))
        return np.unique((w[:-1] * _MIX) ^ w[1:])
    grams = shingles(words)
    return np.fromiter((zlib.crc32(g) for g in grams), dtype=np.uint64, count=len(grams))


def minhash_signature(words: list[str]) -> list[int]:
    """64 MinHash values (32-bit) over the word-bigram shingles of words."""
    hv = _shingle_hashes(words)
    if not len(hv):
        return []
    return ((hv[:, None] * _PERM_A + _PERM_B) >> _SHIFT).min(axis=0).tolist()


def jaccard_estimate(a: list[int], b: list[int]) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


# --- the normalized item ----------------------------------------------------------------------


@dataclass
class RawEntry:
    """One entry as a source kind gives it, before normalization."""

    guid: str = ""
    url: str = ""
    title: str = ""
    author: str = ""
    published: datetime | None = None
    summary_html: str = ""
    content_html: str = ""
    image_url: str = ""
    score: int | None = None
    comments: int | None = None
    language: str = ""
    base_url: str = ""
    signals: dict = field(default_factory=dict)


@dataclass
class NormalizedItem:
    guid: str
    url: str
    canonical_url: str
    title: str
    author: str
    published_at: datetime
    summary_html: str
    content_html: str
    text: str
    image_url: str
    language: str
    sentiment: float
    content_hash: str
    minhash: list[int] = field(default_factory=list)
    score: int | None = None
    comments: int | None = None
    signals: dict = field(default_factory=dict)
    search_tokens: str = ""


def _safe_url(value: str, base: str = "") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if base and "://" not in value[:12]:
        value = urljoin(base, value)
    scheme = value.split(":", 1)[0].lower()
    return value[:2000] if scheme in ("http", "https") else ""


def normalize_entry(entry: RawEntry, *, feed_url: str, feed_language: str = "", now: datetime | None = None):
    """A RawEntry made safe and comparable, or None when it has nothing to identify it."""
    now = now or datetime.now(UTC)
    base = entry.base_url or feed_url
    url = _safe_url(entry.url, base)
    guid = (entry.guid or url or "").strip()[:1000]
    summary_html = sanitize_html(entry.summary_html, base_url=url or base)
    content_html = sanitize_html(entry.content_html, base_url=url or base) if entry.content_html else ""
    if content_html and content_html == summary_html:
        summary_html = ""
    title = plain_title(entry.title)
    text = html_to_text(content_html or summary_html)
    if not title and not text and not url:
        return None
    if not title:
        title = " ".join(text.split()[:12])[:300]
    if not guid:
        guid = "hash:" + content_hash(title, text)
    canonical = canonical_url(url) if url else f"urn:trendoscope:{hashlib.sha1(guid.encode()).hexdigest()}"
    published = entry.published or now
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    published = published.astimezone(UTC)
    if published > now:
        published = now
    all_words = _NORMALIZE.sub(" ", f"{title} {text}".lower()).split()
    sample = f"{title}. {text[:3000]}"
    language = detect_language(sample, hint=entry.language or feed_language)
    # Chinese, Japanese and Korean run words together: shingles come from segmented words instead.
    shingle_source = shingle_words(title, text, language=language) or all_words[:400]
    return NormalizedItem(
        guid=guid,
        url=url,
        canonical_url=canonical,
        title=title,
        author=plain_title(entry.author)[:255],
        published_at=published,
        summary_html=summary_html,
        content_html=content_html,
        text=text,
        image_url=_safe_url(entry.image_url, base) or first_image(content_html or summary_html),
        language=language,
        sentiment=sentiment_score(sample),
        content_hash=content_hash(title, text, words=all_words),
        minhash=minhash_signature(shingle_source),
        score=entry.score,
        comments=entry.comments,
        signals=clean_signals(entry.signals),
        search_tokens=search_tokens(title, text, language=language),
    )
