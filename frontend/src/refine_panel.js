// The post editor's "Ask the AI" panel: a conversation with the AI about the draft. Each request (typed,
// a quick button, or dictated) becomes a refinement job; its answer arrives as suggestions on the post,
// shown here as before/after with Accept and Reject for each. Accepting goes through the server (a new
// revision), and the editor picks the new text up from the post's live events. Dictation records with
// MediaRecorder and inserts the transcribed words at the cursor.
import { el, gettext, request, sleep } from "./lib/studio_api.js";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const root = document.getElementById("refine-panel");

function page() {
  return window.postPage || null;
}

async function saveIfDirty() {
  const p = page();
  if (p && p.isDirty && p.isDirty()) return await p.save();
  return true;
}

if (root) {
  const postId = Number(root.dataset.post);
  const turnsEl = document.getElementById("refine-turns");
  const form = document.getElementById("refine-form");
  const input = document.getElementById("refine-instruction");
  const errorEl = document.getElementById("refine-error");
  const sendButton = document.getElementById("refine-send");
  let busy = false; // eslint-disable-line no-unused-vars

  const showError = (message) => { errorEl.textContent = message || ""; };

  async function decide(turn, suggestion, verdict) {
    showError("");
    if (verdict === "accept" && !(await saveIfDirty())) return;
    try {
      await request(`/api/v1/generations/${turn.job}/${verdict}/`, { method: "POST", body: { suggestion: suggestion.id } });
    } catch (error) {
      showError(error.message);
    }
    await refresh();
    const p = page();
    if (p && p.refreshSidebar) p.refreshSidebar().catch(() => {});
  }

  function renderChange(turn, suggestion) {
    const pending = suggestion.state === "pending" && turn.decision === "pending";
    return el("li", { class: "refine-change", "data-suggestion": suggestion.id, "data-state": suggestion.state },
      el("div", {}, el("del", {}, suggestion.quote), " → ", el("ins", {}, suggestion.replacement || gettext("(removed)"))),
      pending
        ? el("div", { class: "toolbar" },
            el("button", { type: "button", class: "small", "data-refine-accept": suggestion.id, onclick: () => decide(turn, suggestion, "accept") }, gettext("Accept")),
            el("button", { type: "button", class: "secondary small", "data-refine-reject": suggestion.id, onclick: () => decide(turn, suggestion, "reject") }, gettext("Reject")))
        : el("span", { class: "badge state" }, suggestion.state === "accepted" ? gettext("Accepted") : suggestion.state === "rejected" ? gettext("Rejected") : suggestion.state));
  }

  function renderTurn(turn) {
    const failed = turn.status === "failed" || turn.status === "cancelled";
    return el("li", { class: "refine-turn", "data-job": turn.job, "data-status": turn.status },
      el("div", { class: "ask" }, turn.request),
      el("p", { class: `answer${failed ? " failed" : ""}`, role: failed ? "alert" : null }, turn.answer),
      turn.suggestions.length ? el("ul", { class: "refine-changes" }, ...turn.suggestions.map((s) => renderChange(turn, s))) : null);
  }

  async function refresh() {
    const turns = await request(`/api/v1/refinements/?post=${postId}`);
    turnsEl.replaceChildren(...(turns.length ? turns.map(renderTurn) : [el("li", { class: "muted", "data-refine-empty": true }, gettext("No requests yet."))]));
    turnsEl.scrollTop = turnsEl.scrollHeight;
    return turns;
  }

  async function waitFor(jobId) {
    for (let delay = 400; ; delay = Math.min(delay * 1.4, 2500)) {
      await sleep(delay);
      try {
        const job = await request(`/api/v1/generations/${jobId}/`);
        if (FINISHED.has(job.status)) return job;
      } catch (error) {
        if (error.status === 404) return null;
      }
    }
  }

  // Requests made while one is being answered wait their turn (the next one sees the previous answer).
  let queue = Promise.resolve();
  function ask(instruction) {
    instruction = (instruction || "").trim();
    if (!instruction) return queue;
    if (input.value.trim() === instruction) input.value = "";
    queue = queue.then(() => run(instruction));
    return queue;
  }

  async function run(instruction) {
    showError("");
    if (!(await saveIfDirty())) { showError(gettext("Save the text first: the AI works on the saved version.")); return; }
    busy = true;
    sendButton.setAttribute("aria-busy", "true");
    try {
      const job = await request("/api/v1/refinements/", { method: "POST", body: { post: postId, instruction } });
      await refresh();
      await waitFor(job.id);
      await refresh();
      const p = page();
      if (p && p.refreshSidebar) p.refreshSidebar().catch(() => {});
    } catch (error) {
      showError(error.message);
      if (!input.value) input.value = instruction;
    } finally {
      busy = false;
      sendButton.setAttribute("aria-busy", "false");
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); ask(input.value); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); ask(input.value); }
  });
  for (const button of root.querySelectorAll("[data-instruction]")) {
    button.addEventListener("click", () => ask(button.dataset.instruction));
  }
  refresh().catch((error) => showError(error.message));
  setupDictation({ root, postId, showError });
  setupImages({ postId });
}

