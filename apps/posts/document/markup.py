"""The markup AI providers read and write: a small line-based format (## heading, > quote, - bullet,
1. numbered, | pipe | tables |, paragraphs, [text](url) links). It turns into the editor's document (and so into HTML and
plain text through body.py), and a document turns back into it for a refinement."""

from __future__ import annotations

import re

from .body import document_to_html

LINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
# What would make a paragraph's first line read as another block (a heading, quote, bullet or number):
# such a paragraph is written with a backslash in front, which the reader takes away again.
BLOCK_START_RE = re.compile(r"^\s*(?:#|>|\||[-*•] |\d+[.)/] |\\)")
# A table row is a line between pipes; a row of dashes after the first row makes it the header row.
# A pipe inside a cell is written "\|".
CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
DELIMITER_RE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")


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
        if line.startswith("\\"):
            blocks.append(("p", [line[1:].strip()]))
        elif line.lstrip().startswith("|"):
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(line.strip())
            else:
                blocks.append(("table", [line.strip()]))
        elif line.startswith("### "):
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


def _cells(line: str) -> list[str]:
    inner = line[1:-1] if line.endswith("|") and not line.endswith("\\|") and len(line) > 1 else line[1:]
    return [cell.strip().replace("\\|", "|") for cell in CELL_SPLIT_RE.split(inner)]


def _table(lines: list[str]) -> dict:
    header = len(lines) > 1 and bool(DELIMITER_RE.match(lines[1]))
    rows = [lines[0], *lines[2:]] if header else lines
    content = []
    for index, line in enumerate(rows):
        kind = "tableHeader" if header and index == 0 else "tableCell"
        cells = [
            {"type": kind, "attrs": {"colspan": 1, "rowspan": 1, "colwidth": None}, "content": [_paragraph(cell)]}
            for cell in _cells(line)
        ]
        content.append({"type": "tableRow", "content": cells})
    return {"type": "table", "content": content}


def markup_to_document(markup: str) -> dict:
    content: list[dict] = []
    for kind, lines in _blocks(markup):
        if kind == "table":
            content.append(_table(lines))
        elif kind in ("h2", "h3"):
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
    return document_to_html(markup_to_document(markup))


def markup_to_text(markup: str) -> str:
    parts: list[str] = []
    for kind, lines in _blocks(markup):
        if kind in ("list", "olist"):
            parts.append("\n".join(f"- {_inline_text(line)}" for line in lines))
        elif kind == "table":
            rows = [lines[0], *lines[2:]] if len(lines) > 1 and DELIMITER_RE.match(lines[1]) else lines
            parts.append("\n".join(" | ".join(_inline_text(cell) for cell in _cells(row)) for row in rows))
        elif kind == "quote":
            parts.append(
                "\n".join(f"“{_inline_text(line)}”" if i == 0 else _inline_text(line) for i, line in enumerate(lines))
            )
        else:
            parts.append(_inline_text(" ".join(lines)))
    return "\n\n".join(parts)


def _inline_markup(node: dict) -> str:
    if node.get("type") == "text":
        text = node.get("text", "")
        href = next((m.get("attrs", {}).get("href") for m in node.get("marks") or [] if m.get("type") == "link"), None)
        return f"[{text}]({href})" if href and LINK_RE.fullmatch(f"[{text}]({href})") else text
    if node.get("type") == "hardBreak":
        return " "
    return "".join(_inline_markup(child) for child in node.get("content") or [])


def _table_markup(table: dict) -> list[str]:
    lines = []
    for index, row in enumerate(table.get("content") or []):
        cells = row.get("content") or []
        texts = [" ".join(_inline_markup(p).strip() for p in cell.get("content") or []).strip() for cell in cells]
        lines.append("| " + " | ".join(" ".join(text.replace("|", "\\|").split()) for text in texts) + " |")
        if index == 0 and cells and all(cell.get("type") == "tableHeader" for cell in cells):
            lines.append("|" + "|".join(" --- " for _ in cells) + "|")
    return lines


def _block_markup(block: dict) -> list[str]:
    kind = block.get("type")
    if kind == "heading":
        level = (block.get("attrs") or {}).get("level", 2)
        return [("### " if level >= 3 else "## ") + _inline_markup(block).strip()]
    if kind == "blockquote":
        return ["> " + _inline_markup(child).strip() for child in block.get("content") or []]
    if kind in ("bulletList", "orderedList"):
        items = [_inline_markup(item).strip() for item in block.get("content") or []]
        return [(f"{n}. " if kind == "orderedList" else "- ") + item for n, item in enumerate(items, 1) if item]
    if kind == "table":
        return _table_markup(block)
    if kind in ("horizontalRule", "image", "sourceQuote"):
        return []
    text = _inline_markup(block).strip()
    return ["\\" + text if BLOCK_START_RE.match(text) else text]


def document_to_markup(doc: dict) -> str:
    """The document as draft markup: headings, quotes, lists, tables and links survive a refinement
    (empty blocks, rules, images and source quote cards have no words of the post to refine and are
    left out)."""
    parts: list[str] = []
    for block in (doc or {}).get("content") or []:
        lines = [line for line in _block_markup(block) if line.strip() not in ("", "##", "###", ">", "-")]
        if lines:
            parts.append("\n".join(lines))
    return "\n\n".join(parts)
