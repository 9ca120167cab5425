// Trends dashboard: re-renders the ranked list (server-side HTML, sparklines included) when the
// workspace's scores change, as announced over the /ws/trends/ websocket.
import { showLiveState, subscribe } from "./app.js";

const section = document.getElementById("trend-list");
const status = document.getElementById("live-status");

const setStatus = (state) => showLiveState(status, state);

async function refresh() {
  const params = new URLSearchParams(window.location.search);
  params.set("partial", "1");
  const response = await fetch(`${section.dataset.partialUrl}?${params}`, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
  if (!response.ok) return;
  const before = new Map([...section.querySelectorAll(".trend-row")].map((row) => [row.dataset.trendId, row.querySelector(".trend-score strong")?.textContent]));
  section.innerHTML = await response.text();
  for (const row of section.querySelectorAll(".trend-row")) {
    const score = row.querySelector(".trend-score strong")?.textContent;
    if (before.get(row.dataset.trendId) !== score) row.classList.add("flash");
  }
  section.dataset.refreshed = String(Number(section.dataset.refreshed || 0) + 1);
}

if (section && section.dataset.socket) {
  let timer = null;
  subscribe(section.dataset.socket, (event) => {
    if (event.type !== "scores") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }, { onState: setStatus });
}
