"""The post body: the editor's ProseMirror/Tiptap JSON document is the source; its sanitized HTML and
plain text are derived from it here. HTML from API clients is sanitized and turned into a document.

Plain text is the text of each text block (paragraph, heading, code block, also those in table cells)
joined with "\\n"; a hard break is also "\\n". Images and source-item quote cards are leaves with no text
of the post's own. Comment and suggestion anchors are offsets into this text (see anchors.py), counted in
Unicode code points (Python's str indexes) everywhere: the editor converts its UTF-16 positions at the
edge (frontend/src/lib/document.js) and the Yjs conversion its UTF-8 bytes (ydoc.py).
"""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import nh3

from apps.core.params import safe_int

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "hr", "br",
    "strong", "b", "em", "i", "s", "del", "strike", "u", "a", "img", "div",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "cite",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "ol": {"start"}, "code": {"class"}, "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "blockquote": {"cite"},
    "figure": {"class", "data-item-id"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}

TEXTBLOCKS = {"paragraph", "heading", "codeBlock"}
CONTAINERS = {"doc", "blockquote", "listItem", "bulletList", "orderedList"}
TABLE_CELLS = {"tableCell", "tableHeader"}
LEAF_BLOCKS = {"horizontalRule", "image", "sourceQuote"}
# A source item quoted in the post (apps/sources Item): an atom holding what the card shows.
SOURCE_QUOTE_LIMITS = {"title": 500, "source": 200, "excerpt": 1000}
MAX_TABLE_SPAN = 100
INLINE_LEAVES = {"hardBreak"}
# Marks in the order a text node lists them (ProseMirror keeps them in schema order; one order makes
# documents from every path compare equal).
MARK_ORDER = ("link", "bold", "italic", "strike", "underline", "code")
MARKS = set(MARK_ORDER)
MAX_DEPTH = 40


# NUL cannot be stored by PostgreSQL, a lone surrogate cannot be encoded (UTF-8, Yjs), and no editor
# types the other C0 controls: they never enter a body.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def clean_text(value: object) -> str:
    """Text as a body may hold it: control characters dropped, lone surrogates replaced."""
    if not isinstance(value, str):
        return ""
    return _UNSTORABLE.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", value)


def sanitize_html(value: str) -> str:
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def empty_document() -> dict:
    return {"type": "doc", "content": [{"type": "paragraph"}]}


# --- cleaning client documents ----------------------------------------------------------------


def _clean_marks(marks: Any) -> list[dict]:
    cleaned = []
    for mark in marks if isinstance(marks, list) else []:
        if not isinstance(mark, dict) or mark.get("type") not in MARKS:
            continue
        if mark["type"] == "link":
            href = str((mark.get("attrs") or {}).get("href") or "")
            if not re.match(r"^(https?:|mailto:|/|#)", href, re.I):
                continue
            cleaned.append({"type": "link", "attrs": {"href": href[:2000]}})
        else:
            cleaned.append({"type": mark["type"]})
    unique = {mark["type"]: mark for mark in reversed(cleaned)}  # the first of each kind wins
    return [unique[kind] for kind in MARK_ORDER if kind in unique]


def _merge_text(inline: list[dict]) -> list[dict]:
    """Adjacent text nodes with the same marks become one (as ProseMirror normalizes them)."""
    out: list[dict] = []
    for node in inline:
        if out and node["type"] == "text" and out[-1]["type"] == "text" and out[-1].get("marks") == node.get("marks"):
            out[-1] = {**out[-1], "text": out[-1]["text"] + node["text"]}
        else:
            out.append(node)
    return out


