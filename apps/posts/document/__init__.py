"""The one model of a post body. The editor's ProseMirror/Tiptap JSON document is the source; every
other form is converted here and nowhere else: sanitized HTML and plain text (body.py), the Yjs
XmlFragment of a live document (ydoc.py), the markup AI providers read and write (markup.py), and
diffs between texts (diff.py). Text offsets are Unicode code points throughout."""

from .body import (
    clean_text,
    document_clean,
    document_replace_range,
    document_to_html,
    document_to_text,
    empty_document,
    html_to_document,
    render_body,
    sanitize_html,
    text_excerpt,
    text_to_document,
)
from .diff import Diff, diff_ops, diff_texts
from .markup import document_to_markup, markup_to_document, markup_to_html, markup_to_text

__all__ = [
    "clean_text",
    "Diff",
    "diff_ops",
    "diff_texts",
    "document_clean",
    "document_replace_range",
    "document_to_html",
    "document_to_markup",
    "document_to_text",
    "empty_document",
    "html_to_document",
    "markup_to_document",
    "markup_to_html",
    "markup_to_text",
    "render_body",
    "sanitize_html",
    "text_excerpt",
    "text_to_document",
]
