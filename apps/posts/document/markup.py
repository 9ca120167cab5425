"""Drafts are written in a small line-based markup (## heading, > quote, - bullet, paragraphs);
this turns one into the editor's document (Tiptap/ProseMirror JSON), safe HTML and plain text."""

from __future__ import annotations

import difflib
import re
from html import escape

LINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def _inline_nodes(text: str) -> list[dict]:
    nodes: list[dict] = []
    pos = 0
    for match in LINK_RE.finditer(text):
        if match.start() > pos:
            nodes.append({"type": "text", "text": text[pos : match.start()]})
        nodes.append(
            {"type": "text", "text": match.group(1), "marks": [{"type": "link", "attrs": {"href": match.group(2)}}]}
        )
        pos = match.end()
    if pos < len(text):
        nodes.append({"type": "text", "text": text[pos:]})
    return [n for n in nodes if n["text"]]


def _inline_html(text: str) -> str:
    out, pos = [], 0
    for match in LINK_RE.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f'<a href="{escape(match.group(2))}" rel="noopener nofollow">{escape(match.group(1))}</a>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _inline_text(text: str) -> str:
    return LINK_RE.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)


def _blocks(markup: str) -> list[tuple[str, list[str]]]:
    """Group lines into blocks: ("h2"|"h3"|"quote"|"list"|"olist"|"p", lines)."""
    blocks: list[tuple[str, list[str]]] = []
    for raw in markup.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            blocks.append(("gap", []))
            continue
        if line.startswith("### "):
            blocks.append(("h3", [line[4:].strip()]))
        elif line.startswith("## ") or line.startswith("# "):
            blocks.append(("h2", [line.lstrip("#").strip()]))
        elif line.startswith(">"):
            kind, content = "quote", line[1:].strip()
            if blocks and blocks[-1][0] == kind:
                blocks[-1][1].append(content)
            else:
                blocks.append((kind, [content]))
        elif re.match(r"^\s*[-*•] ", line):
            content = re.sub(r"^\s*[-*•] ", "", line)
            if blocks and blocks[-1][0] == "list":
                blocks[-1][1].append(content)
            else:
                blocks.append(("list", [content]))
        elif re.match(r"^\s*\d+[.)/] ", line) and not (blocks and blocks[-1][0] == "p"):
            content = re.sub(r"^\s*\d+[.)/] ", "", line)
            if blocks and blocks[-1][0] == "olist":
                blocks[-1][1].append(content)
            else:
                blocks.append(("olist", [content]))
        elif blocks and blocks[-1][0] == "p":
            blocks[-1][1].append(line.strip())
        else:
            blocks.append(("p", [line.strip()]))
    return [b for b in blocks if b[0] != "gap"]


def _paragraph(text: str) -> dict:
    content = _inline_nodes(text)
    return {"type": "paragraph", "content": content} if content else {"type": "paragraph"}


def markup_to_document(markup: str) -> dict:
    content: list[dict] = []
    for kind, lines in _blocks(markup):
        if kind in ("h2", "h3"):
            content.append(
                {"type": "heading", "attrs": {"level": 2 if kind == "h2" else 3}, "content": _inline_nodes(lines[0])}
            )
        elif kind == "quote":
            content.append({"type": "blockquote", "content": [_paragraph(line) for line in lines if line]})
        elif kind in ("list", "olist"):
            content.append(
                {
                    "type": "bulletList" if kind == "list" else "orderedList",
                    "content": [{"type": "listItem", "content": [_paragraph(line)]} for line in lines],
                }
            )
        else:
            content.append(_paragraph(" ".join(lines)))
    return {"type": "doc", "content": content or [{"type": "paragraph"}]}


def markup_to_html(markup: str) -> str:
    parts: list[str] = []
    for kind, lines in _blocks(markup):
        if kind in ("h2", "h3"):
            parts.append(f"<{kind}>{_inline_html(lines[0])}</{kind}>")
        elif kind == "quote":
            parts.append(
                "<blockquote>" + "".join(f"<p>{_inline_html(line)}</p>" for line in lines if line) + "</blockquote>"
            )
        elif kind in ("list", "olist"):
            tag = "ul" if kind == "list" else "ol"
            parts.append(f"<{tag}>" + "".join(f"<li>{_inline_html(line)}</li>" for line in lines) + f"</{tag}>")
        else:
            parts.append(f"<p>{_inline_html(' '.join(lines))}</p>")
    return "\n".join(parts)


def markup_to_text(markup: str) -> str:
    parts: list[str] = []
    for kind, lines in _blocks(markup):
        if kind in ("list", "olist"):
            parts.append("\n".join(f"- {_inline_text(line)}" for line in lines))
        elif kind == "quote":
            parts.append(
                "\n".join(f"“{_inline_text(line)}”" if i == 0 else _inline_text(line) for i, line in enumerate(lines))
            )
        else:
            parts.append(_inline_text(" ".join(lines)))
    return "\n\n".join(parts)


def excerpt_of(text: str, limit: int = 280) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def word_diff(old: str, new: str) -> list[dict]:
    """A word-level diff: [{"op": "equal"|"insert"|"delete", "text": ...}], for showing a suggestion."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    out: list[dict] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append({"op": "equal", "text": "".join(a[i1:i2])})
        else:
            if i2 > i1:
                out.append({"op": "delete", "text": "".join(a[i1:i2])})
            if j2 > j1:
                out.append({"op": "insert", "text": "".join(b[j1:j2])})
    return out
