// Publications calendar: drag a pending or failed publication to another day (month view) or day and
// hour (week view) to reschedule it; the keyboard does the same from the item's ⇅ button (Enter picks
// it up, the arrow keys choose the cell, Enter drops, Escape cancels). The server runs the schedule
// form's checks and says why a move is refused; a refused item stays where it was.
const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate || ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (_, k) => obj[k]));

const table = document.querySelector("table.calendar[data-move-url]");
if (table) {
  const view = table.dataset.view;
  const status = document.getElementById("calendar-status");
  const error = document.getElementById("calendar-error");
  const csrf = document.querySelector("#calendar-form input[name=csrfmiddlewaretoken]")?.value || "";
  const cells = () => Array.from(table.querySelectorAll("td.cal-cell"));
  let picked = null; // { item, index } while the keyboard holds an item

  function say(text) {
    error.hidden = true;
    status.textContent = text;
    status.hidden = !text;
  }

  function refuse(text) {
    status.hidden = true;
    error.textContent = text;
    error.hidden = false;
  }

  function dueFor(item, cell) {
    const [hours, minutes] = item.dataset.time.split(":");
    const hour = cell.dataset.hour !== undefined ? String(cell.dataset.hour).padStart(2, "0") : hours;
    return `${cell.dataset.date}T${hour}:${minutes}`;
  }

  async function move(item, cell) {
    if (item.parentElement === cell) return;
    const body = new URLSearchParams({ publication: item.dataset.publication, due_at: dueFor(item, cell) });
    item.classList.add("moving");
    let answer;
    try {
      const response = await fetch(table.dataset.moveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
      answer = await response.json().catch(() => ({ ok: false, error: gettext("The server did not answer.") }));
    } catch (e) {
      answer = { ok: false, error: gettext("The server could not be reached; nothing was moved.") };
    } finally {
      item.classList.remove("moving");
    }
    if (!answer.ok) {
      refuse(interpolate(gettext("Not moved: %(reason)s"), { reason: answer.error }, true));
      item.classList.add("refused");
      setTimeout(() => item.classList.remove("refused"), 2000);
      return;
    }
    item.dataset.time = answer.time;
    const time = item.querySelector("time");
    if (time) time.textContent = answer.time;
    cell.appendChild(item);
    say(answer.message);
  }

  // --- drag and drop ---
  table.addEventListener("dragstart", (event) => {
    const item = event.target.closest?.(".cal-item.movable");
    if (!item) return;
    event.dataTransfer.setData("text/plain", item.dataset.publication);
    event.dataTransfer.effectAllowed = "move";
    item.classList.add("dragging");
  });
  table.addEventListener("dragend", (event) => {
    event.target.closest?.(".cal-item")?.classList.remove("dragging");
    table.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
  });
  table.addEventListener("dragover", (event) => {
    const cell = event.target.closest?.("td.cal-cell");
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    table.querySelectorAll(".drop-target").forEach((c) => c !== cell && c.classList.remove("drop-target"));
    cell.classList.add("drop-target");
  });
  table.addEventListener("drop", (event) => {
    const cell = event.target.closest?.("td.cal-cell");
    if (!cell) return;
    event.preventDefault();
    cell.classList.remove("drop-target");
    const id = event.dataTransfer.getData("text/plain");
    const item = table.querySelector(`.cal-item[data-publication="${CSS.escape(id)}"]`);
    if (item) move(item, cell);
  });

  // --- keyboard ---
  function target(index) {
    const all = cells();
    all.forEach((c) => c.classList.remove("drop-target"));
    picked.index = Math.max(0, Math.min(all.length - 1, index));
    const cell = all[picked.index];
    cell.classList.add("drop-target");
    say(interpolate(gettext("Move to %(slot)s? Enter to confirm, Escape to cancel."), { slot: cell.dataset.label }, true));
  }

  function release() {
    if (!picked) return;
    picked.item.classList.remove("picked");
    picked.item.querySelector(".cal-move")?.setAttribute("aria-pressed", "false");
    table.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
    picked = null;
  }

  table.addEventListener("keydown", (event) => {
    const button = event.target.closest?.(".cal-move");
    if (!button) return;
    const item = button.closest(".cal-item");
    const key = event.key;
    if (!picked || picked.item !== item) {
      if (key === "Enter" || key === " ") {
        event.preventDefault();
        release();
        picked = { item, index: cells().indexOf(item.closest("td")) };
        item.classList.add("picked");
        button.setAttribute("aria-pressed", "true");
        target(picked.index);
      }
      return;
    }
    const row = 7;
    const column = picked.index % row;
    const steps = {
      ArrowLeft: view === "week" && column === 0 ? 0 : -1,
      ArrowRight: view === "week" && column === row - 1 ? 0 : 1,
      ArrowUp: -row,
      ArrowDown: row,
    };
    if (key in steps) {
      event.preventDefault();
      target(picked.index + steps[key]);
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      const cell = cells()[picked.index];
      release();
      move(item, cell).then(() => item.querySelector(".cal-move")?.focus());
    } else if (key === "Escape") {
      event.preventDefault();
      release();
      say(gettext("Not moved."));
    }
  });
}
