"""Chinese, Japanese and Korean segmentation for search and near-duplicate shingles; Latin spellings
of names in other scripts."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from apps.sources import selectors
from apps.sources.models import Item, Source
from apps.sources.normalize import RawEntry, jaccard_estimate, normalize_entry
from apps.sources.tokenize import search_tokens, tokenize, transliterations


def test_chinese_is_segmented_into_words():
    tokens = tokenize("中华人民共和国今天发布了新的空气质量报告", for_index=True)
    assert {"人民", "共和国", "空气", "质量", "报告"} <= set(tokens)
    assert "".join(tokenize("北京今天下雨", for_index=False)) == "北京今天下雨"


def test_japanese_and_korean_bigrams_and_mixed_text():
    assert tokenize("東京で地震", language="ja") == ["東京", "京で", "で地", "地震"]
    assert tokenize("서울에서 회의") == ["서울", "울에", "에서", "회의"]
    assert tokenize("iPhone 16 在中国发布")[:2] == ["iphone", "16"]


def test_transliterations_and_search_tokens():
    assert transliterations("Москва и Αθήνα, café") == ["moskva", "i", "athina"]
    assert search_tokens("Breaking news", "Nothing special here") == ""
    tokens = search_tokens("Владимир Зеленский в Киеве", "")
    assert "kieve" in tokens and "zelenskiy" in tokens


@given(st.text(max_size=300))
def test_tokenize_never_fails_and_tokens_come_from_the_text(text):
    lowered = text[:6000].lower()
    for token in tokenize(text):
        assert token and token in lowered


def test_chinese_near_duplicates_share_shingles():
    a = normalize_entry(
        RawEntry(
            guid="a",
            title="北京市发布空气质量报告",
            summary_html="北京市环保局今天发布了最新的空气质量报告，显示本周污染水平明显下降，市民可以放心出行。",
        ),
        feed_url="https://e.com/",
    )
    b = normalize_entry(
        RawEntry(
            guid="b",
            title="北京发布空气质量报告",
            summary_html="北京市环保局今天发布了最新的空气质量报告，显示本周污染水平明显下降，市民可以放心外出。",
        ),
        feed_url="https://e.com/",
    )
    c = normalize_entry(
        RawEntry(
            guid="c",
            title="上海股市今日大涨",
            summary_html="上海证券交易所今天收盘时主要指数上涨百分之三，科技股领涨。",
        ),
        feed_url="https://e.com/",
    )
    assert a.language == "zh" and jaccard_estimate(a.minhash, b.minhash) > 0.5
    assert jaccard_estimate(a.minhash, c.minhash) < 0.2


@pytest.mark.django_db
def test_search_finds_cjk_words_and_latin_spellings(workspace):
    source = Source.objects.create(workspace=workspace, url="https://e.com/feed")
    for n, (title, text) in enumerate(
        [
            ("北京今天发布新的空气质量报告", "北京市环保局今天发布了最新报告。"),
            ("東京で大きな地震", "気象庁によると、東京で震度5の地震がありました。"),
            ("서울에서 국제 회의 개최", "서울에서 오늘 국제 회의가 열렸다."),
            ("Москва готовится к зиме", "В Москве выпал первый снег."),
            ("Unrelated English story", "Nothing to see here."),
        ]
    ):
        entry = normalize_entry(
            RawEntry(guid=str(n), title=title, summary_html=text, url=f"https://e.com/{n}"), feed_url="https://e.com/"
        )
        Item.objects.create(
            workspace=workspace,
            source=source,
            guid=entry.guid,
            url=entry.url,
            canonical_url=entry.canonical_url,
            title=entry.title,
            text=entry.text,
            search_tokens=entry.search_tokens,
            language=entry.language,
            published_at=timezone.now(),
            content_hash=entry.content_hash,
        )

    def found(q):
        return {i.guid for i in selectors.items_for_workspace(workspace=workspace, q=q)}

    assert found("空气质量") == {"0"}
    assert found("北京 报告") == {"0"}
    assert found("地震") == {"1"}
    assert found("国际会议") == set()  # Chinese for an international meeting: not in the Korean item
    assert found("회의") == {"2"}
    assert found("moskva") == {"3"}
    assert found("story") == {"4"}
