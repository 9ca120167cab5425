// The posts board: drag a card to another state's column; the transitions API decides, and a refused
// move shows the server's message (the 403 text).
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function api(url, { method = "GET", body } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((data && data.error && data.error.message) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

import { subscribe } from "./app.js";

const board = document.getElementById("board");
if (board) {
  // Someone else moved or changed a post: offer a refresh rather than reshuffling under the cursor.
  if (window.WebSocket && board.dataset.workspaceId) {
    subscribe(`/ws/posts/workspace/${board.dataset.workspaceId}/`, (event) => {
      if (event.type !== "post.changed") return;
      const card = board.querySelector(`.board-card[data-post-id="${event.post_id}"]`);
      if (card && card.dataset.state === event.state) return;
      const status = document.getElementById("board-status");
      status.replaceChildren(
        document.createTextNode(`${board.dataset.changed || "The board changed."} `),
        Object.assign(document.createElement("a"), { href: window.location.href, textContent: board.dataset.refresh || "Refresh" }),
      );
    });
  }
  const moves = JSON.parse(board.dataset.moves);
  const status = document.getElementById("board-status");
  let dragged = null;

  const say = (text, kind) => {
    status.textContent = text;
    status.className = `board-status ${kind || ""}`;
  };

  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest(".board-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.postId);
  });
  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    for (const column of board.querySelectorAll(".board-column")) column.classList.remove("drop-target");
    dragged = null;
  });
  board.addEventListener("dragover", (event) => {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    for (const other of board.querySelectorAll(".board-column")) other.classList.toggle("drop-target", other === column);
  });
  board.addEventListener("drop", async (event) => {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    const card = dragged;
    const from = card.dataset.state;
    const to = column.dataset.state;
    column.classList.remove("drop-target");
    if (from === to) return;
    const action = (moves[from] || {})[to];
    if (!action) {
      say(`${board.dataset.noMove || "A post cannot move"}: ${from} → ${to}.`, "error");
      return;
    }
    const body = {};
    if (action === "schedule") {
      const when = window.prompt(board.dataset.askWhen || "Publish at (YYYY-MM-DD HH:MM)");
      if (!when) return;
      body.publish_at = new Date(when.replace(" ", "T")).toISOString();
    }
    try {
      const post = await api(board.dataset.transitionUrl.replace("{id}", card.dataset.postId).replace("{action}", action), { method: "POST", body });
      const target = board.querySelector(`.board-column[data-state="${post.state}"] .board-cards`);
      const source = card.closest(".board-column");
      card.dataset.state = post.state;
      target.prepend(card);
      for (const col of [source, target.closest(".board-column")]) {
        const count = col.querySelector(".count");
        count.textContent = String(col.querySelectorAll(".board-card").length);
      }
      say(`“${post.title}”: ${post.state_label}.`, "ok");
    } catch (error) {
      say(error.message, "error");
    }
  });
}
