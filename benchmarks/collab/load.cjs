// Load generator for the live-editing benchmark: N y-websocket editors (npm yjs + y-websocket) spread
// over one or more server URLs, each making `rate` edits per second for `seconds`; every edit carries
// its send time, and every peer that receives it records the edit-to-peer latency.
// Usage: NODE_PATH=frontend/node_modules node load.cjs '<json>'
//   {urls: [..], room, token, editors, rate, seconds, mode: "latency" | "throughput"}
const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws')
const { performance } = require('perf_hooks')

const o = { mode: 'latency', ...JSON.parse(process.argv[2]) }
const clients = []
const latencies = []
const latenciesSame = []
const latenciesCross = []
let received = 0
const receivedBy = []
let sent = 0
// Off while the clients connect and sync: a room's earlier content is not an edit to time.
let measuring = false

function makeClient (i) {
  const doc = new Y.Doc()
  const url = o.urls[i % o.urls.length]
  const provider = new WebsocketProvider(url, o.room, doc, {
    WebSocketPolyfill: WebSocket, params: o.token ? { token: o.token } : {}, disableBc: true
  })
  const arr = doc.getArray('bench')
  receivedBy[i] = 0
  let statusChanges = 0
  provider.on('status', () => { statusChanges++ })
  arr.observe((event, tr) => {
    if (tr.local || !measuring) return
    const now = performance.now()
    for (const d of event.changes.delta) {
      if (!d.insert) continue
      for (const item of d.insert) {
        received++
        receivedBy[i]++
        if (o.mode !== 'latency' || !Array.isArray(item)) continue
        // [send time, sender index]: a peer on the sender's server or on another process.
        latencies.push(now - item[0])
        const same = item[1] % o.urls.length === i % o.urls.length
        ;(same ? latenciesSame : latenciesCross).push(now - item[0])
      }
    }
  })
  return new Promise((resolve) => provider.on('sync', (s) => s && resolve({ doc, provider, arr, statusChanges: () => statusChanges })))
}

async function main () {
  const t0 = performance.now()
  for (let i = 0; i < o.editors; i++) clients.push(await makeClient(i))
  const connectMs = performance.now() - t0
  if (o.mode === 'open') {
    // Stay connected a while: a reconnect loop would show up as more status changes.
    const before = clients[0].statusChanges()
    await new Promise((r) => setTimeout(r, (o.holdSeconds || 3) * 1000))
    const frag = clients[0].doc.getXmlFragment('default')
    output({ connectMs, children: frag.length, statusChangesAfterSync: clients[0].statusChanges() - before })
    return
  }
  await new Promise((r) => setTimeout(r, 500))
  measuring = true
  const end = performance.now() + o.seconds * 1000
  if (o.mode === 'throughput') {
    // Writers push as fast as the socket takes them; client 0 only listens.
    const writers = clients.slice(1)
    const tick = () => {
      if (performance.now() > end) return
      for (const c of writers) {
        if (c.provider.ws && c.provider.ws.bufferedAmount > 1 << 16) continue
        c.arr.push(['x']); sent++
      }
      setImmediate(tick)
    }
    const start = performance.now()
    const countAtStart = receivedBy[0]
    tick()
    await new Promise((r) => setTimeout(r, o.seconds * 1000))
    const delivered = receivedBy[0] - countAtStart
    const elapsed = (performance.now() - start) / 1000
    // What the listening peer received = what the server accepted and relayed.
    output({ connectMs, sent, delivered, elapsed, updatesPerSecond: delivered / elapsed })
    return
  }
  if (o.mode === 'soak') {
    // Editors keep joining and leaving: every churnMs one editor leaves and a new one joins.
    let joined = 0
    let next = o.editors
    const edit = setInterval(() => {
      for (const c of clients) { c.arr.push(['s']); if (c.arr.length > 2000) c.arr.delete(0, 1000); sent++ }
    }, 1000 / o.rate)
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, o.churnMs || 500))
      const gone = clients.shift()
      gone.provider.destroy()
      gone.doc.destroy()
      clients.push(await makeClient(next++))
      joined++
    }
    clearInterval(edit)
    output({ connectMs, sent, joined })
    return
  }
  const interval = 1000 / o.rate
  clients.forEach((c, i) => {
    const fire = () => {
      if (performance.now() > end) return
      c.arr.push([[performance.now(), i]]); sent++
      setTimeout(fire, interval)
    }
    setTimeout(fire, (interval * i) / o.editors)
  })
  await new Promise((r) => setTimeout(r, o.seconds * 1000 + 1500))
  const expected = sent * (o.editors - 1)
  output({ connectMs, sent, expected, received, latencies, latenciesSame, latenciesCross })
}

function output (result) {
  process.stdout.write(JSON.stringify(result) + '\n')
  for (const c of clients) c.provider.destroy()
  setTimeout(() => process.exit(0), 100)
}

main()