// Dictation: record while the button is pressed on, send the recording for transcription, insert the
// words at the editor's cursor (the last selection, if the button took the focus).
function setupDictation({ root, postId, showError }) {
  const button = document.getElementById("dictate-button");
  const help = document.getElementById("dictate-help");
  if (!button) return;
  const available = root.dataset.canDictate === "true";
  const supported = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  if (!available || !supported) {
    button.addEventListener("click", () => {
      help.textContent = !available ? help.textContent : gettext("This browser cannot record audio (MediaRecorder).");
      help.classList.add("error-text");
      help.focus && help.focus();
    });
    return;
  }
  let recorder = null;
  let chunks = [];
  let cursor = null;

  const rememberCursor = () => {
    const p = page();
    if (p && p.editor) cursor = p.editor.state.selection.to;
  };
  document.addEventListener("selectionchange", () => {
    const p = page();
    if (p && p.editor && p.editor.isFocused) rememberCursor();
  });

  async function insert(text) {
    const p = page();
    if (!p || !p.editor || !text) return;
    const editor = p.editor;
    const at = cursor === null ? editor.state.selection.to : Math.min(cursor, editor.state.doc.content.size - 1);
    const before = at > 1 ? editor.state.doc.textBetween(at - 1, at) : "";
    const spaced = (before && !/\s/.test(before) ? " " : "") + text;
    editor.chain().focus().insertContentAt(at, spaced).run();
    cursor = at + spaced.length;
  }

  async function stopAndSend(stream) {
    stream.getTracks().forEach((track) => track.stop());
    const type = (recorder && recorder.mimeType) || "audio/webm";
    const blob = new Blob(chunks, { type });
    chunks = [];
    const formData = new FormData();
    formData.append("post", String(postId));
    formData.append("audio", blob, type.includes("ogg") ? "dictation.ogg" : "dictation.webm");
    help.textContent = gettext("Transcribing…");
    try {
      const result = await request("/api/v1/transcriptions/", { method: "POST", form: formData });
      await insert(result.text);
      help.textContent = result.text ? gettext("Inserted at the cursor.") : gettext("No words were recognised.");
    } catch (error) {
      help.textContent = "";
      showError(error.message);
    }
  }

  button.addEventListener("mousedown", rememberCursor);
  button.addEventListener("click", async () => {
    showError("");
    if (recorder && recorder.state === "recording") {
      recorder.stop();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      showError(gettext("The microphone is not available: allow it in the browser to dictate."));
      return;
    }
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => { if (event.data && event.data.size) chunks.push(event.data); });
    recorder.addEventListener("stop", () => {
      button.setAttribute("aria-pressed", "false");
      button.textContent = gettext("Dictate");
      stopAndSend(stream);
    });
    recorder.start();
    button.setAttribute("aria-pressed", "true");
    button.textContent = gettext("Stop and insert");
    help.textContent = gettext("Recording… press again to stop.");
  });
}

// Images: ask the provider (or the offline title cards) for an image, show the sizes made, and offer the
// article-size one as the featured image (chosen in the post's details, saved with the post).
function setupImages({ postId }) {
  const button = document.getElementById("image-button");
  if (!button) return;
  const promptInput = document.getElementById("image-prompt");
  const status = document.getElementById("image-status");
  const results = document.getElementById("image-results");
  button.addEventListener("click", async () => {
    button.setAttribute("aria-busy", "true");
    status.textContent = gettext("Making the image…");
    try {
      const images = await request("/api/v1/post-images/", { method: "POST", body: { post: postId, prompt: promptInput.value } });
      status.textContent = gettext("Added to the post's media.");
      results.replaceChildren(...images.map((image, n) => el("figure", { "data-image": image.id },
        el("img", { src: image.url, alt: image.alt_text, width: 160, loading: "lazy" }),
        el("figcaption", { class: "small" }, `${image.width}×${image.height}`,
          n === 0 ? el("button", { type: "button", class: "secondary small", onclick: () => useAsFeatured(image) }, gettext("Use as featured image")) : null))));
    } catch (error) {
      status.textContent = error.message;
    } finally {
      button.setAttribute("aria-busy", "false");
    }
  });
}

function useAsFeatured(image) {
  const select = document.getElementById("post-media");
  if (!select) return;
  if (!select.querySelector(`option[value="${image.id}"]`)) {
    select.append(el("option", { value: image.id }, image.alt_text || `${image.width}×${image.height}`));
  }
  select.value = String(image.id);
  select.dispatchEvent(new Event("change", { bubbles: true }));
  const status = document.getElementById("image-status");
  if (status) status.textContent = gettext("Chosen as the featured image: save the post to keep it.");
}
