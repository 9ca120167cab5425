// Source pages (the list and a source's detail): when a source of the workspace changes (a fetch
// started, finished or failed, paused, resumed, added, deleted), as announced over /ws/sources/,
// the page re-reads its live part (server-side HTML) and puts it in place, keeping the focus.
import { showLiveState, subscribe } from "./app.js";

const region = document.getElementById("source-live");
const status = document.getElementById("live-status");

const setStatus = (state) => showLiveState(status, state);

async function refresh() {
  const response = await fetch(region.dataset.partialUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
  if (response.status === 404 && status && status.dataset.gone) {
    status.textContent = status.dataset.gone;
    return;
  }
  if (!response.ok) return;
  const html = await response.text();
  const focusedId = region.contains(document.activeElement) ? document.activeElement.id : "";
  region.innerHTML = html;
  if (focusedId) document.getElementById(focusedId)?.focus();
  region.dataset.refreshed = String(Number(region.dataset.refreshed || 0) + 1);
}

function say(level, text) {
  const box = document.querySelector("main [role=status]");
  if (!box) return;
  const list = document.createElement("ul");
  list.className = "messages";
  const line = document.createElement("li");
  line.className = `message ${level}`;
  line.textContent = text;
  list.append(line);
  box.replaceChildren(list);
}

// Fetch now, Pause and Resume are sent in the background: the page stays, says what happened, and the
// live update shows the outcome. Without the script the forms post and redirect as usual.
async function sendAction(form) {
  let response;
  try {
    response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
  } catch (error) {
    form.submit();
    return;
  }
  const reply = await response.json().catch(() => null);
  if (!reply) {
    form.submit();
    return;
  }
  say(reply.level, reply.message);
}

if (region && region.dataset.socket) {
  region.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-live-action")) return;
    event.preventDefault();
    sendAction(form);
  });
  const only = region.dataset.source;
  let timer = null;
  subscribe(region.dataset.socket, (event) => {
    if (event.type !== "sources.changed") return;
    if (only && String(event.source) !== only) return;
    // A burst (a tick fetching many sources) costs one re-read.
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }, { onState: setStatus });
}
