// The post page: the Tiptap editor saving through the API (with version-conflict handling), the comments
// and suggestions sidebar, and the workflow buttons. createPostEditor() is exported so the live-editing
// module can build the same editor with extra extensions (e.g. Collaboration) and no initial content.
import { Editor, Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { subscribe } from "./app.js";
import { documentText, locateAnchor, rangeToOffsets, textSlice } from "./lib/document.js";
import { el } from "./lib/dom.js";
import { insertTools } from "./lib/insert_tools.js";
import { bodyExtensions } from "./lib/schema.js";

export { documentText, locateAnchor };

const CONTEXT = 32;

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

export async function api(url, { method = "GET", body } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch (e) { data = null; }
  }
  if (!response.ok) {
    const message = (data && data.error && data.error.message) || response.statusText;
    const error = new Error(message);
    error.status = response.status;
    error.data = data;
    throw error;
  }
  return data;
}

// The selection as an anchor the API understands: the quote, context around it and the text offsets
// (code points, as the server counts them).
export function selectionAnchor(editor) {
  const { from, to, empty } = editor.state.selection;
  if (empty) return null;
  const map = documentText(editor.state.doc);
  const range = rangeToOffsets(map, from, to);
  if (!range) return null;
  const { start, end } = range;
  const quote = textSlice(map, start, end);
  if (!quote.trim()) return null;
  return {
    quote,
    start,
    end,
    prefix: textSlice(map, Math.max(0, start - CONTEXT), start),
    suffix: textSlice(map, end, end + CONTEXT),
  };
}

const highlightKey = new PluginKey("postAnchors");

// Where an anchor is in the document now. On a live document the anchor rides on the shared text
// (Yjs relative positions, resolved by storage.resolve) and so follows the very characters it was
// put on; otherwise, or when those characters are gone, it is found again by its quote.
function anchorRange(doc, storage, anchor) {
  if (anchor.relative && storage.resolve) {
    try {
      const range = storage.resolve(anchor.relative);
      if (range && range.from < range.to && range.to <= doc.content.size) return range;
    } catch (error) {
      console.warn(error);
    }
  }
  return locateAnchor(doc, anchor);
}

// Highlights the ranges open comment threads and suggestions are attached to. The set is rebuilt
// when the anchors change or a change arrives from the live document (storage.isRemote), and mapped
// through the editor's own edits in between.
export const AnchorHighlights = Extension.create({
  name: "anchorHighlights",
  addStorage() { return { anchors: [], resolve: null, capture: null, isRemote: null }; },
  addProseMirrorPlugins() {
    const storage = this.storage;
    const build = (doc) => {
      const decorations = [];
      for (const anchor of storage.anchors) {
        const range = anchorRange(doc, storage, anchor);
        if (range && range.to > range.from) {
          decorations.push(Decoration.inline(range.from, range.to, { class: `anchor-highlight ${anchor.kind}`, "data-anchor-id": String(anchor.id) }));
        }
      }
      return DecorationSet.create(doc, decorations);
    };
    return [
      new Plugin({
        key: highlightKey,
        state: {
          init: (_config, state) => build(state.doc),
          apply(tr, set, _old, state) {
            if (tr.getMeta(highlightKey) || (storage.isRemote && storage.isRemote(tr))) return build(state.doc);
            return tr.docChanged ? set.map(tr.mapping, tr.doc) : set;
          },
        },
        props: {
          decorations(state) { return highlightKey.getState(state); },
        },
      }),
    ];
  },
});

// Build the editor. options: element, content (a document, or null to start empty, e.g. when a
// collaboration provider fills it), editable, extensions (added after StarterKit), starterKit (its
// configuration, e.g. { undoRedo: false } with Collaboration), onUpdate, onSelectionUpdate.
export function createPostEditor({
  element,
  content = null,
  editable = true,
  extensions = [],
  starterKit = {},
  onUpdate,
  onSelectionUpdate,
} = {}) {
  return new Editor({
    element,
    editable,
    extensions: [...bodyExtensions(starterKit), AnchorHighlights, ...extensions],
    ...(content ? { content } : {}),
    editorProps: { attributes: { class: "editor-surface", "aria-label": gettext("Post text"), role: "textbox", "aria-multiline": "true" } },
    onUpdate,
    onSelectionUpdate,
  });
}

const gettext = window.gettext || ((text) => text);

