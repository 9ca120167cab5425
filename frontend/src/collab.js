// Live co-editing of a post: the post page's Tiptap editor bound to a shared Yjs document served by our
// room server (y-websocket protocol at /ws/posts/<id>/doc/), with coloured named carets and selections,
// a presence list and a connection-state indicator. The posts page loads this instead of starting its
// own editor (data-autostart="false").
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import { initPostPage, api } from "./post_editor.js";
import { socketUrl } from "./app.js";

const gettext = window.gettext || ((text) => text);

// Close codes the server uses when reconnecting would not help.
const FINAL_CLOSE = {
  4403: () => gettext("You no longer have access to this post."),
  4400: () => gettext("The connection sent something the server could not read; reload the page."),
  4413: () => gettext("This document has reached its size limit: remove something before adding more."),
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function buildBar(mount) {
  const status = el("span", { class: "collab-status", "data-state": "connecting", role: "status", "aria-live": "polite" }, gettext("Connecting…"));
  const presence = el("ul", { class: "collab-presence", "aria-label": gettext("People editing") });
  const notice = el("p", { class: "collab-notice", hidden: "" });
  const bar = el("div", { class: "collab-bar", id: "collab-bar" }, status, presence);
  mount.parentNode.insertBefore(bar, mount);
  mount.parentNode.insertBefore(notice, mount);
  return { bar, status, presence, notice };
}

function renderPresence(list, awareness) {
  const seen = new Set();
  list.replaceChildren();
  const states = [...awareness.getStates().entries()].sort(([a], [b]) => a - b);
  for (const [clientId, state] of states) {
    const user = state && state.user;
    if (!user || !user.name) continue;
    const key = `${user.id || user.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const self = clientId === awareness.clientID;
    list.append(
      el("li", { class: "collab-person", "data-client-id": String(clientId), title: user.name },
        el("span", { class: "collab-dot", style: `background:${user.color}` }),
        `${user.name}${self ? ` (${gettext("you")})` : ""}`),
    );
  }
}

// Comment anchors as Yjs relative positions: they stay on the same characters while others type. The
// plugin key and mapping are those of @tiptap/y-tiptap, the binding Tiptap 3's Collaboration uses.
export function selectionToRelative(editor) {
  const ystate = ySyncPluginKey.getState(editor.state);
  if (!ystate || !ystate.binding) return null;
  const { from, to } = editor.state.selection;
  const { type, mapping } = ystate.binding;
  return {
    from: Y.relativePositionToJSON(absolutePositionToRelativePosition(from, type, mapping)),
    to: Y.relativePositionToJSON(absolutePositionToRelativePosition(to, type, mapping)),
  };
}

export function relativeToRange(editor, anchor) {
  const ystate = ySyncPluginKey.getState(editor.state);
  if (!ystate || !ystate.binding || !anchor) return null;
  const { doc, type, mapping } = ystate.binding;
  const from = relativePositionToAbsolutePosition(doc, type, Y.createRelativePositionFromJSON(anchor.from), mapping);
  const to = relativePositionToAbsolutePosition(doc, type, Y.createRelativePositionFromJSON(anchor.to), mapping);
  return from == null || to == null ? null : { from, to };
}

export async function startCollaboration() {
  const config = JSON.parse(document.getElementById("post-editor-config").textContent);
  const session = await api(`/api/v1/collaboration/posts/${config.postId}/session/`);
  const mount = document.getElementById("editor");
  const ui = buildBar(mount);
  const ydoc = new Y.Doc();
  const path = session.websocket_path.replace(/\/$/, "");
  const slash = path.lastIndexOf("/", path.lastIndexOf("/") - 1);
  // y-websocket joins serverUrl + "/" + room: split /ws/posts/<id>/doc/ into the two.
  const provider = new WebsocketProvider(socketUrl(path.slice(0, slash)), `${path.slice(slash + 1)}/`, ydoc, {
    maxBackoffTime: 5000,
  });
  const user = { ...session.user };
  provider.awareness.setLocalStateField("user", user);

  let page = null;
  const setState = (state, text) => {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
    // The save indicator under the editor follows the live state instead of "Unsaved changes".
    if (page) page.setLiveStatus(state === "synced" ? gettext("Live: every edit is saved as you type") : text);
  };
  provider.on("status", ({ status }) => {
    if (status === "connected") setState(provider.synced ? "synced" : "connected", provider.synced ? gettext("Live") : gettext("Syncing…"));
    else if (status === "connecting") setState("connecting", gettext("Connecting…"));
    else setState("offline", gettext("Offline: your edits are kept and sent when the connection is back"));
  });
  provider.on("sync", (synced) => {
    if (synced && provider.wsconnected) setState("synced", gettext("Live"));
  });
  provider.on("connection-close", (event) => {
    const message = event && FINAL_CLOSE[event.code];
    if (message) {
      provider.shouldConnect = false;
      setState("stopped", gettext("Disconnected"));
      ui.notice.hidden = false;
      ui.notice.textContent = message();
    }
  });
  provider.awareness.on("change", () => renderPresence(ui.presence, provider.awareness));
  renderPresence(ui.presence, provider.awareness);
  // Say goodbye at once so that the others' view drops this caret immediately.
  window.addEventListener("pagehide", () => provider.awareness.setLocalState(null));

  if (!session.can_edit) {
    ui.notice.hidden = false;
    ui.notice.textContent = session.read_only_reason;
  }

  page = initPostPage({
    content: null,
    starterKit: { undoRedo: false },
    extensions: [
      Collaboration.configure({ document: ydoc, field: "default" }),
      CollaborationCaret.configure({ provider, user }),
    ],
    live: true,
  });
  // Text typed before the first sync would land beside the shared text instead of in it: wait for it.
  if (!provider.synced && page.editor.isEditable) {
    page.editor.setEditable(false);
    provider.once("sync", () => page.editor.setEditable(true));
  }
  page.setLiveStatus(ui.status.dataset.state === "synced" ? gettext("Live: every edit is saved as you type") : ui.status.textContent);
  // Comment and suggestion anchors ride on the shared document (see AnchorHighlights).
  Object.assign(page.editor.storage.anchorHighlights, {
    capture: () => selectionToRelative(page.editor),
    resolve: (relative) => relativeToRange(page.editor, relative),
    isRemote: (tr) => Boolean(tr.getMeta(ySyncPluginKey)),
  });
  const collab = { ydoc, provider, editor: page.editor, page, selectionToRelative: () => selectionToRelative(page.editor), relativeToRange: (a) => relativeToRange(page.editor, a) };
  window.collab = collab;
  return collab;
}

if (document.getElementById("post-page")) {
  startCollaboration().catch((error) => {
    console.error(error);
    // Without the live document the page still works as a plain editor.
    initPostPage();
  });
}
