// Publish panel: previews every chosen channel's version in place (the form works without this script).
const panel = document.getElementById("publish-panel");
if (panel) {
  const form = panel.querySelector("form.publish-form");
  const previews = panel.querySelector(".previews");
  let timer = null;

  async function refresh() {
    const data = new FormData(form);
    const chosen = data.getAll("channels");
    if (!chosen.length) {
      previews.innerHTML = "";
      return;
    }
    const params = new URLSearchParams({ fragment: "1", when: data.get("when") || "now", due_at: data.get("due_at") || "" });
    chosen.forEach((id) => params.append("channels", id));
    const response = await fetch(`${panel.dataset.panelUrl}?${params}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = html.querySelector(".previews");
    if (fresh) previews.innerHTML = fresh.innerHTML;
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "channels") {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    }
    if (event.target.name === "due_at" && event.target.value) {
      form.querySelector('input[name="when"][value="later"]').checked = true;
    }
    if (event.target.name === "due_at" || event.target.name === "when") {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    }
  });
  // "use" next to a channel's best time: schedule for its next occurrence (and refresh the forecast).
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-use-time]");
    if (!button) return;
    event.preventDefault();
    form.querySelector('input[name="due_at"]').value = button.dataset.useTime;
    form.querySelector('input[name="when"][value="later"]').checked = true;
    refresh();
  });
  form.querySelector('button[value="preview"]')?.addEventListener("click", (event) => {
    event.preventDefault();
    refresh();
  });
}