// Wire the whole post page. Returns { editor, save, refreshSidebar } for extensions of the page.
// liveEvents: listen for other people's saves, transitions, comments and suggestions on this post.
// live: the text is a shared live document saved as it is typed (collab.js); text edits then do not
// make the page "unsaved", the status shows the live state (page.setLiveStatus) and Save records a
// named version of the live text (the server takes it from the live document). Title and details
// are not live: changing them still needs Save. Others' saves then never reload the text.
export function initPostPage({ editor: givenEditor = null, extensions = [], starterKit = {}, content, liveEvents = true, live = false } = {}) {
  const config = JSON.parse(document.getElementById("post-editor-config").textContent);
  const initial = JSON.parse(document.getElementById("post-body-json").textContent);
  const mount = document.getElementById("editor");
  const titleInput = document.getElementById("post-title");
  const status = document.getElementById("save-status");
  const saveButton = document.getElementById("save-button");
  const reasonInput = document.getElementById("save-reason");
  const banner = document.getElementById("conflict-banner");
  let version = config.version;
  let dirty = false;
  let saving = false;

  const setStatus = (text) => { if (status) status.textContent = text; };
  const value = (id) => { const node = document.getElementById(id); return node ? node.value : undefined; };
  const idOrNull = (id) => { const v = value(id); return v ? Number(v) : null; };
  // The post's details (excerpt, tags, persona, ...) are saved with the text.
  function detailValues() {
    if (!document.getElementById("post-details")) return {};
    const due = value("post-due");
    return {
      excerpt: value("post-excerpt"),
      tags: (value("post-tags") || "").split(",").map((t) => t.trim()).filter(Boolean),
      language: value("post-language"),
      persona: idOrNull("post-persona"),
      trend: idOrNull("post-trend"),
      assignee: idOrNull("post-assignee"),
      featured_media: idOrNull("post-media"),
      due_at: due ? new Date(due).toISOString() : null,
    };
  }
  const markDirty = () => { if (!dirty) { dirty = true; setStatus(gettext("Unsaved changes")); } };
  let liveStatus = "";
  const setLiveStatus = (text) => { liveStatus = text; if (!dirty && !saving) setStatus(text); };
  if (live && saveButton) {
    saveButton.textContent = gettext("Save version");
    saveButton.title = gettext("The text is saved as you type; this records a named version (and saves the title and details).");
  }

  mount.innerHTML = "";
  const editor = givenEditor || createPostEditor({
    element: mount,
    content: content === undefined ? (initial && initial.type === "doc" ? initial : null) : content,
    editable: config.editable,
    extensions,
    starterKit,
    onUpdate: ({ transaction }) => {
      if (!transaction.docChanged) return;
      if (!live) markDirty();
      else if (!dirty && !saving && liveStatus) setStatus(liveStatus);
    },
    onSelectionUpdate: () => updateSelectionHint(),
  });
  titleInput && titleInput.addEventListener("input", markDirty);

  // Word count and reading time (about 230 words a minute), words found by the browser's own word
  // segmenter in the post's language, so Chinese or Japanese text counts words, not spaces.
  const counter = document.getElementById("word-count");
  const segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter((document.getElementById("post-language") || {}).value || document.documentElement.lang || undefined, { granularity: "word" }) : null;
  const countWords = (text) => (segmenter
    ? [...segmenter.segment(text)].filter((part) => part.isWordLike).length
    : text.split(/\s+/).filter(Boolean).length);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
  function updateCount() {
    if (!counter) return;
    const words = countWords(editor.getText());
    const minutes = Math.max(1, Math.round(words / 230));
    counter.textContent = words
      ? `${fmt(ngettext("%(n)s word", "%(n)s words", words), { n: words })} · ${fmt(ngettext("about %(m)s minute to read", "about %(m)s minutes to read", minutes), { m: minutes })}`
      : gettext("No words yet");
  }
  editor.on("update", updateCount);
  updateCount();
  const details = document.getElementById("post-details");
  details && details.addEventListener("input", markDirty);
  details && details.addEventListener("change", markDirty);

  async function save({ force = false } = {}) {
    if (saving || !config.editable) return false;
    saving = true;
    setStatus(gettext("Saving…"));
    try {
      // Live text is saved by snapshots that move the version on: take the newest before saving.
      if (force || live) {
        const latest = await api(config.apiUrl);
        version = latest.version;
      }
      const body = { version, title: titleInput.value, reason: reasonInput ? reasonInput.value : "", ...detailValues() };
      if (!live) body.body_json = editor.getJSON();
      const data = await api(config.apiUrl, { method: "PATCH", body });
      version = data.version;
      dirty = false;
      if (reasonInput) reasonInput.value = "";
      if (banner) banner.hidden = true;
      const heading = document.getElementById("post-title-heading");
      if (heading) heading.textContent = data.title;
      setStatus(`${gettext("Saved")} · ${gettext("version")} ${version}`);
      refreshSidebar();
      return true;
    } catch (error) {
      if (error.status === 409 && banner) {
        banner.hidden = false;
        setStatus(gettext("Not saved: version conflict"));
      } else {
        setStatus(`${gettext("Not saved")}: ${error.message}`);
      }
      return false;
    } finally {
      saving = false;
    }
  }

  if (banner) {
    banner.addEventListener("click", async (event) => {
      const choice = event.target.dataset.conflict;
      if (choice === "reload") {
        dirty = false;
        window.location.reload();
      } else if (choice === "overwrite") {
        await save({ force: true });
      }
    });
  }
  saveButton && saveButton.addEventListener("click", () => save());
  // Keyboard shortcuts (listed on /app/shortcuts/): Ctrl+S saves, Ctrl+Enter submits for review (or
  // posts the comment being written), Ctrl+Alt+M starts a comment on the selection; Ctrl+B / Ctrl+I
  // are the editor's own bold and italic.
  document.addEventListener("keydown", (event) => {
    const mod = event.ctrlKey || event.metaKey;
    if (!mod) return;
    const key = event.key.toLowerCase();
    if (key === "s" && !event.altKey) { event.preventDefault(); save(); return; }
    if (key === "enter") {
      const inComment = document.activeElement && document.activeElement.id === "comment-body";
      const target = inComment ? document.getElementById("comment-button") : document.querySelector('.workflow-form[data-action="submit"] button');
      if (target) { event.preventDefault(); target.click(); }
      return;
    }
    if (event.altKey && (key === "m" || event.code === "KeyM")) {
      const box = document.getElementById("comment-body");
      if (box) { event.preventDefault(); updateSelectionHint(); box.focus(); }
    }
  });
  window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });

  // Formatting toolbar. Images, tables and source quotes: see lib/insert_tools.js.
  const toolbar = document.getElementById("editor-toolbar");
  const dialogs = toolbar && config.editable ? insertTools({ editor, config, api, csrfToken }) : {};
  const commands = {
    table: (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
    rowAfter: (c) => c.addRowAfter(), columnAfter: (c) => c.addColumnAfter(),
    rowDelete: (c) => c.deleteRow(), columnDelete: (c) => c.deleteColumn(), tableDelete: (c) => c.deleteTable(),
    bold: (c) => c.toggleBold(), italic: (c) => c.toggleItalic(), strike: (c) => c.toggleStrike(),
    h2: (c) => c.toggleHeading({ level: 2 }), h3: (c) => c.toggleHeading({ level: 3 }),
    bullet: (c) => c.toggleBulletList(), ordered: (c) => c.toggleOrderedList(), quote: (c) => c.toggleBlockquote(),
    code: (c) => c.toggleCodeBlock(), undo: (c) => c.undo(), redo: (c) => c.redo(),
    link: (c) => {
      const href = window.prompt(gettext("Link address (empty to remove)"), editor.getAttributes("link").href || "https://");
      return href ? c.extendMarkRange("link").setLink({ href }) : c.extendMarkRange("link").unsetLink();
    },
  };
  toolbar && toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-cmd]");
    if (!button) return;
    if (dialogs[button.dataset.cmd]) { dialogs[button.dataset.cmd](); return; }
    const command = commands[button.dataset.cmd];
    if (command) command(editor.chain().focus()).run();
  });

  // Workflow buttons: save pending changes first, then move the post and reload the page.
  for (const form of document.querySelectorAll(".workflow-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (dirty && !(await save())) return;
      const when = form.querySelector("input[type=datetime-local][name=publish_at]");
      if (when && when.value) {
        // The browser's time zone, not the server's: send the moment as ISO 8601 with its offset.
        when.removeAttribute("name");
        form.append(Object.assign(document.createElement("input"), { type: "hidden", name: "publish_at", value: new Date(when.value).toISOString() }));
      }
      // The page's own form post: the server moves the post and says what happened (or why not) in a
      // message at the top of the reloaded page.
      dirty = false;
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  // Sidebar: comments and suggestions.
  const composeError = document.getElementById("compose-error");
  const hint = document.getElementById("selection-hint");
  const threadsList = document.getElementById("threads");
  const suggestionsList = document.getElementById("suggestions");
  let lastSelection = null;

  const anchors = editor.storage.anchorHighlights;
  // The selection as an anchor, with its place in the live document when there is one.
  function currentSelection() {
    const anchor = selectionAnchor(editor);
    if (anchor && anchors && anchors.capture) anchor.relative = anchors.capture();
    return anchor;
  }
  const anchorFields = (anchor) => ({
    quote: anchor.quote, prefix: anchor.prefix, suffix: anchor.suffix, start: anchor.start,
    ...(anchor.relative ? { relative: anchor.relative } : {}),
  });
  function updateSelectionHint() {
    const anchor = currentSelection();
    if (anchor) lastSelection = anchor;
    if (hint) hint.textContent = anchor ? `${gettext("Selected")}: “${anchor.quote.slice(0, 80)}”` : gettext("Select text in the editor to comment on it or suggest a change.");
  }

  const who = (user) => (user ? user.name : gettext("someone"));

  function selectAnchor(anchor) {
    const range = anchorRange(editor.state.doc, anchors || {}, anchor);
    if (range) editor.chain().focus().setTextSelection(range).scrollIntoView().run();
  }

  function renderThreads(threads) {
    threadsList.replaceChildren();
    if (!threads.length) threadsList.append(el("li", { class: "muted" }, gettext("No comments yet.")));
    for (const thread of threads) {
      const replyBox = el("textarea", { rows: 2, "aria-label": gettext("Reply"), placeholder: gettext("Reply…") });
      const actions = el("div", { class: "thread-actions" });
      if (config.canComment) {
        actions.append(
          el("button", { type: "button", class: "secondary small", onclick: async () => {
            if (!replyBox.value.trim()) return;
            await call(`${config.commentsUrl}${thread.id}/replies/`, "POST", { body: replyBox.value });
          } }, gettext("Reply")),
          el("button", { type: "button", class: "secondary small", onclick: () => call(`${config.commentsUrl}${thread.id}/${thread.resolved ? "reopen" : "resolve"}/`, "POST") },
            thread.resolved ? gettext("Reopen") : gettext("Resolve")),
        );
      }
      threadsList.append(
        el("li", { class: `thread${thread.resolved ? " resolved" : ""}`, "data-thread-id": thread.id },
          thread.anchor ? el("blockquote", { class: `anchor-quote${thread.anchor.lost ? " lost" : ""}`, onclick: () => selectAnchor(thread.anchor), title: thread.anchor.lost ? gettext("The commented text was removed") : gettext("Show in the text") }, thread.anchor.quote.slice(0, 160)) : null,
          el("div", { class: "comment" }, el("strong", {}, who(thread.author)), " ", thread.body),
          thread.replies.map((reply) => el("div", { class: "comment reply" }, el("strong", {}, who(reply.author)), " ", reply.body)),
          thread.resolved ? el("div", { class: "muted small" }, `${gettext("Resolved by")} ${who(thread.resolved_by)}`) : null,
          config.canComment && !thread.resolved ? replyBox : null,
          actions,
        ),
      );
    }
  }

  function renderSuggestions(suggestions) {
    suggestionsList.replaceChildren();
    const pending = suggestions.filter((s) => s.state === "pending");
    if (!pending.length) suggestionsList.append(el("li", { class: "muted" }, gettext("No open suggestions.")));
    for (const suggestion of pending) {
      suggestionsList.append(
        el("li", { class: "suggestion", "data-suggestion-id": suggestion.id },
          el("span", { class: "suggestion-change", onclick: () => suggestion.anchor && selectAnchor(suggestion.anchor) },
            el("del", {}, suggestion.anchor ? suggestion.anchor.quote : ""), " → ", el("ins", {}, suggestion.replacement)),
          el("div", { class: "muted small" }, who(suggestion.author), suggestion.note ? ` · ${suggestion.note}` : ""),
          config.canDecide ? el("div", { class: "thread-actions" },
            el("button", { type: "button", class: "small", onclick: () => decide(suggestion, "accept") }, gettext("Accept")),
            el("button", { type: "button", class: "secondary small", onclick: () => decide(suggestion, "reject") }, gettext("Reject")),
          ) : null,
        ),
      );
    }
  }

  async function refreshSidebar() {
    const [comments, suggestions] = await Promise.all([
      api(`${config.commentsUrl}?page_size=200`),
      api(`${config.suggestionsUrl}?state=pending&page_size=200`),
    ]);
    renderThreads(comments.results);
    renderSuggestions(suggestions.results);
    if (anchors) {
      anchors.anchors = [
        ...comments.results.filter((t) => t.anchor && !t.resolved).map((t) => ({ ...t.anchor, id: t.id, kind: "comment" })),
        ...suggestions.results.filter((s) => s.anchor).map((s) => ({ ...s.anchor, id: s.id, kind: "suggestion" })),
      ];
      editor.view.dispatch(editor.state.tr.setMeta(highlightKey, true));
    }
  }

  async function call(url, method, body) {
    if (composeError) composeError.textContent = "";
    try {
      await api(url, { method, body });
      await refreshSidebar();
      return true;
    } catch (error) {
      if (composeError) composeError.textContent = error.message;
      else window.alert(error.message);
      return false;
    }
  }

  async function decide(suggestion, verdict) {
    if (verdict === "accept" && dirty && !(await save())) return;
    if (await call(`${config.suggestionsUrl}${suggestion.id}/${verdict}/`, "POST", {})) {
      if (verdict === "accept" && !live) {
        // The server applied the replacement as a new revision: load it.
        const post = await api(config.apiUrl);
        version = post.version;
        editor.commands.setContent(post.body_json, { emitUpdate: false });
        dirty = false;
        setStatus(`${gettext("Saved")} · ${gettext("version")} ${version}`);
      }
    }
  }

  const commentButton = document.getElementById("comment-button");
  commentButton && commentButton.addEventListener("click", async () => {
    const textarea = document.getElementById("comment-body");
    if (!textarea.value.trim()) return;
    if (dirty && config.editable && !(await save())) return;
    const anchor = currentSelection() || lastSelection;
    const body = { body: textarea.value, ...(anchor ? anchorFields(anchor) : {}) };
    // Cleared at once (the next comment may be typed while this one is sent); given back on failure.
    textarea.value = "";
    if (await call(config.commentsUrl, "POST", body)) { lastSelection = null; updateSelectionHint(); } else if (!textarea.value) textarea.value = body.body;
  });
  const suggestButton = document.getElementById("suggest-button");
  suggestButton && suggestButton.addEventListener("click", async () => {
    const textarea = document.getElementById("suggestion-text");
    const anchor = currentSelection() || lastSelection;
    if (!anchor) { composeError.textContent = gettext("Select the text you want to replace first."); return; }
    if (dirty && config.editable && !(await save())) return;
    const body = { replacement: textarea.value, ...anchorFields(anchor) };
    textarea.value = "";
    if (await call(config.suggestionsUrl, "POST", body)) lastSelection = null;
    else if (!textarea.value) textarea.value = body.replacement;
  });

  refreshSidebar().catch((error) => console.warn(error));

  let socket = null;
  if (liveEvents && window.WebSocket) {
    socket = subscribe(`/ws/posts/${config.postId}/`, (event) => {
      if (event.type === "post.comment" || event.type === "post.suggestion") {
        refreshSidebar().catch(() => {});
      } else if (event.type === "post.saved" && live) {
        version = Math.max(version, event.version);  // the live document already has the text
      } else if (event.type === "post.saved" && !saving && event.version > version) {
        if (dirty && banner) {
          banner.hidden = false;
        } else {
          api(config.apiUrl).then((post) => {
            version = post.version;
            editor.commands.setContent(post.body_json, { emitUpdate: false });
            titleInput.value = post.title;
            setStatus(`${gettext("Updated by someone else")} · ${gettext("version")} ${version}`);
          });
        }
      } else if (event.type === "post.transitioned") {
        const badge = document.getElementById("post-state");
        if (badge && badge.dataset.state !== event.state) {
          setStatus(gettext("The workflow state changed: reload the page to see the new actions."));
        }
      }
    });
  }
  const page = { editor, save, refreshSidebar, config, socket, isDirty: () => dirty, setLiveStatus };
  window.postPage = page;
  return page;
}

const root = document.getElementById("post-page");
if (root && root.dataset.autostart !== "false") {
  initPostPage();
}
