// The editor's insert dialogs: an image (uploaded, or one of the post's media) that always has its
// description (alt text), editing the description of the selected image, and a quote card of one of
// the workspace's source items. The server checks the upload (kind, size, that it is an image) and
// who may do it; these dialogs only refuse early and say why.
import { el } from "./dom.js";

const gettext = window.gettext || ((text) => text);
const ALT_REQUIRED = () => gettext("Describe the image first: its alt text is what people who cannot see it hear instead.");

function dialog(id, title, ...body) {
  const error = el("p", { class: "dialog-error", role: "alert" });
  const form = el("form", { method: "dialog" }, el("h2", { id: `${id}-title` }, title), ...body, error);
  const node = el("dialog", { id, class: "insert-dialog", "aria-labelledby": `${id}-title` }, form);
  document.body.append(node);
  return { node, form, error, say: (text) => { error.textContent = text || ""; } };
}

function buttons(onCancel, label) {
  return el("div", { class: "dialog-actions" },
    el("button", { type: "submit", value: "ok" }, label),
    el("button", { type: "button", class: "secondary", onclick: onCancel }, gettext("Cancel")));
}

async function upload(url, file, alt, csrfToken) {
  const body = new FormData();
  body.append("file", file);
  body.append("alt_text", alt);
  const response = await fetch(url, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json", "X-CSRFToken": csrfToken() }, body });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const details = data && data.error && data.error.details;
    const first = details && Object.values(details).flat()[0];
    throw new Error(first || (data && data.error && data.error.message) || response.statusText);
  }
  return data;
}

// The image dialog: choose a file or one of the post's images, describe it, insert it.
function imageDialog({ editor, config, api, csrfToken }) {
  const file = el("input", { type: "file", id: "image-file", accept: "image/jpeg,image/png,image/gif,image/webp" });
  const gallery = el("div", { class: "image-gallery", role: "radiogroup", "aria-label": gettext("The post's images") });
  const alt = el("textarea", { id: "image-alt", rows: 2, maxlength: 500, "aria-required": "true" });
  let picked = null;
  const ui = dialog("image-dialog", gettext("Insert an image"),
    el("label", { for: "image-file" }, gettext("Upload an image (JPEG, PNG, GIF or WebP)")), file,
    el("p", { class: "muted small" }, gettext("…or pick one of the post's images:")), gallery,
    el("label", { for: "image-alt" }, gettext("Alt text (required): what the image shows")), alt,
    buttons(() => ui.node.close(), gettext("Insert image")));
  file.addEventListener("change", () => { picked = null; gallery.querySelectorAll("[aria-checked]").forEach((b) => b.setAttribute("aria-checked", "false")); });
  async function loadGallery() {
    gallery.replaceChildren(el("span", { class: "muted small" }, gettext("Loading…")));
    const images = await api(config.imagesUrl).catch(() => []);
    gallery.replaceChildren();
    if (!images.length) gallery.append(el("span", { class: "muted small" }, gettext("This post has no images yet.")));
    for (const image of images) {
      const choice = el("button", { type: "button", class: "image-choice", role: "radio", "aria-checked": "false", title: image.alt_text, "data-src": image.src,
        onclick: () => {
          picked = image;
          file.value = "";
          gallery.querySelectorAll("[aria-checked]").forEach((b) => b.setAttribute("aria-checked", String(b === choice)));
          if (!alt.value.trim()) alt.value = image.alt_text;
        } }, el("img", { src: image.src, alt: image.alt_text }));
      gallery.append(choice);
    }
  }
  ui.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    ui.say("");
    const description = alt.value.trim();
    if (!description) { ui.say(ALT_REQUIRED()); alt.focus(); return; }
    let src = picked && picked.src;
    if (file.files && file.files[0]) {
      try {
        ui.say(gettext("Uploading…"));
        src = (await upload(config.imagesUrl, file.files[0], description, csrfToken)).src;
        ui.say("");
      } catch (error) {
        ui.say(`${gettext("Not uploaded")}: ${error.message}`);
        return;
      }
    }
    if (!src) { ui.say(gettext("Choose an image to upload or one of the post's images.")); return; }
    editor.chain().focus().setImage({ src, alt: description }).run();
    ui.node.close();
  });
  return () => {
    picked = null; file.value = ""; alt.value = ""; ui.say("");
    ui.node.showModal();
    loadGallery();
  };
}

// The description of the selected image (an image is selected by clicking it).
function altDialog({ editor }) {
  const alt = el("textarea", { id: "image-alt-edit", rows: 2, maxlength: 500, "aria-required": "true" });
  const ui = dialog("image-alt-dialog", gettext("Alt text of the image"),
    el("label", { for: "image-alt-edit" }, gettext("What the image shows")), alt,
    buttons(() => ui.node.close(), gettext("Save alt text")));
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const description = alt.value.trim();
    if (!description) { ui.say(ALT_REQUIRED()); alt.focus(); return; }
    editor.chain().focus().updateAttributes("image", { alt: description }).run();
    ui.node.close();
  });
  return () => {
    const { node } = editor.state.selection;
    if (!node || node.type.name !== "image") {
      window.alert(gettext("Click an image in the text first, then change its alt text."));
      return;
    }
    alt.value = node.attrs.alt || "";
    ui.say("");
    ui.node.showModal();
  };
}

// A quote card of a source item: search the workspace's items, pick one.
function sourceDialog({ editor, config, api }) {
  const query = el("input", { type: "search", id: "source-search", placeholder: gettext("Words in the title or text") });
  const results = el("ul", { class: "source-results", "aria-live": "polite" });
  const ui = dialog("source-dialog", gettext("Quote a source item"),
    el("label", { for: "source-search" }, gettext("Find an item")), query, results,
    el("div", { class: "dialog-actions" }, el("button", { type: "button", class: "secondary", onclick: () => ui.node.close() }, gettext("Cancel"))));
  let timer = null;
  async function search() {
    ui.say("");
    try {
      const items = await api(`${config.sourceItemsUrl}?q=${encodeURIComponent(query.value.trim())}`);
      results.replaceChildren();
      if (!items.length) results.append(el("li", { class: "muted small" }, gettext("No items match.")));
      for (const item of items) {
        results.append(el("li", {}, el("button", { type: "button", class: "source-choice", "data-item-id": item.itemId,
          onclick: () => {
            const { published_at: _when, ...attrs } = item;
            editor.chain().focus().insertSourceQuote(attrs).run();
            ui.node.close();
          } }, el("strong", {}, item.title), el("span", { class: "muted small" }, ` · ${item.source}`), el("br"), el("span", { class: "small" }, item.excerpt))));
      }
    } catch (error) {
      ui.say(error.message);
    }
  }
  query.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  ui.form.addEventListener("submit", (event) => { event.preventDefault(); search(); });
  return () => { ui.say(""); ui.node.showModal(); query.focus(); search(); };
}

export function insertTools(deps) {
  return { image: imageDialog(deps), imageAlt: altDialog(deps), sourceQuote: sourceDialog(deps) };
}