def _clean_node(node: Any, depth: int) -> list[dict]:
    """Known nodes with known attributes; unknown nodes are replaced by their children."""
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return []
    kind = node.get("type")
    children = []
    for child in node.get("content") or [] if isinstance(node.get("content"), list) else []:
        children.extend(_clean_node(child, depth + 1))
    raw_attrs = node.get("attrs")
    attrs: dict[str, Any] = raw_attrs if isinstance(raw_attrs, dict) else {}
    out: dict[str, Any]
    if kind == "text":
        text = clean_text(node.get("text"))
        if not text:
            return []
        out = {"type": "text", "text": text}
        marks = _clean_marks(node.get("marks"))
        if marks:
            out["marks"] = marks
        return [out]
    if kind == "hardBreak" or kind == "horizontalRule":
        return [{"type": kind}]
    if kind == "image":
        src = str(attrs.get("src") or "")
        if not re.match(r"^(https?:|/)", src, re.I):
            return []
        return [{"type": "image", "attrs": {"src": src[:2000], "alt": clean_text(attrs.get("alt"))[:500]}}]
    if kind == "sourceQuote":
        return _clean_source_quote(attrs)
    if kind == "table" or kind == "tableRow":
        return _clean_table(kind, children)
    if kind in TABLE_CELLS:
        return [_clean_cell(kind, attrs, children)]
    if kind in TEXTBLOCKS:
        inline = [c for c in children if c["type"] in ("text", "hardBreak")]
        out = {"type": kind}
        if kind == "heading":
            level = attrs.get("level")
            out["attrs"] = {"level": level if isinstance(level, int) and 1 <= level <= 6 else 2}
        if kind == "codeBlock":
            out["attrs"] = {"language": str(attrs.get("language") or "")[:40] or None}
            inline = [{"type": "text", "text": c["text"]} if c["type"] == "text" else c for c in inline]
        inline = _merge_text(inline)
        if inline:
            out["content"] = inline
        return [out]
    if kind in CONTAINERS:
        out = {"type": kind}
        if kind == "orderedList":
            start = attrs.get("start")
            out["attrs"] = {"start": start if isinstance(start, int) and 0 <= start < 10**6 else 1}
        if kind in ("bulletList", "orderedList"):
            items = [c if c["type"] == "listItem" else {"type": "listItem", "content": [c]} for c in children]
            items = [_wrap_inline(i) for i in items]
            if not items:
                return []
            out["content"] = items
            return [out]
        out["content"] = _wrap_inline_list(children) or [{"type": "paragraph"}]
        return [out]
    return children


def _one_line(value: Any, limit: int) -> str:
    return " ".join(clean_text(value).split())[:limit]


def _clean_source_quote(attrs: dict[str, Any]) -> list[dict]:
    """A quote card of a source item: its link (required), title (the link when it has none), source
    name, excerpt and item id. The texts are kept on one line, as the card shows them."""
    url = str(attrs.get("url") or "").strip()
    if not re.match(r"^https?://\S+$", url, re.I):
        return []
    item_id = attrs.get("itemId")
    out: dict[str, Any] = {
        "itemId": item_id if isinstance(item_id, int) and not isinstance(item_id, bool) and item_id > 0 else None,
        "url": url[:2000],
    }
    for name, limit in SOURCE_QUOTE_LIMITS.items():
        out[name] = _one_line(attrs.get(name), limit)
    out["title"] = out["title"] or out["url"][: SOURCE_QUOTE_LIMITS["title"]]
    return [{"type": "sourceQuote", "attrs": out}]


