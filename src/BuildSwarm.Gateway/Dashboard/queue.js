"use strict";
// Queue control on the dashboard: cancel or retry a build, pause the swarm. It uses the page's helpers
// (el, td, state, token, toast, refreshSoon) at call time; text from the swarm only goes in as text nodes.

async function adminPost(path, what) {
  const t = token();
  if (!t) return null;
  const r = await fetch(path, { method: "POST", headers: { Authorization: "Bearer " + t } });
  if (r.status === 401 || r.status === 403) { localStorage.removeItem(TOKEN_KEY); toast("the admin token was refused"); return null; }
  let body = null;
  try { body = await r.json(); } catch { /* no body */ }
  const detail = body && (body.detail || (body.paused !== undefined ? (body.paused ? "paused, " + body.running + " running jobs finish" : "resumed") : null));
  toast(r.ok ? what + ": " + (detail || "done") : what + " refused: " + (detail || "HTTP " + r.status));
  refreshSoon();
  return body;
}

function buildAction(label, action, build) {
  return el("button", { type: "button", class: "queue-" + action, on: { click: () => adminPost(
    "/api/gateway/builds/" + encodeURIComponent(build.buildId) + "/" + action, label + " " + build.buildId) } }, label);
}

function renderQueue(s) {
  const paused = !!s.paused;
  const button = document.getElementById("pause-button");
  button.textContent = paused ? "Resume swarm" : "Pause swarm";
  button.dataset.paused = String(paused);
  document.getElementById("paused").hidden = !paused;
  document.getElementById("build-rows").replaceChildren(...(s.builds || []).map(b => {
    const action = b.state === "running" ? buildAction("Cancel", "cancel", b)
      : b.state === "stalled" || b.state === "cancelled" ? buildAction("Retry", "retry", b) : null;
    return el("tr", { data: { build: b.buildId } },
      td(b.buildId, b.reason ? el("div", { class: "why" }, b.reason) : null), td(state(b.state), action ? el("div", {}, action) : null),
      td(b.done + " / " + b.jobs), el("td", { class: "hide-sm" }, new Date(b.createdAt).toLocaleString()));
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("pause-button").addEventListener("click", (e) =>
    adminPost("/api/gateway/swarm/" + (e.target.dataset.paused === "true" ? "resume" : "pause"), "swarm"));
});
