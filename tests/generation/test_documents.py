from apps.generation.drafting import fix_grammar, refine_offline
from apps.generation.providers.base import PersonaBrief
from apps.posts.document import diff_ops, markup_to_document, markup_to_html

MARKUP = "Lede with [a link](https://e.com/x).\n\n## Heading\n\n> “Quote”\n> — Someone\n\n- one\n- two\n"


def test_markup_becomes_editor_document_and_safe_html():
    doc = markup_to_document(MARKUP)
    assert [b["type"] for b in doc["content"]] == ["paragraph", "heading", "blockquote", "bulletList"]
    assert doc["content"][0]["content"][1]["marks"][0]["attrs"]["href"] == "https://e.com/x"
    html = markup_to_html(MARKUP + "\n<script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://e.com/x"' in html


def test_word_diff_marks_insertions_and_deletions():
    ops = diff_ops("the quick fox", "the slow fox")
    assert {"op": "delete", "text": "quick"} in ops and {"op": "insert", "text": "slow"} in ops


def test_grammar_and_shorter():
    assert fix_grammar("i think teh the model is good") == "I think the model is good"
    text = "One. Two. Three. Four. Five."
    assert len(refine_offline(action="shorter", text=text, persona=PersonaBrief(), material=[])) < len(text)