def _span(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_TABLE_SPAN else 1


def _pixels(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000


def _clean_cell(kind: str, attrs: dict[str, Any], children: list[dict]) -> dict:
    """A table cell as Tiptap's table extension has it: colspan, rowspan, column widths (pixels, one
    per spanned column, or None) and block content."""
    colspan = _span(attrs.get("colspan"))
    widths = attrs.get("colwidth")
    colwidth = None
    if isinstance(widths, list) and len(widths) == colspan and all(_pixels(w) for w in widths):
        colwidth = list(widths)
    return {
        "type": kind,
        "attrs": {"colspan": colspan, "rowspan": _span(attrs.get("rowspan")), "colwidth": colwidth},
        "content": _wrap_inline_list(children) or [{"type": "paragraph"}],
    }


def _clean_table(kind: str, children: list[dict]) -> list[dict]:
    """A table holds rows and a row holds cells: stray cells go in a row, stray blocks in a cell (a
    row with no cells, or a table with no rows, is left out)."""
    out: list[dict] = []
    for child in children:
        if kind == "tableRow":
            if child["type"] in TABLE_CELLS:
                out.append(child)
            elif child["type"] == "tableRow":
                out.extend(child["content"])
            else:
                out.append(_clean_cell("tableCell", {}, [child]))
        elif child["type"] == "tableRow":
            out.append(child)
        else:
            cell = child if child["type"] in TABLE_CELLS else _clean_cell("tableCell", {}, [child])
            if out and out[-1].get("_implicit"):
                out[-1]["content"].append(cell)
            else:
                out.append({"type": "tableRow", "content": [cell], "_implicit": True})
    for node in out:
        node.pop("_implicit", None)
    return [{"type": kind, "content": out}] if out else []


def _wrap_inline_list(nodes: list[dict]) -> list[dict]:
    """Inline nodes directly in a container go into a paragraph (list items into a list, table rows
    and cells into a table)."""
    out: list[dict] = []
    for node in nodes:
        if node["type"] in ("text", "hardBreak"):
            if out and out[-1].get("_implicit") == "paragraph":
                out[-1].setdefault("content", []).append(node)
            else:
                out.append({"type": "paragraph", "content": [node], "_implicit": "paragraph"})
        elif node["type"] == "listItem":
            out.append({"type": "bulletList", "content": [node]})
        elif node["type"] == "tableRow" or node["type"] in TABLE_CELLS:
            if not (out and out[-1].get("_implicit") == "table"):
                out.append({"type": "table", "content": [], "_implicit": "table"})
            out[-1]["content"].append(node)
        else:
            out.append(node)
    for index, node in enumerate(out):
        if node.pop("_implicit", None) == "table":
            out[index] = _clean_table("table", node["content"])[0]
    return out


def _wrap_inline(item: dict) -> dict:
    item["content"] = _wrap_inline_list(item.get("content") or []) or [{"type": "paragraph"}]
    return item


def document_clean(doc: Any) -> dict:
    """A well-formed document with only the nodes and marks this editor knows. Empty paragraphs at the
    end are dropped: the editor adds one after a closing list or quote (so there is somewhere to type),
    and it holds no text."""
    if not isinstance(doc, dict) or doc.get("type") != "doc":
        return empty_document()
    cleaned = _clean_node(copy.deepcopy(doc), 0)
    if not cleaned or cleaned[0].get("type") != "doc":
        return empty_document()
    blocks = cleaned[0]["content"]
    while len(blocks) > 1 and blocks[-1] == {"type": "paragraph"}:
        blocks.pop()
    return cleaned[0]


# --- rendering -------------------------------------------------------------------------------


def _render_text(node: dict) -> str:
    out = html.escape(node.get("text", ""), quote=False)
    for mark in node.get("marks") or []:
        kind = mark.get("type")
        if kind == "bold":
            out = f"<strong>{out}</strong>"
        elif kind == "italic":
            out = f"<em>{out}</em>"
        elif kind == "strike":
            out = f"<s>{out}</s>"
        elif kind == "code":
            out = f"<code>{out}</code>"
        elif kind == "underline":
            out = f"<u>{out}</u>"
        elif kind == "link":
            href = html.escape(str((mark.get("attrs") or {}).get("href") or ""), quote=True)
            out = f'<a href="{href}">{out}</a>'
    return out


def _render(node: dict) -> str:
    kind = node.get("type")
    inner = "".join(_render(child) for child in node.get("content") or [])
    attrs = node.get("attrs") or {}
    if kind == "text":
        return _render_text(node)
    if kind == "paragraph":
        return f"<p>{inner}</p>"
    if kind == "heading":
        level = attrs.get("level", 2)
        return f"<h{level}>{inner}</h{level}>"
    if kind == "bulletList":
        return f"<ul>{inner}</ul>"
    if kind == "orderedList":
        start = attrs.get("start", 1)
        return f'<ol start="{int(start)}">{inner}</ol>' if start != 1 else f"<ol>{inner}</ol>"
    if kind == "listItem":
        return f"<li>{inner}</li>"
    if kind == "blockquote":
        return f"<blockquote>{inner}</blockquote>"
    if kind == "codeBlock":
        language = attrs.get("language")
        cls = f' class="language-{html.escape(language)}"' if language else ""
        return f"<pre><code{cls}>{inner}</code></pre>"
    if kind == "horizontalRule":
        return "<hr>"
    if kind == "hardBreak":
        return "<br>"
    if kind == "image":
        return f'<img src="{html.escape(attrs.get("src", ""))}" alt="{html.escape(attrs.get("alt", ""))}">'
    if kind == "table":
        return f"<table><tbody>{inner}</tbody></table>"
    if kind == "tableRow":
        return f"<tr>{inner}</tr>"
    if kind in TABLE_CELLS:
        tag = "th" if kind == "tableHeader" else "td"
        spans = "".join(f' {name}="{int(attrs[name])}"' for name in ("colspan", "rowspan") if attrs.get(name, 1) != 1)
        return f"<{tag}{spans}>{inner}</{tag}>"
    if kind == "sourceQuote":
        return _render_source_quote(attrs)
    return inner


def _render_source_quote(attrs: dict) -> str:
    """<figure class="source-quote"> with the excerpt as a blockquote citing the item's link, and a
    caption of the linked title and the source's name (html_to_document reads exactly this back)."""
    url = html.escape(attrs.get("url", ""), quote=True)
    item = f' data-item-id="{int(attrs["itemId"])}"' if attrs.get("itemId") else ""
    excerpt = attrs.get("excerpt") or ""
    quote = f'<blockquote cite="{url}"><p>{html.escape(excerpt, quote=False)}</p></blockquote>' if excerpt else ""
    source = attrs.get("source") or ""
    cite = f" · <cite>{html.escape(source, quote=False)}</cite>" if source else ""
    title = html.escape(attrs.get("title", ""), quote=False)
    return (
        f'<figure class="source-quote"{item}>{quote}<figcaption><a href="{url}">{title}</a>{cite}</figcaption></figure>'
    )


def _absolute(doc: dict, base_url: str) -> dict:
    """Image addresses and links of the document made absolute against base_url (for HTML read
    elsewhere: a webhook, a feed)."""
    doc = copy.deepcopy(doc)
    stack = [doc]
    while stack:
        node = stack.pop()
        attrs = node.get("attrs") or {}
        if node.get("type") == "image" and str(attrs.get("src", "")).startswith("/"):
            attrs["src"] = urljoin(base_url, attrs["src"])
        for mark in node.get("marks") or []:
            href = str((mark.get("attrs") or {}).get("href") or "")
            if mark.get("type") == "link" and href.startswith("/") and not href.startswith("//"):
                mark["attrs"]["href"] = urljoin(base_url, href)
        stack.extend(node.get("content") or [])
    return doc


def document_to_html(doc: dict, *, base_url: str | None = None) -> str:
    """The sanitized HTML of the document; with base_url, its own addresses (images, links starting
    with "/") are made absolute."""
    return sanitize_html(_render(_absolute(doc, base_url) if base_url else doc))


def _textblocks(node: dict, out: list[dict]) -> list[dict]:
    if node.get("type") in TEXTBLOCKS:
        out.append(node)
    else:
        for child in node.get("content") or []:
            if isinstance(child, dict):
                _textblocks(child, out)
    return out


def _block_text(block: dict) -> str:
    parts = []
    for child in block.get("content") or []:
        if child.get("type") == "text":
            parts.append(child.get("text", ""))
        elif child.get("type") == "hardBreak":
            parts.append("\n")
    return "".join(parts)


def document_to_text(doc: dict) -> str:
    return "\n".join(_block_text(block) for block in _textblocks(doc, []))


def document_replace_range(doc: dict, start: int, end: int, replacement: str) -> dict:
    """A copy of the document with plain-text range [start, end) replaced (marks of the first
    character are kept; blocks the range spans are not merged)."""
    doc = copy.deepcopy(doc)
    offset = 0
    inserted = False
    for index, block in enumerate(_textblocks(doc, [])):
        if index:
            offset += 1  # the "\n" between blocks
        new_content = []
        for child in block.get("content") or []:
            length = len(child.get("text", "")) if child.get("type") == "text" else 1
            node_start, node_end = offset, offset + length
            offset = node_end
            if child.get("type") != "text":
                if start <= node_start and node_end <= end and end > start:
                    continue
                if not inserted and node_start >= start:
                    if replacement:
                        new_content.append({"type": "text", "text": replacement})
                    inserted = True
                new_content.append(child)
                continue
            text = child["text"]
            if node_end < start or node_start > end or (node_end == start and not (start == end == node_end)):
                new_content.append(child)
                continue
            keep_before = text[: max(0, start - node_start)]
            keep_after = text[max(0, end - node_start) :] if end <= node_end else ""
            middle = ""
            if not inserted and node_start <= start <= node_end:
                middle = replacement
                inserted = True
            new_text = keep_before + middle + keep_after
            if new_text:
                child = {**child, "text": new_text}
                new_content.append(child)
        if not inserted and offset == start:  # at the end of this block (or in an empty one)
            if replacement:
                new_content.append({"type": "text", "text": replacement})
            inserted = True
        if new_content:
            block["content"] = new_content
        else:
            block.pop("content", None)
    return doc


# --- HTML input --------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p": "paragraph", "div": "paragraph", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading",
    "h5": "heading", "h6": "heading", "ul": "bulletList", "ol": "orderedList", "li": "listItem",
    "blockquote": "blockquote", "pre": "codeBlock", "table": "table", "tr": "tableRow", "td": "tableCell",
    "th": "tableHeader",
}  # fmt: skip
# Where a table part may stand: each kind pops the stack back to one of these parents.
_TABLE_PARENTS = {
    "tableRow": ("table", "doc", "blockquote", "listItem", *TABLE_CELLS),
    "tableCell": ("tableRow", "table", "doc", "blockquote", "listItem", *TABLE_CELLS),
}
_MARK_TAGS = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "s": "strike", "del": "strike",
    "strike": "strike", "code": "code", "u": "underline", "a": "link",
}  # fmt: skip


