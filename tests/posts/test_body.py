"""The body module (documents, HTML, plain text), anchors and the word diff: pure functions."""

from __future__ import annotations

from apps.posts.anchors import anchor_from_range, anchor_locate
from apps.posts.document import (
    diff_texts,
    document_clean,
    document_replace_range,
    document_to_html,
    document_to_text,
    html_to_document,
    render_body,
)


def test_render_every_node_and_mark():
    html = (
        "<h2>Title</h2><p><strong>b</strong> <em>i</em> <s>s</s> <code>c</code> <u>u</u> "
        '<a href="https://example.com">link</a><br>next</p><ul><li><p>one</p></li></ul>'
        '<ol start="3"><li><p>three</p></li></ol><blockquote><p>quote</p></blockquote>'
        "<pre><code>x = 1\ny = 2</code></pre><hr>"
    )
    doc, rendered, text = render_body(body_html=html)
    assert rendered.startswith("<h2>Title</h2><p><strong>b</strong> <em>i</em> <s>s</s> <code>c</code> <u>u</u> ")
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a><br>next' in rendered
    assert '<ol start="3"><li><p>three</p></li></ol>' in rendered and "<hr>" in rendered
    assert "<pre><code>x = 1\ny = 2</code></pre>" in rendered
    assert text == "Title\nb i s c u link\nnext\none\nthree\nquote\nx = 1\ny = 2"
    # Rendering the document again gives the same HTML (documents are the source of truth).
    assert document_to_html(doc) == rendered


def test_hostile_documents_are_cleaned():
    hostile = {
        "type": "doc",
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "<script>alert(1)</script>"}]},
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "x", "marks": [{"type": "link", "attrs": {"href": "javascript:alert(1)"}}]}
                ],
            },
            {"type": "iframe", "content": [{"type": "text", "text": "inside"}]},
            {"type": "heading", "attrs": {"level": 99}, "content": [{"type": "text", "text": "h"}]},
            "garbage",
        ],
    }
    doc, html, text = render_body(body_json=hostile)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript" not in html and "<h2>h</h2>" in html
    assert "inside" in text
    assert document_clean("not a doc") == {"type": "doc", "content": [{"type": "paragraph"}]}
    assert document_clean({"type": "doc", "content": [{"type": "bulletList", "content": []}]})["content"] == [
        {"type": "paragraph"}
    ]


def test_html_input_without_blocks_and_with_junk():
    doc = html_to_document("plain <b>bold</b><div>block</div><li>stray item</li><img src='x.png'>")
    assert document_to_text(doc) == "plain bold\nblock\nstray item"


def test_replace_range_across_marks_and_blocks():
    doc = html_to_document("<p>Hello <b>big</b> world</p><p>Second line</p>")
    assert document_to_text(document_replace_range(doc, 6, 9, "small")) == "Hello small world\nSecond line"
    across = document_replace_range(doc, 10, 19, "")
    assert document_to_text(across) == "Hello big \nond line"
    inserted = document_replace_range(doc, 15, 15, "!")
    assert document_to_text(inserted) == "Hello big world!\nSecond line"


def test_anchor_prefers_the_context_then_the_old_position():
    text = "the cat sat. the cat ran. the cat slept."
    second = anchor_from_range(text=text, start=17, end=20)
    assert second.quote == "cat" and second.prefix.endswith("sat. the ")
    moved = "Intro. " + text
    found = anchor_locate(text=moved, quote="cat", prefix=second.prefix, suffix=second.suffix, hint=17)
    assert found and found.start == 24
    assert anchor_locate(text="nothing here", quote="cat", prefix="", suffix="") is None


def test_diff_marks_words_and_escapes():
    diff = diff_texts("one <two> three", "one <2> three four")
    assert diff.html == "one &lt;<del>two</del><ins>2</ins>&gt; three<ins> four</ins>"
    assert (diff.inserted_words, diff.deleted_words) == (2, 1)
    assert not diff_texts("same", "same").changed
