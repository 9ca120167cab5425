"""Canonical URLs: one key per story whatever the spelling (an internationalised domain and its
punycode, escaped and unescaped ordinary characters), and never one key for two resources (an encoded
"/" is not a path separator)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.sources.normalize import canonical_url


def test_an_internationalised_domain_and_its_punycode_are_one_key():
    unicode_form = canonical_url("https://пример.рф/новости/статья?utm_source=x")
    punycode_form = canonical_url(
        "https://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"
    )
    assert unicode_form == punycode_form
    assert canonical_url("https://Bücher.example/") == canonical_url("https://xn--bcher-kva.example/")


def test_an_encoded_slash_is_not_a_path_separator():
    assert canonical_url("https://e.com/a%2Fb") != canonical_url("https://e.com/a/b")
    assert canonical_url("https://e.com/a%2fb") == canonical_url("https://e.com/a%2Fb")
    assert canonical_url("https://e.com/%7Euser") == canonical_url("https://e.com/~user")


segment = st.text(alphabet=st.sampled_from(list("abcXYZ019-_~ %/?#ёж中👍")), min_size=0, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(segment, min_size=1, max_size=4))
def test_canonical_urls_are_stable(parts):
    from urllib.parse import quote

    url = "https://пример.рф/" + "/".join(quote(p, safe="") for p in parts)
    once = canonical_url(url)
    assert canonical_url(once) == once