class _DocumentBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc: dict = {"type": "doc", "content": []}
        self.stack: list[dict] = [self.doc]
        self.marks: list[tuple[str, dict]] = []
        # A source-item quote card being read: its attributes and the one being filled by text.
        self.quote: dict | None = None
        self.quote_field: str | None = None

    @property
    def top(self) -> dict:
        return self.stack[-1]

    def _close_textblock(self) -> None:
        if self.top["type"] in TEXTBLOCKS:
            self.stack.pop()

    def _push(self, node: dict) -> None:
        self.top.setdefault("content", []).append(node)
        self.stack.append(node)

    def _container_for_block(self) -> None:
        self._close_textblock()
        # A list made up for a stray <li> ends with it; inside a real <ul>/<ol> a block goes in an item.
        while self.top["type"] in ("bulletList", "orderedList") and "_tag" not in self.top:
            self.stack.pop()
        if self.top["type"] in ("bulletList", "orderedList"):
            self._push({"type": "listItem", "content": []})

    def _ensure_textblock(self) -> None:
        if self.top["type"] not in TEXTBLOCKS:
            self._container_for_block()
            self._push({"type": "paragraph", "content": []})

    def _table_part(self, kind: str, tag: str, attrs: dict) -> None:
        """Open a row or a cell where it may stand, making up the table (and row) it lacks."""
        self._close_textblock()
        parents = _TABLE_PARENTS["tableRow" if kind == "tableRow" else "tableCell"]
        while self.top["type"] not in parents:
            self.stack.pop()
        if self.top["type"] not in ("table", "tableRow"):
            self._push({"type": "table", "content": []})
        if kind != "tableRow" and self.top["type"] == "table":
            self._push({"type": "tableRow", "content": []})
        node: dict = {"type": kind, "content": [], "_tag": tag}
        if kind != "tableRow":
            spans = {
                name: safe_int(attrs.get(name) or "1", 1, minimum=1, maximum=MAX_TABLE_SPAN)
                for name in ("colspan", "rowspan")
            }
            node["attrs"] = spans
        self._push(node)

    def _quote_start(self, tag: str, attrs: dict) -> None:
        assert self.quote is not None
        if tag == "blockquote":
            self.quote_field = "excerpt"
            self.quote["url"] = self.quote["url"] or attrs.get("cite") or ""
        elif tag == "a":
            self.quote_field = "title"
            self.quote["url"] = attrs.get("href") or self.quote["url"]
        elif tag == "cite":
            self.quote_field = "source"

    def _quote_end(self, tag: str) -> None:
        if tag in ("blockquote", "a", "cite"):
            self.quote_field = None
        elif tag == "figure" and self.quote is not None:
            self._container_for_block()
            self.top.setdefault("content", []).append({"type": "sourceQuote", "attrs": self.quote})
            self.quote = None

    def handle_starttag(self, tag: str, attrs_list: list) -> None:
        attrs = dict(attrs_list)
        kind = _BLOCK_TAGS.get(tag)
        if self.quote is not None:
            self._quote_start(tag, attrs)
        elif tag == "figure" and "source-quote" in (attrs.get("class") or "").split():
            item = safe_int(attrs.get("data-item-id") or "0", 0, minimum=0, maximum=2**63 - 1)
            self.quote = {"itemId": item or None, "url": "", "title": "", "source": "", "excerpt": ""}
        elif kind in ("tableRow", "tableCell", "tableHeader"):
            self._table_part(kind, tag, attrs)
        elif kind == "listItem":
            self._close_textblock()
            while self.top["type"] not in ("bulletList", "orderedList", "doc", "blockquote", "listItem"):
                self.stack.pop()
            if self.top["type"] not in ("bulletList", "orderedList"):
                self._push({"type": "bulletList", "content": []})
            self._push({"type": "listItem", "content": []})
        elif kind:
            self._container_for_block()
            node: dict = {"type": kind, "content": []}
            if kind == "heading":
                node["attrs"] = {"level": int(tag[1])}
            elif kind == "orderedList":
                start = attrs.get("start") or "1"
                node["attrs"] = {"start": safe_int(start, 1, minimum=0, maximum=10**6)}
            elif kind == "codeBlock":
                node["attrs"] = {"language": None}
            node["_tag"] = tag
            self._push(node)
        elif tag == "hr":
            self._container_for_block()
            self.top.setdefault("content", []).append({"type": "horizontalRule"})
        elif tag == "br":
            self._ensure_textblock()
            self.top["content"].append({"type": "hardBreak"})
        elif tag == "img":
            if not re.match(r"^(https?:|/)", attrs.get("src") or "", re.I):
                return
            self._container_for_block()
            node = {"type": "image", "attrs": {"src": attrs.get("src") or "", "alt": attrs.get("alt") or ""}}
            self.top.setdefault("content", []).append(node)
        elif tag in _MARK_TAGS:
            if tag == "code" and self.top["type"] == "codeBlock":
                language = re.match(r"language-([\w+#.-]{1,40})", attrs.get("class") or "")
                if language:
                    self.top["attrs"] = {"language": language.group(1)}
                return
            mark: dict = {"type": _MARK_TAGS[tag]}
            if tag == "a":
                mark["attrs"] = {"href": attrs.get("href") or ""}
            self.marks.append((tag, mark))

    def handle_endtag(self, tag: str) -> None:
        if self.quote is not None:
            self._quote_end(tag)
        elif tag in _BLOCK_TAGS:
            for index in range(len(self.stack) - 1, 0, -1):
                if self.stack[index].get("_tag") == tag or (tag == "li" and self.stack[index]["type"] == "listItem"):
                    del self.stack[index:]
                    break
        elif tag in _MARK_TAGS:
            for index in range(len(self.marks) - 1, -1, -1):
                if self.marks[index][0] == tag:
                    del self.marks[index]
                    break

    def handle_data(self, data: str) -> None:
        if self.quote is not None:
            if self.quote_field:
                self.quote[self.quote_field] += data
            return
        if self.top["type"] == "codeBlock":
            if data:
                self.top["content"].append({"type": "text", "text": data})
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and self.top["type"] not in TEXTBLOCKS:
            return
        self._ensure_textblock()
        node: dict = {"type": "text", "text": text}
        if self.marks:
            node["marks"] = [dict(m) for _tag, m in self.marks]
        self.top["content"].append(node)


