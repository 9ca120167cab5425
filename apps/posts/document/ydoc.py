"""Conversion between Tiptap/ProseMirror JSON and the Yjs XmlFragment that y-prosemirror keeps in the
shared document (element name = node type, element attributes = node attrs, text formatting
attributes = marks as {mark name: mark attrs})."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

FRAGMENT = "default"  # the field name @tiptap/extension-collaboration uses unless told otherwise


def _plain(value: Any) -> Any:
    # Yjs numbers come back as floats through pycrdt; ProseMirror attrs such as heading levels are ints.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _text_nodes(text: XmlText) -> list[dict]:
    nodes = []
    for chunk, attrs in text.diff():
        if not isinstance(chunk, str) or not chunk:
            continue
        node: dict[str, Any] = {"type": "text", "text": chunk}
        if attrs:
            node["marks"] = [
                {"type": name, **({"attrs": _plain(value)} if value else {})} for name, value in attrs.items()
            ]
        nodes.append(node)
    return nodes


def _element_json(element: XmlElement) -> dict:
    node: dict[str, Any] = {"type": element.tag}
    attrs = {k: _plain(v) for k, v in element.attributes}
    if attrs:
        node["attrs"] = attrs
    content = _children_json(element)
    if content:
        node["content"] = content
    return node


def _children_json(parent: XmlFragment | XmlElement) -> list[dict]:
    content: list[dict] = []
    for child in parent.children:
        if isinstance(child, XmlText):
            content.extend(_text_nodes(child))
        elif isinstance(child, XmlElement):
            content.append(_element_json(child))
    return content


def doc_to_json(doc: Doc) -> dict:
    """The ProseMirror JSON of the shared document (an empty doc if nothing was typed yet)."""
    fragment = doc.get(FRAGMENT, type=XmlFragment)
    return {"type": "doc", "content": _children_json(fragment)}


def doc_to_text(doc: Doc) -> str:
    def walk(node: dict, out: list[str]) -> None:
        if node.get("type") == "text":
            out.append(node.get("text", ""))
        for child in node.get("content", []):
            walk(child, out)
        if node.get("type") not in ("text", "doc") and node.get("content") is not None:
            out.append("\n")

    out: list[str] = []
    walk(doc_to_json(doc), out)
    return "".join(out).strip()


def _build_children(content: list[dict]) -> list[XmlElement | XmlText]:
    children: list[XmlElement | XmlText] = []
    for node in content or []:
        if node.get("type") == "text":
            # Consecutive text nodes share one XmlText, as y-prosemirror writes them.
            if not children or not isinstance(children[-1], _PendingText):
                children.append(_PendingText())
            children[-1].runs.append((node.get("text", ""), node.get("marks") or []))  # type: ignore[union-attr]
        elif node.get("type"):
            children.append(_PendingElement(node))  # type: ignore[arg-type]
    return children


class _PendingText:
    def __init__(self) -> None:
        self.runs: list[tuple[str, list[dict]]] = []


class _PendingElement:
    def __init__(self, node: dict) -> None:
        self.node = node


def _insert(parent: XmlFragment | XmlElement, pending: list, *, at: int | None = None) -> None:
    """Add the pending nodes to parent: appended, or from index `at` on."""
    for item in pending:
        if isinstance(item, _PendingText):
            text = XmlText()
            _place(parent, text, at)
            offset = 0
            for value, marks in item.runs:
                attrs = {mark["type"]: mark.get("attrs") or {} for mark in marks}
                text.insert(offset, value, attrs or None)
                offset += len(value)
        else:
            node = item.node
            attrs = {k: v for k, v in (node.get("attrs") or {}).items() if v is not None}
            element = XmlElement(node["type"], attrs)
            _place(parent, element, at)
            _insert(element, _build_children(node.get("content") or []))
        if at is not None:
            at += 1


def _place(parent: XmlFragment | XmlElement, child: XmlElement | XmlText, at: int | None) -> None:
    if at is None:
        parent.children.append(child)
    else:
        parent.children.insert(at, child)


def _clean_block(block: dict) -> dict | None:
    """A top-level block as the posts app would store it (None when cleaning changes its shape)."""
    from apps.posts.body import document_clean

    cleaned = document_clean({"type": "doc", "content": [block]}).get("content") or []
    return cleaned[0] if len(cleaned) == 1 else None


def doc_replace_with_json(doc: Doc, body: dict, *, origin: Any = None) -> None:
    """Make the shared document equal to `body` as ordinary Yjs edits (a forward edit: history and
    concurrent edits elsewhere keep their meaning). Only the top-level blocks that differ are
    replaced: the unchanged ones keep their Yjs items, so what others are typing in them, their
    carets and the comment anchors in them stay where they are."""
    fragment = doc.get(FRAGMENT, type=XmlFragment)
    target = list((body or {}).get("content") or [])
    current = [
        _clean_block(_element_json(child)) if isinstance(child, XmlElement) else None for child in fragment.children
    ]
    wanted = [_clean_block(block) for block in target]
    start = 0
    while start < min(len(current), len(target)) and current[start] is not None and current[start] == wanted[start]:
        start += 1
    end = 0
    while (
        end < min(len(current), len(target)) - start
        and current[-1 - end] is not None
        and current[-1 - end] == wanted[-1 - end]
    ):
        end += 1
    with doc.transaction(origin=origin):
        for _ in range(len(current) - start - end):
            del fragment.children[start]
        _insert(fragment, _build_children(target[start : len(target) - end]), at=start)
