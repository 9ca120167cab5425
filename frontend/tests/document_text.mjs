// Reads a JSON list of post documents on stdin and prints, for each, the plain text the editor derives
// (frontend/src/lib/document.js on the editor's own schema), its length in code points and a few
// slices by offset, so tests/posts/test_document_roundtrip.py can compare them with Python's.
import { getSchema } from "@tiptap/core";
import { Node } from "@tiptap/pm/model";
import { documentText, textSlice } from "../src/lib/document.js";
import { bodyExtensions } from "../src/lib/schema.js";

const schema = getSchema(bodyExtensions());
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const docs = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const answers = docs.map((json) => {
  const doc = Node.fromJSON(schema, json);
  const map = documentText(doc);
  const ranges = [];
  for (let i = 0; i + 1 < map.length; i += Math.max(1, Math.floor(map.length / 7))) ranges.push([i, Math.min(map.length, i + 3)]);
  return { text: map.text, length: map.length, ranges, slices: ranges.map(([a, b]) => textSlice(map, a, b)) };
});
process.stdout.write(JSON.stringify(answers));
