// Shared helpers for every page of the editorial app: the websocket URL and a live-event subscription.
export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

// Opens a websocket that reconnects with backoff; onMessage receives parsed JSON events.
// A page's "Live" / "Reconnecting…" badge (its words come from data-live and data-offline).
export function showLiveState(status, state) {
  if (!status) return;
  status.classList.remove("connected", "disconnected");
  status.classList.add(state);
  status.textContent = state === "connected" ? status.dataset.live || "Live" : status.dataset.offline || "Reconnecting…";
}

export function subscribe(path, onMessage, { onState } = {}) {
  let socket;
  let delay = 500;
  let closed = false;
  const open = () => {
    socket = new WebSocket(socketUrl(path));
    socket.onopen = () => { delay = 500; onState && onState("connected"); };
    socket.onmessage = (event) => { try { onMessage(JSON.parse(event.data)); } catch (e) { console.warn(e); } };
    socket.onclose = () => {
      onState && onState("disconnected");
      if (!closed) setTimeout(open, (delay = Math.min(delay * 2, 10000)));
    };
  };
  open();
  return { send: (data) => socket.readyState === 1 && socket.send(JSON.stringify(data)), close: () => { closed = true; socket.close(); } };
}

window.Trendoscope = { socketUrl, subscribe };
