// The Audit screen's threshold, answered in the browser (Streamlit components v1 protocol,
// no build step). Python sends, once per released threshold, the report's per-group counts at
// 1,001 thresholds (fairdash.report._live.live_payload) and the figures drawn there; moving
// the slider recomputes the rates, Wilson intervals and gaps with live.js (the report's
// arithmetic, equal to fairdash.metrics.audit; docs/methods.md §9.1-9.3) and redraws here.
// Python learns the threshold only when the slider is let go: at pointer-up after a drag,
// or RELEASE_MS after the last key press.
// User strings reach the page through textContent, or in figures already escaped for plotly.
(function () {
"use strict";
var RELEASE_MS = 300, CONFIG = {displaylogo: false, responsive: true};
function byId(id) { return document.getElementById(id); }
function post(type, extra) {
  var msg = {isStreamlitMessage: true, apiVersion: 1, type: "streamlit:" + type};
  Object.keys(extra || {}).forEach(function (k) { msg[k] = extra[k]; });
  window.parent.postMessage(msg, "*");
}

var P = null, L = null, version = null, lastSent = null, timer = null, queued = false;
var dragging = false, pending = [];  // thresholds sent whose rerun has not come back
var nonce = Math.random().toString(36).slice(2), sent = 0, shownCount = 0;
var slider = byId("fd-threshold");

function text(t) { return t.toFixed(2); }
function position(v) {  // the payload's index of threshold v (the released one when off grid)
  var ts = P.live.thresholds, lo = 0, hi = ts.length - 1;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (ts[mid] < v - 1e-9) { lo = mid + 1; } else { hi = mid; } }
  return Math.abs(ts[lo] - v) < 1e-9 ? lo : P.live.audited_index;
}

function histFigure(spec, thr) {  // the dashed threshold line(s) and their label
  // the curves are the same objects every time, so plotly.react redraws only the lines
  var f = {data: spec.data.slice(), layout: copy(spec.layout)}, t0 = spec.live.threshold;
  var old = "threshold " + text(t0), now = "threshold " + text(thr);
  (f.layout.shapes || []).forEach(function (s) {
    if (s.type === "line" && Math.abs(s.x0 - t0) < 1e-9 && Math.abs(s.x1 - t0) < 1e-9) { s.x0 = s.x1 = thr; }
  });
  (f.layout.annotations || []).forEach(function (a) { if (a.text === old) { a.x = thr; a.text = now; } });
  f.data = f.data.map(function (tr) {
    return tr.name === old ? Object.assign({}, tr, {name: now}) : tr;
  });
  return f;
}

function draw(v) {
  var at = position(v), thr = P.live.thresholds[at], m = L.measure(at);
  byId("fd-shown").textContent = byId("fd-caption").textContent = text(thr);
  byId("fd-note").hidden = Math.abs(thr - P.threshold) < 1e-9;
  document.querySelectorAll("#fd-gaps tbody tr").forEach(function (row) {
    var value = m.gaps[row.getAttribute("data-gap")], cell = row.querySelector("td.num");
    cell.textContent = num(value);
    cell.setAttribute("data-value", isNaN(value) ? "nan" : String(value));
  });
  var figs = [["fig-bars", L.barsFigure(P.figs.bars, m)], ["fig-roc", P.figs.roc && L.rocFigure(P.figs.roc, m, thr)],
              ["fig-hist", P.figs.hist && histFigure(P.figs.hist, thr)]];
  return Promise.all(figs.filter(function (f) { return f[1]; }).map(function (f) {
    return Plotly.react(byId(f[0]), f[1].data, f[1].layout, CONFIG);
  })).then(function () {
    shownCount += 1;  // what the tests and bench/bench_ui.py wait for
    document.body.setAttribute("data-shown", text(thr) + "#" + shownCount);
    height();
  });
}

function height() { post("setFrameHeight", {height: document.body.scrollHeight + 8}); }

function table() {
  var body = document.querySelector("#fd-gaps tbody");
  body.textContent = "";
  P.gaps.forEach(function (g) {  // [name, label]
    var tr = document.createElement("tr"), th = document.createElement("th");
    tr.setAttribute("data-gap", g[0]);
    th.textContent = g[1];
    tr.appendChild(th);
    [g[0], ""].forEach(function (t, i) {
      var td = document.createElement("td");
      td.textContent = t;
      if (i === 1) { td.className = "num"; }
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
}

function release() {
  timer = null;
  var v = Number(slider.value);
  if (lastSent !== null && Math.abs(v - lastSent) < 1e-9) { return; }
  lastSent = v;
  pending.push(v);
  sent += 1;
  post("setComponentValue", {value: {threshold: v, id: nonce + "-" + sent}, dataType: "json"});
}
function moved() {
  if (timer) { clearTimeout(timer); timer = null; }
  if (!dragging) { timer = setTimeout(release, RELEASE_MS); }  // keys: rest means let go
  if (queued) { return; }
  queued = true;  // one redraw per frame however fast the slider moves
  window.requestAnimationFrame(function () { queued = false; draw(Number(slider.value)); });
}
function letGo() { if (dragging) { dragging = false; release(); } }
slider.addEventListener("input", moved);
slider.addEventListener("keydown", function () { if (timer) { clearTimeout(timer); timer = setTimeout(release, RELEASE_MS); } });
slider.addEventListener("pointerdown", function () {
  dragging = true;
  if (timer) { clearTimeout(timer); timer = null; }
});
window.addEventListener("pointerup", letGo);
window.addEventListener("pointercancel", letGo);

window.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "streamlit:render") { return; }
  var payload = event.data.args.payload;
  slider.disabled = Boolean(event.data.disabled);
  // the reruns of our own releases come back in order, possibly after newer releases: never
  // move the slider back for them; follow only a threshold set elsewhere (a link, new data)
  var t = payload.threshold, echo = -1;
  pending.forEach(function (x, i) { if (echo < 0 && Math.abs(x - t) < 1e-9) { echo = i; } });
  if (echo >= 0) { pending.splice(0, echo + 1); }
  var elsewhere = echo < 0 && !pending.length && !timer && !dragging &&
      (lastSent === null || Math.abs(t - lastSent) > 1e-9);
  if (payload.version === version && !elsewhere) { return; }
  version = payload.version;
  P = payload;
  L = fairdashLive(P.live);
  byId("fd-label").textContent = P.label;
  byId("fd-note").textContent = P.moved_note;
  table();
  if (elsewhere) {
    slider.value = String(t);
    lastSent = t;
  }
  draw(Number(slider.value));
});
window.addEventListener("resize", height);
window.FairDashThreshold = {measure: function (i) { return L.measure(i); }, position: position,
                            payload: function () { return P; }};
post("componentReady");
height();
})();
