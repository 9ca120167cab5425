// A real Yjs client (npm yjs + y-websocket) for the tests: joins a post's room, makes edits, waits for
// the expected document and prints it as JSON. Run with NODE_PATH=frontend/node_modules.
// Usage: node node_client.cjs '<json options>'
//   {url, room, token, label, edits, intervalMs, expectParagraphs, timeoutMs}
const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws')

const opts = JSON.parse(process.argv[2])
const doc = new Y.Doc()
const provider = new WebsocketProvider(opts.url, opts.room, doc, {
  WebSocketPolyfill: WebSocket,
  params: opts.token ? { token: opts.token } : {},
  disableBc: true,
})
provider.awareness.setLocalStateField('user', { name: opts.label, color: '#3366ff' })
const fragment = doc.getXmlFragment('default')

const paragraphs = () => fragment.toArray().filter((n) => n instanceof Y.XmlElement).length
const finish = (code) => {
  process.stdout.write(JSON.stringify({ xml: fragment.toString(), paragraphs: paragraphs() }) + '\n')
  provider.destroy()
  setTimeout(() => process.exit(code), 50)
}
const timer = setTimeout(() => finish(2), opts.timeoutMs || 20000)

provider.on('sync', async (synced) => {
  if (!synced || provider._started) return
  provider._started = true
  for (let i = 0; i < (opts.edits || 0); i++) {
    doc.transact(() => {
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(`${opts.label}-${i}`)])
      // Insert at a spread of positions so that edits interleave with the other client's.
      const at = Math.floor(Math.random() * (fragment.length + 1))
      fragment.insert(at, [p])
    })
    await new Promise((r) => setTimeout(r, opts.intervalMs || 5))
  }
  const check = () => {
    if (paragraphs() >= (opts.expectParagraphs || 0)) {
      clearTimeout(timer)
      finish(0)
    } else setTimeout(check, 20)
  }
  check()
})
