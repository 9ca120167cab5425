// The bell in the top bar follows the person's notifications live (apps/notifications/events.py over
// /ws/notifications/): its unread count, its spoken label, and on the notifications page the list itself,
// without a reload. Events carry ids and counts only; the words are fetched in the page's language.
import { subscribe } from "./app.js";

const bell = document.querySelector("a.bell");
const live = document.getElementById("bell-live");
const list = document.querySelector("[data-live-list]");

function label(n) {
  if (!n) return gettext("Notifications: none unread");
  return interpolate(ngettext("Notifications: %(n)s unread", "Notifications: %(n)s unread", n), { n }, true);
}

function setCount(n) {
  bell.dataset.unread = String(n);
  bell.classList.toggle("has-unread", n > 0);
  bell.setAttribute("aria-label", label(n));
  let badge = bell.querySelector(".badge");
  if (n > 0 && !badge) {
    badge = document.createElement("span");
    badge.className = "badge warn";
    badge.setAttribute("aria-hidden", "true");
    bell.append(badge);
  }
  if (badge) {
    if (n > 0) badge.textContent = String(n);
    else badge.remove();
  }
}

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  return response.ok ? response.json() : null;
}

// Says what is new (a polite live region: screen readers hear it, nothing moves on the page).
async function announce(id) {
  const row = await getJson(`/api/v1/notifications/${id}/`);
  if (row && live) live.textContent = row.title;
}

// On the notifications page the list is the server's own rendering of this page, fetched again.
async function refreshList() {
  const response = await fetch(window.location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-live-list]");
  if (fresh) list.innerHTML = fresh.innerHTML;
}

function onEvent(event) {
  if (typeof event.unread === "number") setCount(event.unread);
  if (event.type === "notification.created") announce(event.id).catch(console.warn);
  if (list && (event.type === "notification.created" || event.type === "notification.read")) {
    refreshList().catch(console.warn);
  }
}

// data-live says whether the count is live ("connected") or may be stale until the socket is back.
if (bell) subscribe("/ws/notifications/", onEvent, { onState: (state) => { bell.dataset.live = state; } });
