// Behaviour shared by every page of the editorial app (no inline handlers: the Content-Security-Policy
// forbids them):
// - <select data-autosubmit> submits its form on change; <form data-confirm="question"> asks first;
// - the phone menu button opens and closes the sidebar;
// - an active link in any navigation gets aria-current="page";
// - <input maxlength> / <textarea maxlength> with data-counter shows "used / limit" as you type;
// - <select data-picker> becomes a searchable picker (type to filter, arrows and Enter to choose).
(() => {
  const t = (text) => (window.gettext ? window.gettext(text) : text);
  const interpolate = (fmt, obj) => (window.interpolate ? window.interpolate(fmt, obj, true) : fmt.replace(/%\((\w+)\)s/g, (_m, k) => obj[k]));

  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field instanceof HTMLElement && field.matches("[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  function menuToggle() {
    const button = document.querySelector(".nav-toggle-button");
    if (!button) return;
    button.addEventListener("click", () => {
      const open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", String(open));
      if (open) document.querySelector("#sidebar a")?.focus();
    });
  }

  function markCurrent() {
    for (const link of document.querySelectorAll("nav a.active:not([aria-current])")) link.setAttribute("aria-current", "page");
  }

  function counters() {
    for (const field of document.querySelectorAll("[data-counter][maxlength]")) {
      const limit = Number(field.getAttribute("maxlength"));
      const out = document.createElement("div");
      out.className = "char-count";
      out.id = `${field.id || field.name}-count`;
      out.setAttribute("aria-live", "polite");
      field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), out.id].filter(Boolean).join(" "));
      field.insertAdjacentElement("afterend", out);
      const update = () => {
        const used = field.value.length; // UTF-16 units, as maxlength counts
        out.textContent = interpolate(t("%(used)s / %(limit)s characters"), { used, limit });
        out.classList.toggle("near", used >= limit * 0.9 && used < limit);
        out.classList.toggle("full", used >= limit);
      };
      field.addEventListener("input", update);
      update();
    }
  }

  function picker(select) {
    const options = [...select.options];
    const wrap = document.createElement("div");
    wrap.className = "picker";
    const input = document.createElement("input");
    input.type = "search";
    input.className = "picker-input";
    input.id = `${select.id}-search`;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.autocomplete = "off";
    input.placeholder = select.dataset.picker || t("Type to search");
    const list = document.createElement("ul");
    list.className = "picker-list";
    list.id = `${select.id}-options`;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (label) { label.htmlFor = input.id; list.setAttribute("aria-label", label.textContent.trim()); }
    const chosen = select.selectedOptions[0];
    input.value = chosen && chosen.value ? chosen.textContent.trim() : "";
    let shown = [];
    let active = -1;
    const render = () => {
      const query = input.value.trim().toLocaleLowerCase();
      shown = options.filter((o) => !query || o.textContent.toLocaleLowerCase().includes(query)).slice(0, 100);
      list.replaceChildren(...shown.map((o, i) => Object.assign(document.createElement("li"), {
        id: `${list.id}-${i}`, textContent: o.textContent.trim(), role: "option",
      })));
      if (!shown.length) list.append(Object.assign(document.createElement("li"), { className: "picker-empty", textContent: t("No match") }));
      active = -1;
    };
    const open = (yes) => { list.hidden = !yes; input.setAttribute("aria-expanded", String(yes)); };
    const choose = (option) => {
      select.value = option.value;
      input.value = option.value ? option.textContent.trim() : "";
      open(false);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };
    const highlight = (i) => {
      active = Math.max(0, Math.min(i, shown.length - 1));
      [...list.children].forEach((li, n) => li.setAttribute("aria-selected", String(n === active)));
      input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
      list.children[active]?.scrollIntoView({ block: "nearest" });
    };
    input.addEventListener("input", () => { render(); open(true); });
    input.addEventListener("focus", () => { render(); open(true); });
    input.addEventListener("blur", () => setTimeout(() => open(false), 150));
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); open(true); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden && shown[active]) { event.preventDefault(); choose(shown[active]); }
      else if (event.key === "Escape") open(false);
    });
    list.addEventListener("mousedown", (event) => {
      const index = [...list.children].indexOf(event.target.closest("li"));
      if (shown[index]) { event.preventDefault(); choose(shown[index]); }
    });
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.insertAdjacentElement("beforebegin", wrap);
    wrap.append(input, list, select);
  }

  const ready = () => {
    menuToggle();
    markCurrent();
    counters();
    document.querySelectorAll("select[data-picker]").forEach(picker);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
