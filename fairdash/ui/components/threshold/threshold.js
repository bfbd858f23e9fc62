// The Audit screen's threshold, answered in the browser. Python sends, once per released
// threshold, the report's per-group counts at 1,001 thresholds (fairdash.report._live.
// live_payload) and the figures drawn there; moving the slider recomputes the rates, Wilson
// intervals and gaps with live.js (the report's arithmetic, equal to fairdash.metrics.audit;
// docs/methods.md §9.1-9.3) and redraws here. When Python hears the threshold: control.js.
// User strings reach the page through textContent, or in figures already escaped for plotly.
(function () {
"use strict";
var CONFIG = {displaylogo: false, responsive: true};
function byId(id) { return document.getElementById(id); }

var P = null, L = null, shownCount = 0, control = null;
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
    control.height();
  });
}

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

function render(payload) {
  P = payload;
  L = fairdashLive(P.live);
  byId("fd-label").textContent = P.label;
  byId("fd-note").textContent = P.moved_note;
  table();
}

control = fairdashControl(slider, "threshold", {render: render, draw: draw});
window.FairDashThreshold = {measure: function (i) { return L.measure(i); }, position: position,
                            payload: function () { return P; }};
})();
