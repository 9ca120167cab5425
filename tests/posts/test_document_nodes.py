"""Tables, images and source-item quote cards in the document model: what cleaning keeps and refuses,
what HTML from outside turns into, and the markup AI providers read (the round trips over generated
documents are in test_document_roundtrip.py)."""

from __future__ import annotations

from apps.posts.document import (
    document_clean,
    document_to_html,
    document_to_markup,
    document_to_text,
    html_to_document,
    markup_to_document,
)

CELL_ATTRS = {"colspan": 1, "rowspan": 1, "colwidth": None}


def para(text: str) -> dict:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def card(**attrs) -> dict:
    return {"type": "sourceQuote", "attrs": attrs}


def test_a_quote_card_needs_a_web_link_and_keeps_its_texts_on_one_line():
    assert document_clean({"type": "doc", "content": [card(url="javascript:alert(1)", title="x")]}) == {
        "type": "doc",
        "content": [{"type": "paragraph"}],
    }
    doc = document_clean(
        {
            "type": "doc",
            "content": [card(url="https://example.com/a", itemId=True, excerpt="  «Цитата»\n\nвторая\tстрока  ")],
        }
    )
    assert doc["content"][0]["attrs"] == {
        "itemId": None,  # a boolean is not an id
        "url": "https://example.com/a",
        "title": "https://example.com/a",  # a card without a title shows its link
        "source": "",
        "excerpt": "«Цитата» вторая строка",
    }


def test_stray_table_parts_are_put_in_a_table():
    doc = document_clean(
        {
            "type": "doc",
            "content": [
                {"type": "tableCell", "content": [{"type": "text", "text": "один"}]},
                {"type": "tableRow", "content": [para("два")]},
                {"type": "table", "content": []},  # no rows: left out
            ],
        }
    )
    cell = {"type": "tableCell", "attrs": CELL_ATTRS}
    assert doc == {
        "type": "doc",
        "content": [
            {
                "type": "table",
                "content": [
                    {"type": "tableRow", "content": [{**cell, "content": [para("один")]}]},
                    {"type": "tableRow", "content": [{**cell, "content": [para("два")]}]},
                ],
            }
        ],
    }


def test_cell_spans_and_widths_are_checked():
    doc = document_clean(
        {
            "type": "doc",
            "content": [
                {
                    "type": "table",
                    "content": [
                        {
                            "type": "tableRow",
                            "content": [
                                {"type": "tableHeader", "attrs": {"colspan": 2, "colwidth": [120, 80]}},
                                {"type": "tableCell", "attrs": {"colspan": 10**6, "rowspan": -1, "colwidth": [1, 2]}},
                            ],
                        }
                    ],
                }
            ],
        }
    )
    header, cell = doc["content"][0]["content"][0]["content"]
    assert header["attrs"] == {"colspan": 2, "rowspan": 1, "colwidth": [120, 80]}
    assert cell["attrs"] == CELL_ATTRS
    assert header["content"] == [{"type": "paragraph"}]


def test_html_from_outside_keeps_the_table_and_card_and_drops_what_is_unsafe():
    doc = html_to_document(
        '<table style="width:9999px" onclick="x()"><thead><tr><th colspan="2" class="evil">Год</th></tr></thead>'
        "<tbody><tr><td>2024</td><td>«да»</td></tr></tbody></table>"
        '<figure class="source-quote" data-item-id="7" onmouseover="x()"><blockquote cite="https://e.com/1">'
        '<p>Слова источника</p></blockquote><figcaption><a href="https://e.com/1">Заголовок</a> · '
        "<cite>Источник</cite></figcaption></figure>"
        '<img src="javascript:alert(1)" alt="x"><img src="https://e.com/i.png" alt="Фото">'
    )
    assert [block["type"] for block in doc["content"]] == ["table", "sourceQuote", "image"]
    header = doc["content"][0]["content"][0]["content"][0]
    assert header["attrs"] == {"colspan": 2, "rowspan": 1, "colwidth": None}
    assert doc["content"][1]["attrs"] == {
        "itemId": 7,
        "url": "https://e.com/1",
        "title": "Заголовок",
        "source": "Источник",
        "excerpt": "Слова источника",
    }
    html = document_to_html(doc)
    assert "style=" not in html and "onclick" not in html and "onmouseover" not in html and "javascript:" not in html
    assert document_to_text(doc) == "Год\n2024\n«да»"


def test_own_addresses_are_made_absolute_for_html_read_elsewhere():
    doc = {
        "type": "doc",
        "content": [
            {"type": "image", "attrs": {"src": "/app/posts/media/1:abc/", "alt": "Кот"}},
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "см.", "marks": [{"type": "link", "attrs": {"href": "/newsroom/"}}]}
                ],
            },
        ],
    }
    html = document_to_html(doc, base_url="https://news.example.com")
    assert 'src="https://news.example.com/app/posts/media/1:abc/"' in html
    assert 'href="https://news.example.com/newsroom/"' in html
    assert 'src="/app/posts/media/1:abc/"' in document_to_html(doc)  # stored HTML keeps the path


def test_tables_reach_the_ai_as_pipe_tables_and_cards_are_left_out():
    doc = document_clean(
        {
            "type": "doc",
            "content": [
                {
                    "type": "table",
                    "content": [
                        {"type": "tableRow", "content": [{"type": "tableHeader", "content": [para("A | B")]}]},
                        {"type": "tableRow", "content": [{"type": "tableCell", "content": [para("日本")]}]},
                    ],
                },
                card(url="https://e.com/1", title="Не для ИИ"),
                para("| не таблица"),
            ],
        }
    )
    markup = document_to_markup(doc)
    assert markup == "| A \\| B |\n| --- |\n| 日本 |\n\n\\| не таблица"
    back = markup_to_document(markup)
    assert back["content"][0] == doc["content"][0] and back["content"][1] == doc["content"][2]
