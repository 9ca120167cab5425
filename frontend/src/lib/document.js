// The post's plain text as the server derives it (apps/posts/document/body.py: text blocks joined by
// "\n", a hard break is "\n"), with a map from text offsets to ProseMirror positions. Offsets count
// Unicode code points, as Python does: ProseMirror and JavaScript strings count UTF-16 units, so an
// emoji is 2 positions here but 1 offset on the server. Pure: no DOM, so Node tests run it too.

export function documentText(doc) {
  const chars = [];
  const positions = []; // positions[i]: where code point i starts in the document
  let first = true;
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      if (!first) { chars.push("\n"); positions.push(pos); }
      first = false;
      node.forEach((child, offset) => {
        const start = pos + 1 + offset;
        if (child.isText) {
          let unit = 0;
          for (const char of child.text) { chars.push(char); positions.push(start + unit); unit += char.length; }
        } else if (child.type.name === "hardBreak") {
          chars.push("\n"); positions.push(start);
        }
      });
      return false;
    }
    return true;
  });
  const text = chars.join("");
  // unitToChar[u]: the code point offset of UTF-16 index u of text (for results of indexOf).
  const unitToChar = new Array(text.length + 1);
  let unit = 0;
  chars.forEach((char, i) => { for (let k = 0; k < char.length; k++) unitToChar[unit + k] = i; unit += char.length; });
  unitToChar[text.length] = chars.length;
  return { text, chars, positions, unitToChar, length: chars.length, end: doc.content.size };
}

// The text between two code point offsets.
export function textSlice(map, start, end) {
  return map.chars.slice(start, end).join("");
}

// The document position where the code point at `offset` starts (the end of the text past the last one).
export function offsetToPos(map, offset) {
  if (offset < map.positions.length) return map.positions[offset];
  if (!map.positions.length) return 1;
  const last = map.positions.length - 1;
  return map.positions[last] + map.chars[last].length;
}

// Where an anchor (quote + context, start in code points) is in the document now; null if it is gone.
export function locateAnchor(doc, anchor) {
  if (!anchor || !anchor.quote) return null;
  const map = documentText(doc);
  let best = null;
  let at = map.text.indexOf(anchor.quote);
  while (at !== -1) {
    const offset = map.unitToChar[at];
    const distance = anchor.start == null ? 0 : Math.abs(offset - anchor.start);
    if (best === null || distance < best.distance) best = { offset, distance };
    at = map.text.indexOf(anchor.quote, at + 1);
  }
  if (!best) return null;
  const length = Array.from(anchor.quote).length;
  return { from: offsetToPos(map, best.offset), to: offsetToPos(map, best.offset + length) };
}

// A document range [from, to) as code point offsets into the plain text.
export function rangeToOffsets(map, from, to) {
  let start = map.positions.findIndex((p) => p >= from);
  let end = map.positions.findIndex((p) => p >= to);
  if (start === -1) return null;
  if (end === -1) end = map.length;
  return { start, end };
}
