// Produces Yjs updates with the real yjs library for the hostile-frame tests, printed as JSON of base64.
// Usage: NODE_PATH=frontend/node_modules node yjs_updates.cjs '<json options>'
//   {"kind": "deep", "depth": N}            one update: Y.Arrays nested N levels under the root "a"
//   {"kind": "editor", "paragraphs": N}     an editor-like XmlFragment "default": nested lists, quotes,
//                                           formatted text in many scripts; then incremental edits
const Y = require('yjs')

const opts = JSON.parse(process.argv[2])
const b64 = (u) => Buffer.from(u).toString('base64')
const out = {}

if (opts.kind === 'deep') {
  const doc = new Y.Doc()
  doc.transact(() => {
    let parent = doc.getArray('a')
    for (let i = 0; i < opts.depth; i++) {
      const child = new Y.Array()
      parent.insert(0, [child])
      parent = child
    }
  })
  out.update = b64(Y.encodeStateAsUpdate(doc))
} else if (opts.kind === 'editor') {
  const doc = new Y.Doc()
  const fragment = doc.getXmlFragment('default')
  const texts = ['Привет, мир', '漢字かな交じり文', 'مرحبا بالعالم', 'שלום עולם', '👩‍👩‍👧 🇺🇦 👍🏽', 'e\u0301 n\u0303', '“Quotes” — dash']
  doc.transact(() => {
    for (let i = 0; i < opts.paragraphs; i++) {
      const text = new Y.XmlText()
      const plain = `${texts[i % texts.length]} ${i} `
      text.insert(0, plain)
      text.insert(plain.length, 'bold', { bold: true })
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [text])
      if (i % 10 === 0) {
        // blockquote > bulletList > listItem > orderedList > listItem > paragraph
        let node = p
        for (const name of ['listItem', 'orderedList', 'listItem', 'bulletList', 'blockquote']) {
          const wrap = new Y.XmlElement(name)
          wrap.insert(0, [node])
          node = wrap
        }
        fragment.insert(fragment.length, [node])
      } else {
        fragment.insert(fragment.length, [p])
      }
    }
  })
  out.state = b64(Y.encodeStateAsUpdate(doc))
  // Incremental edits as an editor sends them: typing inside existing text, a new nested list item.
  const edits = []
  doc.on('update', (u) => edits.push(b64(u)))
  const typing = fragment.get(1).get(0)
  for (const ch of 'typed ✍️') typing.insert(3, ch)
  const item = new Y.XmlElement('listItem')
  const para = new Y.XmlElement('paragraph')
  const t = new Y.XmlText()
  para.insert(0, [t])
  item.insert(0, [para])
  fragment.get(0).get(0).insert(1, [item])
  t.insert(0, 'новый пункт')
  fragment.delete(2, 1)
  out.edits = edits
}
process.stdout.write(JSON.stringify(out))
