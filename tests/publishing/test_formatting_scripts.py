"""Threads cut for every platform keep every character of text in any script: parts fit the limit,
nothing is lost or cut inside a grapheme (emoji ZWJ sequences, flags, accents), and text written
without spaces (Chinese, Japanese) is split too instead of refused."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.publishing.formatting import grapheme_length, mastodon_length, split_thread, utf16_length, x_weighted_length
from tests.posts.documents import FRAGMENTS

COUNTERS = [(x_weighted_length, 280), (grapheme_length, 300), (mastodon_length, 500), (utf16_length, 1024)]
CJK = "据报道，该公司周二宣布了新的计划。日本語の文章は空白なしで続きます。"

text = st.lists(
    st.sampled_from([*FRAGMENTS, CJK * 6, "https://example.com/новость?id=1"]), min_size=1, max_size=40
).map(lambda parts: " ".join(parts))


def _unnumbered(part: str) -> str:
    return regex.sub(r" \d+/\d+$", "", part)


@settings(max_examples=60, deadline=None)
@given(text, st.sampled_from(COUNTERS))
def test_every_grapheme_survives_the_split(value, counter):
    count, limit = counter
    parts, errors = split_thread(text=value, tail="", limit=limit, count=count, max_parts=100)
    assert not errors
    assert all(count(part) <= limit for part in parts)
    joined = "".join(_unnumbered(part) for part in parts)
    squash = lambda s: regex.sub(r"\s+", "", s)  # noqa: E731
    assert squash(joined) == squash(value)
    original = regex.findall(r"\X", squash(value))
    assert regex.findall(r"\X", squash(joined)) == original


def test_chinese_without_spaces_is_split_not_refused():
    parts, errors = split_thread(text=CJK * 40, tail="#新闻", limit=280, count=x_weighted_length, max_parts=25)
    assert not errors and len(parts) > 1
    assert parts[-1].endswith("#新闻") or "#新闻" in parts[-1]