def _strip_edges(node: dict) -> None:
    if node["type"] in TEXTBLOCKS and node["type"] != "codeBlock":
        content = node.get("content") or []
        if content and content[0]["type"] == "text":
            content[0]["text"] = content[0]["text"].lstrip()
        if content and content[-1]["type"] == "text":
            content[-1]["text"] = content[-1]["text"].rstrip()
    for child in node.get("content") or []:
        _strip_edges(child)
    node.pop("_tag", None)


def html_to_document(value: str) -> dict:
    """Sanitize HTML and convert it to a minimal editor document."""
    builder = _DocumentBuilder()
    builder.feed(sanitize_html(value))
    builder.close()
    _strip_edges(builder.doc)
    return document_clean(builder.doc)


def render_body(*, body_json: Any = None, body_html: str | None = None) -> tuple[dict, str, str]:
    """(document, sanitized HTML, plain text) from a document or, failing that, from HTML."""
    if body_json:
        doc = document_clean(body_json)
    elif body_html:
        doc = html_to_document(body_html)
    else:
        doc = empty_document()
    return doc, document_to_html(doc), document_to_text(doc)


def text_to_document(text: str) -> dict:
    """A document of one paragraph per line of plain text."""
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}]} if line else {"type": "paragraph"}
        for line in (text or "").split("\n")
    ]
    return {"type": "doc", "content": paragraphs or [{"type": "paragraph"}]}


def text_excerpt(text: str, limit: int = 280) -> str:
    """The first `limit` characters of the text on one line, cut at a word."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
