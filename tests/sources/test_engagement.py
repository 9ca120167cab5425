"""Engagement signals: one vocabulary across kinds, a bounded figure comparable across kinds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apps.sources.engagement import KIND_WEIGHTS, clean_signals, engagement_score, parse_traffic, velocity
from apps.sources.normalize import normalize_entry
from apps.sources.parsing import hn_item_entry, parse_reddit


def test_parse_traffic():
    assert parse_traffic("200,000+") == 200000
    assert parse_traffic("2M+") == 2_000_000 and parse_traffic("50K+") == 50000
    assert parse_traffic("") is None and parse_traffic("lots") is None


def test_clean_signals_drops_junk():
    assert clean_signals({"likes": 3, "views": 2.0, "reposts": True, "evil": 5, "replies": -1, "quotes": "7"}) == {
        "likes": 3,
        "views": 2,
    }


def test_hn_and_reddit_items_carry_signals():
    entry = hn_item_entry(
        {
            "id": 1,
            "type": "story",
            "title": "T",
            "url": "https://e.com/",
            "score": 321,
            "descendants": 45,
            "time": 1764496800,
        }
    )
    assert normalize_entry(entry, feed_url="https://hn/").signals == {"points": 321, "comments": 45}
    listing = {
        "kind": "Listing",
        "data": {
            "children": [
                {"data": {"name": "t3_a", "title": "R", "permalink": "/r/x/a", "score": 999, "num_comments": 12}}
            ]
        },
    }
    reddit = parse_reddit(listing).entries[0]
    assert normalize_entry(reddit, feed_url="https://r/").signals == {"score": 999, "comments": 12}


def test_engagement_is_comparable_across_kinds():
    front_page_hn = engagement_score("hacker_news", {"points": 800, "comments": 400})
    quiet_hn = engagement_score("hacker_news", {"points": 3, "comments": 0})
    viral_video = engagement_score("youtube", {"views": 2_000_000})
    assert 0.9 < front_page_hn <= 1 and quiet_hn < 0.2 and viral_video == 1.0
    assert engagement_score("feed", {"points": 10}) == 0.0 and engagement_score("reddit", {}) == 0.0
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert velocity(0.5, published_at=now - timedelta(hours=5), now=now) == 0.1
    assert velocity(0.5, published_at=now, now=now) == 0.5  # at least an hour


counts = st.integers(min_value=0, max_value=10**12)


@given(
    kind=st.sampled_from(sorted(KIND_WEIGHTS)),
    a=st.dictionaries(
        st.sampled_from(
            ["points", "score", "comments", "likes", "reposts", "views", "traffic", "reblogs", "favourites", "uses"]
        ),
        counts,
    ),
    extra=counts,
)
def test_engagement_is_bounded_and_monotonic(kind, a, extra):
    score = engagement_score(kind, a)
    assert 0.0 <= score <= 1.0
    weights, _ref = KIND_WEIGHTS[kind]
    name = next(iter(weights))
    more = {**a, name: a.get(name, 0) + extra}
    assert engagement_score(kind, more) >= score
