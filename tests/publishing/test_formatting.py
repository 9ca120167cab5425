import pytest

from apps.publishing.formatting import (
    add_utm,
    grapheme_length,
    hashtags_for,
    mastodon_length,
    split_thread,
    utf16_length,
    x_weighted_length,
)


def test_x_weighted_length_counts_the_twitter_text_way():
    assert x_weighted_length("hello") == 5
    # CJK is outside the weight-100 ranges: each counts as 2.
    assert x_weighted_length("日本語") == 6
    # An emoji sequence (family, skin tone) counts 2 however many code points it has.
    assert x_weighted_length("👨‍👩‍👧‍👦") == 2
    assert x_weighted_length("👍🏽") == 2
    # Every URL is 23, however long.
    assert x_weighted_length("see https://example.com/a/very/long/path/that/goes/on?and=on") == 4 + 23
    assert x_weighted_length("é") == 1  # NFC: e + combining accent is one char
    assert x_weighted_length("e\u0301") == 1
    # General punctuation in 8208-8223 (dashes, quotes) counts 1.
    assert x_weighted_length("“quoted” — dash") == 15


def test_bluesky_counts_graphemes():
    assert grapheme_length("👨‍👩‍👧‍👦 family") == 8
    assert grapheme_length("e\u0301") == 1


def test_mastodon_urls_count_23():
    assert mastodon_length("read https://example.com/" + "x" * 100) == 5 + 23


def test_telegram_counts_utf16():
    assert utf16_length("😀") == 2


def test_utm_is_added_and_replaces_old_utm():
    url = add_utm("https://site.test/a?utm_source=old&x=1", source="mastodon", campaign="spring")
    assert url == "https://site.test/a?x=1&utm_source=mastodon&utm_medium=social&utm_campaign=spring"


def test_hashtags_are_cleaned_and_deduplicated():
    assert hashtags_for(["climate change", "Climate-Change", "AI"]) == "#ClimateChange #Ai"


def test_thread_splits_at_sentence_boundaries_with_tail_last():
    text = " ".join(f"Sentence number {i} says something useful." for i in range(12))
    parts, errors = split_thread(text=text, tail="#News https://s.test/x", limit=120, count=len, max_parts=10)
    assert not errors
    assert len(parts) > 1
    assert all(len(p) <= 120 for p in parts)
    for part in parts[:-1]:
        # every part ends at a sentence end, before its "i/n" number
        assert part.rsplit(" ", 1)[0].endswith(".")
    assert parts[-1].rsplit(" ", 1)[0].endswith("https://s.test/x")
    assert parts[0].endswith(f" 1/{len(parts)}")


def test_short_text_is_one_part_unnumbered():
    parts, errors = split_thread(text="Short.", tail="#a", limit=280, count=len, max_parts=5)
    assert parts == ["Short.\n\n#a"] and not errors


@pytest.mark.parametrize("max_parts", [1, 2])
def test_text_that_cannot_fit_is_refused(max_parts):
    text = "A sentence that is long enough. " * 20
    parts, errors = split_thread(text=text, tail="", limit=60, count=len, max_parts=max_parts)
    assert parts == [] and errors
