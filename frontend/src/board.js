// The posts board: drag a card to another state's column (or Alt+arrow from the keyboard); the
// transitions API decides. A move no workflow action makes is explained with where the post can go,
// a refused one shows the server's reason (the 403 text). Columns collapse; scroll cues show when
// columns are off to the side.
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
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, key) => values[key] ?? "");
  const columnOf = (state) => board.querySelector(`.board-column[data-state="${state}"]`);
  const labelOf = (state) => (columnOf(state) ? columnOf(state).dataset.label : state);
  const titleOf = (card) => card.querySelector("a").dataset.title || card.querySelector("a").textContent;
  let dragged = null;

  const say = (text, kind) => {
    status.textContent = text;
    status.className = `board-status ${kind || ""}`;
  };

  // Why a move is not on offer, in the columns' own words: where the post can go from here.
  function explainNoMove(from, to) {
    const targets = Object.keys(moves[from] || {}).filter((state) => columnOf(state)).map(labelOf);
    const first = fill(board.dataset.noMove, { from: labelOf(from), to: labelOf(to) });
    const second = targets.length
      ? fill(board.dataset.canGo, { from: labelOf(from), targets: targets.join(", ") })
      : fill(board.dataset.nowhere, { from: labelOf(from) });
    return `${first} ${second}`;
  }

  function recount() {
    for (const col of board.querySelectorAll(".board-column")) {
      const cards = col.querySelectorAll(".board-card").length;
      col.querySelector(".count").textContent = String(cards);
      const empty = col.querySelector(".board-empty");
      if (empty) empty.hidden = cards > 0;
    }
  }

  async function move(card, to) {
    const from = card.dataset.state;
    if (from === to) return;
    const action = (moves[from] || {})[to];
    if (!action) {
      say(explainNoMove(from, to), "error");
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
      const target = columnOf(post.state).querySelector(".board-cards");
      card.dataset.state = post.state;
      target.prepend(card);
      recount();
      say(fill(board.dataset.moved, { title: post.title, state: post.state_label }), "ok");
    } catch (error) {
      say(fill(board.dataset.refused, { title: titleOf(card), reason: error.message }), "error");
    }
    const link = card.querySelector("a");
    if (link) link.focus();
  }

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
    column.classList.remove("drop-target");
    await move(dragged, column.dataset.state);
  });

  // The keyboard: Alt+→ / Alt+← moves the focused card to the next / previous column.
  board.addEventListener("keydown", async (event) => {
    if (!event.altKey || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    const card = event.target.closest(".board-card");
    if (!card) return;
    event.preventDefault();
    const columns = [...board.querySelectorAll(".board-column")];
    const index = columns.indexOf(card.closest(".board-column")) + (event.key === "ArrowRight" ? 1 : -1);
    if (index < 0 || index >= columns.length) {
      say(board.dataset.noColumn, "error");
      return;
    }
    columns[index].classList.remove("collapsed");
    await move(card, columns[index].dataset.state);
  });

  // Collapsible columns (remembered in this browser) and cues when columns are off to the side.
  const collapsedKey = "trendoscope.board.collapsed";
  const collapsed = new Set(JSON.parse(window.localStorage.getItem(collapsedKey) || "[]"));
  const scroller = document.getElementById("board-scroll");
  const hint = document.getElementById("board-scroll-hint");
  const updateCues = () => {
    if (!scroller) return;
    const overflow = scroller.scrollWidth > scroller.clientWidth + 1;
    const frame = scroller.parentElement;
    frame.classList.toggle("more-left", overflow && scroller.scrollLeft > 1);
    frame.classList.toggle("more-right", overflow && scroller.scrollLeft + scroller.clientWidth < scroller.scrollWidth - 1);
    if (hint) hint.hidden = !overflow;
  };
  for (const column of board.querySelectorAll(".board-column")) {
    const toggle = column.querySelector(".column-toggle");
    const apply = (isCollapsed) => {
      column.classList.toggle("collapsed", isCollapsed);
      toggle.setAttribute("aria-expanded", String(!isCollapsed));
    };
    apply(collapsed.has(column.dataset.state));
    toggle.addEventListener("click", () => {
      const now = !column.classList.contains("collapsed");
      apply(now);
      if (now) collapsed.add(column.dataset.state); else collapsed.delete(column.dataset.state);
      window.localStorage.setItem(collapsedKey, JSON.stringify([...collapsed]));
      updateCues();
    });
  }
  recount();
  if (scroller) scroller.addEventListener("scroll", updateCues, { passive: true });
  window.addEventListener("resize", updateCues);
  updateCues();
}
