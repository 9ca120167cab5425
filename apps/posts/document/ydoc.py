"""The post body as the Yjs XmlFragment that y-prosemirror keeps in a live document (element name =
node type, element attributes = node attrs, text formatting attributes = marks as {mark: attrs}),
and the edits that change a live document without losing what others are typing.

Units: pycrdt counts text positions in UTF-8 bytes (Yjs in JavaScript counts UTF-16 units, Python
strings count code points). Byte offsets never leave this module: everything it takes and returns
is a Python string or a document, and `_ylen` is the one place that converts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from .body import document_clean

FRAGMENT = "default"  # the field name @tiptap/extension-collaboration uses unless told otherwise

Marks = tuple[tuple[str, Any], ...]


def _ylen(text: str) -> int:
    """The length of `text` in pycrdt's text unit (UTF-8 bytes)."""
    return len(text.encode("utf-8"))


def _plain(value: Any) -> Any:
    # Yjs numbers come back as floats through pycrdt; ProseMirror attrs such as heading levels are ints.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- Yjs -> JSON -----------------------------------------------------------------------------------


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


def _attributes(element: XmlElement) -> list[tuple[str, Any]]:
    # pycrdt types the attribute view's __iter__ as returning an Iterable, not an Iterator.
    return list(element.attributes)  # type: ignore[call-overload]


def _element_json(element: XmlElement) -> dict:
    node: dict[str, Any] = {"type": element.tag}
    attrs = {k: _plain(v) for k, v in _attributes(element)}
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


# --- JSON -> Yjs -----------------------------------------------------------------------------------


def _mark_attrs(marks: list[dict] | None) -> dict[str, Any]:
    return {mark["type"]: mark.get("attrs") or {} for mark in marks or []}


def _runs(content: list[dict]) -> list[list[tuple[str, dict]] | dict]:
    """Children grouped as y-prosemirror writes them: consecutive text nodes share one XmlText."""
    out: list[list[tuple[str, dict]] | dict] = []
    for node in content or []:
        if node.get("type") == "text":
            if not out or not isinstance(out[-1], list):
                out.append([])
            out[-1].append((node.get("text", ""), _mark_attrs(node.get("marks"))))  # type: ignore[union-attr]
        elif node.get("type"):
            out.append(node)
    return out


def _fill_text(text: XmlText, runs: list[tuple[str, dict]], at: int = 0) -> None:
    for value, attrs in runs:
        if value:
            text.insert(at, value, attrs or None)
            at += _ylen(value)


def _insert(parent: XmlFragment | XmlElement, content: list[dict], *, at: int | None = None) -> None:
    """Add the nodes to parent: appended, or from child index `at` on."""
    for item in _runs(content):
        if isinstance(item, list):
            text = XmlText()
            _place(parent, text, at)
            _fill_text(text, item)
        else:
            attrs = {k: v for k, v in (item.get("attrs") or {}).items() if v is not None}
            element = XmlElement(item["type"], attrs)
            _place(parent, element, at)
            _insert(element, item.get("content") or [])
        if at is not None:
            at += 1


def _place(parent: XmlFragment | XmlElement, child: XmlElement | XmlText, at: int | None) -> None:
    if at is None:
        parent.children.append(child)
    else:
        parent.children.insert(at, child)


def doc_from_json(body: dict) -> Doc:
    """A new shared document holding `body`."""
    doc: Doc[Any] = Doc()
    doc_replace_with_json(doc, body)
    return doc


# --- editing a live document -------------------------------------------------------------------------


def _clean_block(block: dict) -> dict | None:
    """A top-level block as the posts app stores it (None when cleaning changes its shape)."""
    cleaned = document_clean({"type": "doc", "content": [block]}).get("content") or []
    return cleaned[0] if len(cleaned) == 1 else None


def _key(block: dict | None) -> str:
    return json.dumps(block, sort_keys=True, ensure_ascii=False) if block is not None else "\0unknown"


def _chars(content: list[dict]) -> list[tuple[str, Marks]]:
    """A text block's inline content as (character, marks) pairs."""
    out: list[tuple[str, Marks]] = []
    for node in content:
        marks = tuple(sorted((k, _key(v)) for k, v in _mark_attrs(node.get("marks")).items()))
        out.extend((char, marks) for char in node.get("text", ""))
    return out


def _only_text(element: XmlElement) -> XmlText | None:
    children = list(element.children)
    if len(children) == 1 and isinstance(children[0], XmlText):
        return children[0]
    return None


