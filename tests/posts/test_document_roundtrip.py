"""Round trips of the one document model, proven over generated documents in many scripts and marks:
JSON -> Yjs -> JSON, JSON -> HTML -> JSON, edits of a live document that keep what others typed, and
the plain text the editor derives in JavaScript equal to Python's."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.posts.document import (
    document_clean,
    document_replace_range,
    document_to_html,
    document_to_markup,
    document_to_text,
    html_to_document,
    markup_to_document,
    markup_to_text,
    render_body,
)
from apps.posts.document.ydoc import doc_apply_change, doc_from_json, doc_replace_with_json, doc_to_json

from .documents import REGRESSIONS, documents, html_safe, text

ROOT = Path(__file__).resolve().parents[2]
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def via_yjs(doc: dict) -> dict:
    return document_clean(doc_to_json(doc_from_json(doc)))


@pytest.mark.parametrize("doc", REGRESSIONS, ids=["russian-bold", "draft-linked-quote", "emoji-marks"])
def test_documents_that_broke_before_survive_yjs(doc):
    clean = document_clean(doc)
    assert via_yjs(clean) == clean
    assert document_to_text(via_yjs(clean)) == document_to_text(clean)


def test_russian_with_one_bold_word_is_not_scrambled():
    doc = document_clean(REGRESSIONS[0])
    assert document_to_text(via_yjs(doc)) == "Привет, жирный и обычный текст. Конец."


@PROPERTY
@given(documents)
def test_json_to_yjs_to_json_is_exact(doc):
    assert via_yjs(doc) == doc


@PROPERTY
@given(documents)
def test_document_clean_is_idempotent(doc):
    assert document_clean(doc) == doc
    assert document_clean(json.loads(json.dumps(doc))) == doc


@PROPERTY
@given(documents)
def test_json_to_html_to_json_is_exact_where_html_can_say_it(doc):
    doc = document_clean(html_safe(doc))
    assert html_to_document(document_to_html(doc)) == doc


@PROPERTY
@given(documents, documents)
def test_replacing_a_live_document_gives_exactly_the_target(before, after):
    live = doc_from_json(before)
    doc_replace_with_json(live, after)
    assert document_clean(doc_to_json(live)) == after


@PROPERTY
@given(documents, documents, st.data())
def test_a_change_keeps_what_others_typed_in_other_blocks(base, target, data):
    """Someone appends a paragraph live while the change (base -> target) is made elsewhere: the
    change lands and the typed paragraph is still there."""
    live = doc_from_json(base)
    typed = {"type": "paragraph", "content": [{"type": "text", "text": data.draw(text) + " (typed live)"}]}
    doc_replace_with_json(live, {"type": "doc", "content": [*base["content"], typed]})
    doc_apply_change(live, base=base, target=target)
    result = document_clean(doc_to_json(live))
    assert typed in result["content"]
    assert document_clean({"type": "doc", "content": [b for b in result["content"] if b != typed]}) == target


def _has_textblock(node: dict) -> bool:
    return node.get("type") in ("paragraph", "heading", "codeBlock") or any(
        _has_textblock(child) for child in node.get("content") or []
    )


@PROPERTY
@given(documents, st.data())
def test_replace_range_changes_exactly_that_range(doc, data):
    plain = document_to_text(doc)
    start = data.draw(st.integers(0, len(plain)))
    end = data.draw(st.integers(start, len(plain)))
    if "\n" in plain[start:end] or not _has_textblock(doc):
        return  # a range across blocks is not a suggestion the editor makes; no text block, no text
    replacement = data.draw(text)
    result = document_to_text(document_clean(document_replace_range(doc, start, end, replacement)))
    assert result == plain[:start] + replacement + plain[end:]


@PROPERTY
@given(documents)
def test_markup_round_trip_keeps_the_text(doc):
    """The markup AI providers read and write says less than a document (no code blocks, hard breaks
    or marks but links): what it can say comes back the same."""
    if '"codeBlock"' in json.dumps(doc) or '"hardBreak"' in json.dumps(doc):
        return
    markup = document_to_markup(doc)
    again = document_to_markup(markup_to_document(markup))
    assert again == markup


def test_a_long_draft_is_not_cut_after_a_linked_quote():
    body = "\n\n".join(
        [
            "## Что произошло",
            "Первый абзац — с тире и «кавычками».",
            "> “This matters,” said the minister — [Reuters](https://example.com/r)",
            *[f"Абзац номер {i}: текст продолжается после цитаты. 👩‍💻" for i in range(20)],
            "- один\n- два",
        ]
    )
    doc = markup_to_document(body)
    _doc, _html, text_before = render_body(body_json=doc)
    live = via_yjs(document_clean(doc))
    assert document_to_text(live) == text_before
    assert "Абзац номер 19" in document_to_text(live)


# --- the editor's plain text, in JavaScript ---------------------------------------------------------------


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_editor_plain_text_equals_python_plain_text():
    docs: list[dict] = [document_clean(d) for d in REGRESSIONS]

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(documents)
    def collect(doc):
        docs.append(doc)

    collect()
    script = ROOT / "frontend" / "tests" / "document_text.mjs"
    result = subprocess.run(
        ["node", "--no-warnings", str(script)],
        input=json.dumps(docs, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=ROOT / "frontend",
        timeout=120,
        check=True,
    )
    answers = json.loads(result.stdout)
    assert len(answers) == len(docs)
    for doc, answer in zip(docs, answers, strict=True):
        plain = document_to_text(doc)
        assert answer["text"] == plain
        # Offsets: the editor counts code points as Python does, whatever UTF-16 needs.
        assert answer["length"] == len(plain)
        assert answer["slices"] == [plain[a:b] for a, b in answer["ranges"]]


def test_text_no_database_or_encoder_can_hold_never_enters_a_body():
    hostile = {
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a\x00b\ud800c\x07d\te"}]}],
    }
    doc, html, plain = render_body(body_json=hostile)
    assert plain == "ab\ufffdcd\te"
    assert via_yjs(doc) == doc


@pytest.mark.parametrize(
    "text", ["2. Второй пункт", "1) first", "- не список", "# не заголовок", "> не цитата", "* 星", "\\ слэш", "• 👩‍💻"]
)
def test_a_paragraph_that_looks_like_markup_stays_a_paragraph(text):
    """Found by the round-trip property: a paragraph starting "2. " came back from the AI markup as a
    numbered list starting at 1 (and "# …" as a heading, "- …" as a bullet)."""
    doc = {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}
    back = markup_to_document(document_to_markup(doc))
    assert back == doc
    assert markup_to_text(document_to_markup(doc)) == text
