// The live view of one generation: connects to its websocket, shows the text growing and progress,
// sends a cancel request, and reloads when the run finishes (to show the post, media and provenance).
const root = document.getElementById("generation");
if (root) {
  const finished = new Set(["succeeded", "failed", "cancelled"]);
  const textEl = document.getElementById("generation-text");
  const statusEl = document.getElementById("generation-status");
  const progressEl = document.getElementById("generation-progress");
  const messageEl = document.getElementById("generation-message");
  const cancelForm = document.getElementById("cancel-form");
  const labelsEl = document.getElementById("generation-status-labels");
  const labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  let status = root.dataset.status;
  let socket = null;
  let retries = 0;

  const setStatus = (value, label) => {
    status = value;
    statusEl.textContent = label || labels[value] || value;
    statusEl.className = `badge status-${value}`;
    root.dataset.status = value;
  };

  const handle = (msg) => {
    if (msg.event === "snapshot") {
      setStatus(msg.status);
      if (!finished.has(msg.status)) {
        textEl.classList.add("streaming");
        textEl.textContent = msg.text || "";
      } else if (msg.status !== root.dataset.initialStatus) {
        window.location.reload();
      }
    } else if (msg.event === "delta") {
      textEl.classList.add("streaming");
      textEl.textContent += msg.text;
      progressEl.value = msg.progress || 0;
      root.dataset.chars = String(msg.chars);
    } else if (msg.event === "status") {
      setStatus(msg.status);
      messageEl.textContent = msg.error || (msg.status === "retrying" ? "" : messageEl.textContent);
      if (msg.status === "retrying" && msg.retry_in) messageEl.textContent = `${msg.error} (${msg.retry_in} s)`;
      if (finished.has(msg.status)) {
        progressEl.value = 1;
        if (socket) socket.close();
        setTimeout(() => window.location.reload(), 400);
      }
    } else if (msg.event === "error") {
      messageEl.textContent = msg.error;
    }
  };

  const connect = () => {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${root.dataset.wsPath}`);
    socket.addEventListener("open", () => { retries = 0; root.dataset.connected = "1"; });
    socket.addEventListener("message", (event) => { lastMessage = Date.now(); handle(JSON.parse(event.data)); });
    socket.addEventListener("close", () => {
      root.dataset.connected = "0";
      if (!finished.has(status) && retries < 10) {
        retries += 1;
        setTimeout(connect, Math.min(5000, 300 * 2 ** retries));
      }
    });
  };

  // Without a shared channel layer (the embedded single-machine setup) events from the worker do not
  // reach this server: poll the job's status when the socket has been quiet for a while.
  let lastMessage = Date.now();
  const poll = async () => {
    if (finished.has(status)) return;
    if (Date.now() - lastMessage > 3000) {
      try {
        const response = await fetch(`/api/v1/generations/${root.dataset.job}/`, { credentials: "same-origin" });
        if (response.ok) {
          const job = await response.json();
          if (job.status !== status) setStatus(job.status);
          if (finished.has(job.status)) { window.location.reload(); return; }
        }
      } catch (error) { /* offline for a moment: try again */ }
    }
    setTimeout(poll, 2000);
  };

  root.dataset.initialStatus = status;
  if (!finished.has(status)) {
    connect();
    setTimeout(poll, 2000);
    if (cancelForm) {
      cancelForm.addEventListener("submit", (event) => {
        if (socket && socket.readyState === WebSocket.OPEN) {
          event.preventDefault();
          socket.send(JSON.stringify({ action: "cancel" }));
        }
      });
    }
  }
}