def _edit_textblock(element: XmlElement, target: dict) -> bool:
    """Turn a text block into `target` by editing only the characters that differ (so a caret or a
    comment anchor elsewhere in the paragraph keeps its place). False when the shapes differ and the
    block must be replaced instead."""
    content = target.get("content") or []
    if element.tag != target.get("type") or any(node.get("type") != "text" for node in content):
        return False
    attrs = {k: v for k, v in (target.get("attrs") or {}).items() if v is not None}
    if {k: _plain(v) for k, v in _attributes(element)} != attrs:
        return False
    text = _only_text(element)
    if text is None:
        return False
    old, new = _chars(_text_nodes(text)), _chars(content)
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = _ylen("".join(char for char, _marks in old[:prefix]))
    removed = "".join(char for char, _marks in old[prefix : len(old) - suffix])
    if removed:
        del text[start : start + _ylen(removed)]
    # The inserted middle, as runs of the target's own marks.
    middle: list[tuple[str, dict]] = []
    offset = 0
    for node in content:
        value = node.get("text", "")
        lo, hi = max(prefix - offset, 0), min(len(new) - suffix - offset, len(value))
        if lo < hi:
            middle.append((value[lo:hi], _mark_attrs(node.get("marks"))))
        offset += len(value)
    _fill_text(text, middle, at=start)
    return True


def _replace_blocks(fragment: XmlFragment, at: int, count: int, blocks: Sequence[dict]) -> None:
    """Replace fragment children [at, at+count) by `blocks`, editing text in place where a block
    only changed its text."""
    children = list(fragment.children)
    paired = min(count, len(blocks))
    for index in range(paired):
        child = children[at + index]
        if isinstance(child, XmlElement) and _edit_textblock(child, blocks[index]):
            continue
        del fragment.children[at + index]
        _insert(fragment, [blocks[index]], at=at + index)
    for _ in range(count - paired):
        del fragment.children[at + paired]
    if len(blocks) > paired:
        _insert(fragment, list(blocks[paired:]), at=at + paired)


def _live_blocks(fragment: XmlFragment) -> list[dict | None]:
    return [
        _clean_block(_element_json(child)) if isinstance(child, XmlElement) else None for child in fragment.children
    ]


def doc_replace_with_json(doc: Doc, body: dict, *, origin: Any = None) -> None:
    """Make the shared document equal to `body` as ordinary Yjs edits (a forward edit: history and
    concurrent edits elsewhere keep their meaning). Unchanged blocks keep their Yjs items, and a
    block whose text changed is edited character by character."""
    fragment = doc.get(FRAGMENT, type=XmlFragment)
    target = list((body or {}).get("content") or [])
    current = [_key(block) for block in _live_blocks(fragment)]
    wanted = [_key(_clean_block(block)) for block in target]
    with doc.transaction(origin=origin):
        # Back to front, so that the indexes of the blocks still to edit do not move.
        opcodes = SequenceMatcher(a=current, b=wanted, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(opcodes):
            if tag != "equal":
                _replace_blocks(fragment, i1, i2 - i1, target[j1:j2])


def doc_apply_change(doc: Doc, *, base: dict, target: dict, origin: Any = None) -> bool:
    """Apply the change from `base` to `target` to the shared document, which may have moved on since
    `base` was read (others kept typing). Three-way, by top-level block: a block the change did not
    touch keeps whatever the live document has; a block it changed is changed in the live document
    (where someone changed the same block meanwhile, the change wins for that block). Returns
    whether anything was edited."""
    fragment = doc.get(FRAGMENT, type=XmlFragment)
    base_blocks = [_key(_clean_block(block)) for block in (base or {}).get("content") or []]
    target_content = list((target or {}).get("content") or [])
    target_blocks = [_key(_clean_block(block)) for block in target_content]
    live_blocks = [_key(block) for block in _live_blocks(fragment)]
    # Where each base block is in the live document (None: someone changed or removed it).
    live_of: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in SequenceMatcher(a=base_blocks, b=live_blocks, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                live_of[i1 + k] = j1 + k
    edits: list[tuple[int, int, list[dict]]] = []  # (live index, live count, new blocks)
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=base_blocks, b=target_blocks, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion: after the live copy of the base block before it
            before = _live_position_after(live_of, i1 - 1)
            edits.append((before, 0, target_content[j1:j2]))
            continue
        where = [live_of.get(k) for k in range(i1, i2)]
        found = [w for w in where if w is not None]
        if found:
            lo, hi = min(found), max(found) + 1
        else:  # every block the change touches was changed live: put the change where they were
            lo = hi = _live_position_after(live_of, i1 - 1)
            # and replace the live blocks lying between the neighbours of the range
            after = _live_position_before(live_of, i2, len(live_blocks))
            hi = max(hi, after)
        edits.append((lo, hi - lo, target_content[j1:j2]))
    if not edits:
        return False
    with doc.transaction(origin=origin):
        for lo, count, blocks in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            _replace_blocks(fragment, lo, count, blocks)
    return True


def _live_position_after(live_of: dict[int, int], base_index: int) -> int:
    """The live index just after the live copy of base block `base_index` (or of the nearest earlier
    block that survived)."""
    for k in range(base_index, -1, -1):
        if k in live_of:
            return live_of[k] + 1
    return 0


def _live_position_before(live_of: dict[int, int], base_index: int, live_len: int) -> int:
    """The live index of the live copy of base block `base_index` (or of the nearest later one)."""
    later = [k for k in live_of if k >= base_index]
    return live_of[min(later)] if later else live_len
