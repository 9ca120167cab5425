// The job page's video section: start an MP4 render of the video script (16:9, 9:16, 1:1) through the
// API, show its progress (polled from the render row the worker updates), then the playable <video>
// with its captions track.
import { el, gettext, request, sleep } from "./lib/studio_api.js";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

function videoFor(render) {
  const video = el("video", {
    controls: true,
    preload: "metadata",
    width: render.aspect === "9:16" ? 270 : 480,
    src: render.url,
    "aria-label": `${gettext("Rendered video")} (${render.aspect})`,
  });
  if (render.captions_url) {
    video.append(el("track", { kind: "captions", src: render.captions_url, label: gettext("Captions"), default: true }));
  }
  return video;
}

function showFinished(item, render) {
  item.dataset.status = render.status;
  const progress = item.querySelector("[data-render-progress]");
  if (progress) progress.remove();
  if (render.status === "succeeded" && render.url) {
    item.append(
      videoFor(render),
      el("div", { class: "small" },
        el("a", { href: render.url, download: true }, gettext("Download MP4")),
        render.captions_url ? " · " : null,
        render.captions_url ? el("a", { href: render.captions_url, download: true }, gettext("Captions (WebVTT)")) : null,
        ` · ${render.duration_seconds.toFixed(1)} s, ${render.width}×${render.height}`),
    );
  } else if (render.error) {
    item.append(el("p", { class: "message warn" }, render.error));
  }
}

async function follow(item, id) {
  for (let delay = 500; ; delay = Math.min(delay * 1.3, 3000)) {
    let render;
    try {
      render = await request(`/api/v1/video-renders/${id}/`);
    } catch (error) {
      await sleep(delay);
      continue;
    }
    const status = item.querySelector("[data-render-status]");
    const stage = item.querySelector("[data-render-stage]");
    const progress = item.querySelector("[data-render-progress]");
    if (status) { status.textContent = render.status_display || render.status; status.className = `badge status-${render.status}`; }
    if (stage) stage.textContent = render.stage || "";
    if (progress) progress.value = render.progress || 0;
    if (FINISHED.has(render.status)) { showFinished(item, render); return render; }
    await sleep(delay);
  }
}

function newItem(render) {
  return el("li", { class: "video-render", "data-render": render.id, "data-status": render.status },
    el("div", {},
      el("strong", {}, render.aspect), " ",
      el("span", { class: `badge status-${render.status}`, "data-render-status": true }, render.status_display || render.status), " ",
      el("span", { class: "muted small", "data-render-stage": true }, render.stage || "")),
    el("progress", { max: 1, value: render.progress || 0, "data-render-progress": true, "aria-label": gettext("Rendering progress") }));
}

for (const section of document.querySelectorAll(".video-renders")) {
  const list = section.querySelector("[data-video-list]");
  const errorEl = section.querySelector("[data-video-error]");
  for (const item of list.querySelectorAll(".video-render")) {
    if (!FINISHED.has(item.dataset.status)) follow(item, item.dataset.render);
  }
  section.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const aspect = event.submitter ? event.submitter.value : "16:9";
    errorEl.textContent = "";
    try {
      const render = await request("/api/v1/video-renders/", { method: "POST", body: { script: Number(section.dataset.script), aspect } });
      const empty = list.querySelector("[data-video-empty]");
      if (empty) empty.remove();
      const item = newItem(render);
      list.prepend(item);
      follow(item, render.id);
    } catch (error) {
      errorEl.textContent = error.message;
    }
  });
}
